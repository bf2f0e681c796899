/** The browser-safe root entry of prediction-one-rx: the client, the training flow and its results. */
/**
 * prediction-one-rx: a reactive client for Sony Prediction One's developer REST API.
 *
 * The core entry is browser-safe (it imports nothing from Node) and holds the training flow: the
 * client, the step operators (`apiKey$`, `upload$`, `train$`, `pollStatus$`, `downloadResult$`),
 * `trainModel$`, the result, the errors and the ids. The other entries (docs/ENTRIES.md):
 * `prediction-one-rx/deploy` (browser-safe: the account's models and data sets, retraining,
 * classifiers and prediction), `prediction-one-rx/engine` (browser-safe: many trainings and
 * durable drivers), `prediction-one-rx/node` (files, Node fetch, checkpoints),
 * `prediction-one-rx/emulator`, `prediction-one-rx/angular` and `prediction-one-rx/bullmq`.
 *
 * @packageDocumentation
 */
export { createClient, PredictionOneClient } from './transport/client';
export type { ApiKeys, CredentialState, CredentialType } from './core/credentialTypes';
export type { FetchLike, FetchInit, FetchResponse } from './core/fetchLike';
export type { OperationName, RequestOperation, RequestEvent, CallEndEvent } from './core/operation';
export type { Interceptor, InterceptedCall, InterceptorNext } from './core/interceptor';
export { retryAfterMs } from './core/retryAfter';
export type { RequestLimits } from './core/requestLimits';
export { PRODUCTION_BASE_URL } from './core/config';
export type { ClientConfig, ClientOptions, PollOptions, RetryOptions, RetryEvent, ZipCodec, InflateDecoder, InflateDecoderConstructor } from './core/config';
export {
  PredictionOneError,
  ApiError,
  AuthError,
  RateLimitError,
  ServerError,
  ResourceGoneError,
  NetworkError,
  RequestTimeoutError,
  DecodeError,
  ResponseTooLargeError,
  ValidationError,
  StatusFailedError,
  TrainingFailedError,
  TrainingStartUnknownError,
  PollTimeoutError,
  ResultArchiveError,
  UploadUrlSpentError,
  StorageError,
  SpoolLimitError,
  DeadlineExceededError,
  AbortError,
  RedirectError,
} from './core/errors';
export type { GoneResource } from './core/errors';
export type { ApiErrorInit, PollResource } from './core/errors';
export type {
  TrainingEvent,
  UploadProgressEvent,
  UploadedEvent,
  QueuedEvent,
  StatusEvent,
  DownloadProgressEvent,
  CompletedEvent,
  UploadFileKind,
  KnownTrainingStatus,
  TrainingStatusValue,
} from './core/events';
export type {
  TrainingConfig,
  TaskType,
  TimeSeriesUnit,
  BinaryClassificationConfig,
  MultiClassificationConfig,
  RegressionConfig,
  TimeSeriesRegressionConfig,
} from './core/trainingConfig';
export type { ExternalProcessId, ModelId, DataSetId, RetrainJobId, ClassifierId } from './core/ids';
export { asExternalProcessId, asModelId, asDataSetId, asRetrainJobId, asClassifierId } from './codecs/ids';
export type { ColumnSpec, ColumnType } from './core/columnSpec';
export type { CsvSource, SizedSource } from './sources/csvSource';
export type { UploadSpool, SpooledUpload } from './core/uploadSpool';
export type { CsvEncoding } from './sources/textEncoding';
export { apiKey$ } from './operators/apiKey';
export type { ApiKey, ApiKeyOptions } from './operators/apiKey';
export { upload$ } from './operators/upload';
export type { UploadInput, UploadOptions } from './operators/upload';
export { train$ } from './operators/train';
export type { TrainOptions } from './operators/train';
export { pollStatus$, sharedStatus$ } from './operators/pollStatus';
export { downloadResult$ } from './operators/downloadResult';
export type { ResultRef } from './operators/downloadResult';
export type { ExternalProcessRef } from './operators/passOrHandle';
export { trainModel$, trainModel } from './pipeline/trainModel';
export { abortOn } from './operators/abortOn';
export type { TrainingJob, TrainModelOptions } from './pipeline/trainModel';
export { onlyResult, onlyStatus } from './pipeline/onlyResult';
export { JobRecordVersionError } from './pipeline/engine';
export type { JobRecord, JobStage } from './pipeline/engine';
export type { TrainingResult, Metric, Contribution } from './core/resultTypes';
