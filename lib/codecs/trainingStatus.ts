/** Codecs of the Create Model and Train Status Check responses. */
import * as t from 'io-ts';
import type { TrainingStatusValue } from '../core/events';
import { ExternalProcessId } from './ids';
import { TextLike, requiring, struct } from './lenient';

/**
 * Response of Train Status Check (`GET /v1/external/models/results`). `status` is any string:
 * only `finished` is documented, so unknown values decode and count as "still working".
 *
 * ## Example
 * ```ts
 * const s: TrainingStatus = { status: 'finished', result_url: 'https://…' };
 * ```
 */
export interface TrainingStatus {
  /** `finished` when the result is ready; other values (undocumented) mean "still working" unless the caller names them. See {@link KnownTrainingStatus}. */
  readonly status: TrainingStatusValue;
  /** When the training was created, as the service wrote it. */
  readonly created_datetime?: string;
  /** When the status last changed, as the service wrote it. */
  readonly updated_datetime?: string;
  /** Pre-signed URL of the result zip: present once `finished` (a secret, never log it). */
  readonly result_url?: string;
}

/**
 * Codec of {@link TrainingStatus}: lenient about everything but what the client relies on:
 * `status` is required, and a `finished` status without a usable `result_url` fails (the
 * training's result could not be fetched). A `null` `result_url` while running is simply
 * absent, so polling goes on.
 *
 * ## Example
 * ```ts
 * TrainingStatus.is({ status: 'running', created_datetime: 'a', updated_datetime: 'b' }); // true
 * TrainingStatus.is({ status: 'finished' }); // false: no result_url
 * ```
 */
export const TrainingStatus: t.Type<TrainingStatus, unknown> = requiring(
  struct<TrainingStatus>('TrainingStatus', { status: t.string }, { created_datetime: TextLike, updated_datetime: TextLike, result_url: t.string }),
  (s) => (s.status === 'finished' && !s.result_url ? { field: 'result_url', expected: "string when status is 'finished'", actual: s.result_url } : undefined),
);

/**
 * Response of Create Model (`POST /v1/external/models`): the id whose status to poll.
 *
 * ## Example
 * ```ts
 * const { external_process_id }: CreateModelResponse = decoded;
 * ```
 */
export interface CreateModelResponse {
  /** The id of the training (the upload's id), to pass to Train Status Check. */
  readonly external_process_id: ExternalProcessId;
}

/**
 * Codec of {@link CreateModelResponse}; the id may arrive as a number.
 *
 * ## Example
 * ```ts
 * CreateModelResponse.is({ external_process_id: 'abc' }); // true
 * ```
 */
export const CreateModelResponse: t.Type<CreateModelResponse, unknown> = struct<CreateModelResponse>(
  'CreateModelResponse',
  { external_process_id: ExternalProcessId },
  {},
);
