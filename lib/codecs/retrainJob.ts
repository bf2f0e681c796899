import * as t from 'io-ts';
import { ModelId, RetrainJobId } from './ids';

/**
 * Response of Retrain Data Upload: the job's id and the pre-signed URL to PUT the data to.
 * `upload_url` is a secret: never log it.
 *
 * ## Example
 * ```ts
 * RetrainUploadUrl.is({ retrain_job_id: 'j1', upload_url: 'https://…' }); // true
 * ```
 */
export const RetrainUploadUrl = t.type({ retrain_job_id: RetrainJobId, upload_url: t.string }, 'RetrainUploadUrl');
/** Response of Retrain Data Upload. */
export type RetrainUploadUrl = t.TypeOf<typeof RetrainUploadUrl>;

/**
 * Response of Retrain Status Check. `status` is any string (only `job_finished` is documented,
 * so unknown values count as "still working"); `download_url` is pre-signed.
 *
 * ## Example
 * ```ts
 * RetrainJobStatus.is({ status: 'running', metadata: { retrain_job_id: 'j1' } }); // true
 * ```
 */
export const RetrainJobStatus = t.intersection(
  [
    t.type({ status: t.string }),
    t.partial({
      model_id: ModelId,
      message: t.union([t.string, t.null]),
      download_url: t.union([t.string, t.null]),
      metadata: t.partial({ retrain_job_id: t.string }),
    }),
  ],
  'RetrainJobStatus',
);
/** Response of Retrain Status Check. */
export type RetrainJobStatus = t.TypeOf<typeof RetrainJobStatus>;

/**
 * Response of Retrain Model Switch. Lenient: only the fact of a 2xx matters.
 *
 * ## Example
 * ```ts
 * UpdateModelResponse.is({ metadata: { retrain_job_id: 'j1' } }); // true
 * ```
 */
export const UpdateModelResponse = t.partial({ metadata: t.partial({ retrain_job_id: t.string }) }, 'UpdateModelResponse');
/** Response of Retrain Model Switch. */
export type UpdateModelResponse = t.TypeOf<typeof UpdateModelResponse>;
