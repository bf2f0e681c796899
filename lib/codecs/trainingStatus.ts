import * as t from 'io-ts';
import { ExternalProcessId } from './ids';

/**
 * Response of Train Status Check. `status` is any string: only `finished` is documented, so
 * unknown values decode and count as "still working". `result_url` is checked when the status
 * is terminal, by {@link pollStatus$}.
 *
 * ## Example
 * ```ts
 * TrainingStatus.is({ status: 'running', created_datetime: 'a', updated_datetime: 'b' }); // true
 * ```
 */
export const TrainingStatus = t.intersection(
  [
    t.type({ status: t.string }),
    t.partial({ created_datetime: t.string, updated_datetime: t.string, result_url: t.string }),
  ],
  'TrainingStatus',
);
/** Response of Train Status Check. */
export type TrainingStatus = t.TypeOf<typeof TrainingStatus>;

/**
 * Response of Create Model: the id whose status to poll.
 *
 * ## Example
 * ```ts
 * CreateModelResponse.is({ external_process_id: 'abc' }); // true
 * ```
 */
export const CreateModelResponse = t.type({ external_process_id: ExternalProcessId }, 'CreateModelResponse');
/** Response of Create Model. */
export type CreateModelResponse = t.TypeOf<typeof CreateModelResponse>;
