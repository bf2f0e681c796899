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
 * The value {@link TrainingStatus} decodes a well-formed body to (an object whose `status` is a
 * string, whose other fields are strings, `null` or absent, and a `finished` one with a
 * `result_url`), built directly, or `undefined` for any other input, which the codec decodes.
 * A poll answers with such a body every few seconds per training: this skips the codec's
 * per-field results. spec/codecs/trainingStatusFastPath.spec.ts proves it yields exactly what
 * the codec yields.
 *
 * @internal
 */
export function wellFormedTrainingStatus(u: unknown): TrainingStatus | undefined {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return undefined;
  const body = u as Record<string, unknown>;
  const status = body.status;
  if (typeof status !== 'string') return undefined;
  const created = body.created_datetime;
  const updated = body.updated_datetime;
  const url = body.result_url;
  if (!textOrAbsent(created) || !textOrAbsent(updated) || !textOrAbsent(url)) return undefined;
  if (status === 'finished' && !url) return undefined;
  // The codec's value: a new object, its keys in the codec's order, absent and null fields left out.
  const out: { -readonly [K in keyof TrainingStatus]: TrainingStatus[K] } = { status };
  if (typeof created === 'string') out.created_datetime = created;
  if (typeof updated === 'string') out.updated_datetime = updated;
  if (typeof url === 'string') out.result_url = url;
  return out;
}

function textOrAbsent(v: unknown): v is string | null | undefined {
  return v === undefined || v === null || typeof v === 'string';
}

/**
 * The codec of Train Status Check as the transport uses it: {@link TrainingStatus}, with
 * {@link wellFormedTrainingStatus} first.
 *
 * @internal
 */
export const TrainingStatusResponse: t.Type<TrainingStatus, unknown> = new t.Type<TrainingStatus, unknown>(
  TrainingStatus.name,
  TrainingStatus.is,
  (u, c) => {
    const value = wellFormedTrainingStatus(u);
    return value === undefined ? TrainingStatus.validate(u, c) : t.success(value);
  },
  t.identity,
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
