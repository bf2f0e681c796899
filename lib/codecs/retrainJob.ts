/** Codecs of the retraining responses. */
import * as t from 'io-ts';
import type { RetrainStatusValue } from '../core/events';
import { ModelId, RetrainJobId } from './ids';
import { TextLike, requiring, struct } from './lenient';

/**
 * Response of Retrain Data Upload (`GET /v1/external/retrain_jobs/upload_url`): the job's id
 * and the pre-signed URL to PUT the data to.
 *
 * ## Example
 * ```ts
 * const { retrain_job_id, upload_url }: RetrainUploadUrl = decoded;
 * ```
 */
export interface RetrainUploadUrl {
  /** The id of the retraining job (sent as a string or a number). */
  readonly retrain_job_id: RetrainJobId;
  /** Pre-signed PUT URL of the retraining data: a secret, never log it. */
  readonly upload_url: string;
}

/**
 * Codec of {@link RetrainUploadUrl}: both fields required.
 *
 * ## Example
 * ```ts
 * RetrainUploadUrl.is({ retrain_job_id: 'j1', upload_url: 'https://…' }); // true
 * ```
 */
export const RetrainUploadUrl: t.Type<RetrainUploadUrl, unknown> = struct<RetrainUploadUrl>(
  'RetrainUploadUrl',
  { retrain_job_id: RetrainJobId, upload_url: t.string },
  {},
);

/**
 * Response of Retrain Status Check (`GET /v1/external/retrain_jobs/{retrain_job_id}`). `status`
 * is any string: only `job_finished` is documented, so unknown values count as "still working".
 *
 * ## Example
 * ```ts
 * const s: RetrainJobStatus = { status: 'job_finished', model_id: 12 as ModelId, download_url: 'https://…' };
 * ```
 */
export interface RetrainJobStatus {
  /** `job_finished` when done; other values (undocumented) mean "still working" unless named as failures. See {@link KnownRetrainStatus}. */
  readonly status: RetrainStatusValue;
  /** The model being retrained (sent as a number or a numeric string). */
  readonly model_id?: ModelId;
  /** A message of the service (why a job failed, for example). */
  readonly message?: string;
  /** Pre-signed URL of the retraining result: present once `job_finished` (a secret, never log it). */
  readonly download_url?: string;
  /** The job's own id, echoed. */
  readonly metadata?: {
    /** The retraining job's id. */
    readonly retrain_job_id?: RetrainJobId;
  };
}

/** The `metadata` of the retraining responses. */
type JobMetadata = NonNullable<RetrainJobStatus['metadata']>;
const JobMetadata = struct<JobMetadata>('RetrainJobMetadata', {}, { retrain_job_id: RetrainJobId });

/**
 * Codec of {@link RetrainJobStatus}: `status` required, and `job_finished` without a usable
 * `download_url` fails (the retrained model's result could not be fetched); everything else is
 * lenient.
 *
 * ## Example
 * ```ts
 * RetrainJobStatus.is({ status: 'running', metadata: { retrain_job_id: 'j1' } }); // true
 * ```
 */
export const RetrainJobStatus: t.Type<RetrainJobStatus, unknown> = requiring(
  struct<RetrainJobStatus>('RetrainJobStatus', { status: t.string }, { model_id: ModelId, message: TextLike, download_url: t.string, metadata: JobMetadata }),
  (s) =>
    s.status === 'job_finished' && !s.download_url
      ? { field: 'download_url', expected: "string when status is 'job_finished'", actual: s.download_url }
      : undefined,
);

/**
 * Response of Retrain Model Switch (`PUT /v1/external/retrain_jobs/{retrain_job_id}/update_model`).
 *
 * ## Example
 * ```ts
 * const res: UpdateModelResponse = { metadata: { retrain_job_id: id } };
 * ```
 */
export interface UpdateModelResponse {
  /** The switched job's id, echoed. */
  readonly metadata?: {
    /** The retraining job's id. */
    readonly retrain_job_id?: RetrainJobId;
  };
}

/**
 * Codec of {@link UpdateModelResponse}. Lenient: only the fact of a 2xx matters.
 *
 * ## Example
 * ```ts
 * UpdateModelResponse.is({ metadata: { retrain_job_id: 'j1' } }); // true
 * ```
 */
export const UpdateModelResponse: t.Type<UpdateModelResponse, unknown> = struct<UpdateModelResponse>('UpdateModelResponse', {}, { metadata: JobMetadata });
