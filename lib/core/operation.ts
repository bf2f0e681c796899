/** The documented operation each request performs. */
/**
 * What a request is: the name of the documented operation it performs, its attempt number and
 * the training it concerns, carried by every request from the operator to the fetch.
 *
 * @packageDocumentation
 */

/**
 * The documented operation a request performs: one name per endpoint of the Prediction One API
 * (and per transfer to a pre-signed URL). Nothing downstream of an operator recognises a request
 * by its URL or body: interceptors, the fleet gate, tracing and Angular's `HttpContext` read this.
 *
 * | name | endpoint |
 * |------|----------|
 * | `getApiKey` | `GET /v1/external/api-key` |
 * | `uploadUrls` | `GET /v1/external/data-sets/upload-url` |
 * | `uploadData` | `PUT <pre-signed upload URL>` (training data, column info, evaluation data) |
 * | `dataSetInfo` | `GET /v1/external/data-sets/column-info` |
 * | `createModel` | `POST /v1/external/models` |
 * | `trainingStatus` | `GET /v1/external/models/results` |
 * | `downloadResult` | `GET <result_url>` (pre-signed) |
 * | `models` | `GET /v1/external/models` |
 * | `deleteModel` | `DELETE /v1/external/models/{model_id}` |
 * | `dataSets` | `GET /v1/external/data-sets` |
 * | `deleteDataSet` | `DELETE /v1/external/data-sets/{data_set_id}` |
 * | `retrainUploadUrl` | `GET /v1/external/retrain_jobs/upload_url` |
 * | `retrainUpload` | `PUT <pre-signed retrain upload URL>` |
 * | `retrainStatus` | `GET /v1/external/retrain_jobs/{retrain_job_id}` |
 * | `downloadRetrainResult` | `GET <download_url>` (pre-signed) |
 * | `switchModel` | `PUT /v1/external/retrain_jobs/{retrain_job_id}/update_model` |
 * | `createClassifier` | `POST /v1/external/classifiers` |
 * | `classifiers` | `GET /v1/external/classifiers` |
 * | `updateClassifier` | `PATCH /v1/external/classifiers/{classifier_id}` |
 * | `deleteClassifier` | `DELETE /v1/external/classifiers/{classifier_id}` |
 * | `inference` | `POST <classifier url>` (a prediction API, with its own key) |
 *
 * ## Example
 * ```ts
 * const isTraining = (op: OperationName) => op === 'createModel' || op === 'trainingStatus';
 * ```
 */
export type OperationName =
  | 'getApiKey'
  | 'uploadUrls'
  | 'uploadData'
  | 'dataSetInfo'
  | 'createModel'
  | 'trainingStatus'
  | 'downloadResult'
  | 'models'
  | 'deleteModel'
  | 'dataSets'
  | 'deleteDataSet'
  | 'retrainUploadUrl'
  | 'retrainUpload'
  | 'retrainStatus'
  | 'downloadRetrainResult'
  | 'switchModel'
  | 'createClassifier'
  | 'classifiers'
  | 'updateClassifier'
  | 'deleteClassifier'
  | 'inference';

/**
 * The operation of one request, as the client hands it to the fetch
 * ({@link FetchInit.operation}) and to the {@link ClientConfig.onRequest} hook.
 *
 * ## Example
 * ```ts
 * const op: RequestOperation = { name: 'createModel', attempt: 1, trainingId: 'ep-42' };
 * ```
 */
export interface RequestOperation {
  /** The documented operation. */
  readonly name: OperationName;
  /** 1 for the first request of a call, 2 for its first retry (or its resend after a key refresh), and so on. */
  readonly attempt: number;
  /**
   * The training the request concerns, when the call knows it: the `external_process_id` of
   * Create Model, Train Status Check and Train Data Set Info.
   */
  readonly trainingId?: string;
  /**
   * The logical call the request belongs to: every request of one call (its retries, a resend
   * after a key refresh, a redirect hop) carries the same number, unique within the process.
   */
  readonly call?: number;
}

/**
 * What {@link ClientConfig.onRequest} is told about each request: once when it is handed to
 * the fetch (`phase: 'start'`) and once when it ends (`'response'` with the HTTP status, or
 * `'error'` when no response came: network failure, timeout, abort). A retry is a new request
 * with the next `attempt`. The URL is never included (pre-signed URLs are credentials).
 *
 * ## Example
 * ```ts
 * const onRequest = (e: RequestEvent) => console.log(`${e.operation} #${e.attempt} ${e.phase} ${e.status ?? ''}`);
 * ```
 */
export interface RequestEvent {
  /** The documented operation. */
  readonly operation: OperationName;
  /** See {@link RequestOperation.attempt}. */
  readonly attempt: number;
  /** See {@link RequestOperation.trainingId}. */
  readonly trainingId?: string;
  readonly method: string;
  readonly phase: 'start' | 'response' | 'error';
  /** The HTTP status of the response (`phase: 'response'`). */
  readonly status?: number;
  /** See {@link RequestOperation.call}: groups the attempts of one logical call. */
  readonly call?: number;
  /**
   * The server's host and port as the URL names them (`127.0.0.1:8080`,
   * `bucket.s3.amazonaws.com`): never the path, the query or user info, which may be secret.
   */
  readonly host?: string;
  /** The name of the error when no response came (`phase: 'error'`): `NetworkError`, `RequestTimeoutError` … */
  readonly error?: string;
}

/**
 * What {@link ClientConfig.onCallEnd} is told when a logical call ends: all its attempts, retry
 * waits and redirect hops are over. Attempts are the {@link RequestEvent}s with the same `call`.
 *
 * ## Example
 * ```ts
 * const onCallEnd = (e: CallEndEvent) => console.log(`${e.operation} ${e.outcome} after ${e.attempts} attempt(s)`);
 * ```
 */
export interface CallEndEvent {
  /** The documented operation. */
  readonly operation: OperationName;
  /** See {@link RequestOperation.call}. */
  readonly call: number;
  /** See {@link RequestOperation.trainingId}. */
  readonly trainingId?: string;
  /** `ok`: it succeeded; `error`: it failed for good (`error` says why); `cancelled`: it was unsubscribed. */
  readonly outcome: 'ok' | 'error' | 'cancelled';
  /** Requests sent for it (0 when it ended before the first one, e.g. in the limiter's queue). */
  readonly attempts: number;
  /** The library's typed error (`outcome: 'error'`): its message is redacted like every error's. */
  readonly error?: Error;
}
