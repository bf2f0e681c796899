/**
 * prediction-one-rx: a reactive client for Sony Prediction One's developer REST API.
 *
 * The core entry is browser-safe: it imports nothing from Node. Node helpers live in
 * `prediction-one-rx/node`, the local emulator in `prediction-one-rx/emulator`.
 *
 * @packageDocumentation
 */
export { createClient, PredictionOneClient } from './transport/client';
export type { ApiKeys, CredentialState, CredentialType } from './transport/credentials';
export type { FetchLike, FetchInit, FetchResponse } from './transport/fetchLike';
export type { OperationName, RequestOperation, RequestEvent } from './core/operation';
export { retryAfterMs } from './core/retryAfter';
export type { RequestLimits } from './transport/limiter';
export { PRODUCTION_BASE_URL, DEFAULT_BASE_URL } from './core/config';
export type { ClientConfig, PollOptions, RetryOptions, RetryEvent, ZipCodec, InflateDecoder, InflateDecoderConstructor } from './core/config';
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
  KnownRetrainStatus,
  RetrainStatusValue,
  KnownClassifierStatus,
  ClassifierStatusValue,
} from './core/events';
export { trainingConfigIssues, assertTrainingConfig } from './core/trainingConfig';
export type {
  TrainingConfig,
  TaskType,
  TimeSeriesUnit,
  BinaryClassificationConfig,
  MultiClassificationConfig,
  RegressionConfig,
  TimeSeriesRegressionConfig,
} from './core/trainingConfig';
export type { ExternalProcessId, ModelId, DataSetId, RetrainJobId, ClassifierId } from './codecs/ids';
export { asExternalProcessId, asModelId, asDataSetId, asRetrainJobId, asClassifierId } from './codecs/ids';
export type { ColumnInfoResponse, TrainingDataColumn } from './codecs/columnInfo';
export type { ModelSummary } from './codecs/model';
export type { DataSetSummary } from './codecs/dataSet';
export { inferColumns, columnInfoCsv } from './sources/columns';
export type { ColumnSpec, ColumnType } from './sources/columns';
export type { CsvSource, SizedSource } from './sources/csvSource';
export type { UploadSpool, SpooledUpload } from './sources/spool';
export { decodeCsv, detectCsvEncoding } from './sources/textEncoding';
export type { CsvEncoding } from './sources/textEncoding';
export { trainingDataIssues } from './sources/trainingDataIssues';
export type { TrainingDataCheckOptions } from './sources/trainingDataIssues';
export { apiKey$ } from './operators/apiKey';
export type { ApiKey, ApiKeyOptions } from './operators/apiKey';
export { upload$ } from './operators/upload';
export type { UploadInput, UploadOptions } from './operators/upload';
export { datasetInfo$ } from './operators/datasetInfo';
export { train$ } from './operators/train';
export type { TrainOptions } from './operators/train';
export { pollStatus$, sharedStatus$ } from './operators/pollStatus';
export { downloadResult$ } from './operators/downloadResult';
export type { ResultRef } from './operators/downloadResult';
export type { ExternalProcessRef } from './operators/passOrHandle';
export { trainModel$, trainModel } from './pipeline/trainModel';
export { abortOn } from './operators/abortOn';
export { trainOrFollow$ } from './pipeline/trainOrFollow';
export { isUnknownTraining } from './transport/errorFactory';
export type { TrainingJob, TrainModelOptions } from './pipeline/trainModel';
export { onlyResult, onlyStatus } from './pipeline/onlyResult';
export { trainEach$, trainEachFrom$ } from './pipeline/trainEach';
export type { KeyedTrainingJob, JobEvent, TrainEachOptions } from './pipeline/trainEach';
export { createJobQueue } from './pipeline/jobQueue';
export type { JobQueue, JobQueueOptions } from './pipeline/jobQueue';
export { jobStep$, runJobSteps$, isJobStepped, newJobRecord } from './pipeline/jobStep';
export type { JobRecord, JobStage, JobStepped, JobStepContext, JobStepOutput } from './pipeline/jobStep';
export { JOB_RECORD_VERSION, JobRecordVersionError, readJobRecord } from './pipeline/engine';
export { toTrainingResult, parseCsv } from './results/trainingResult';
export { WebInflate, webZipCodec } from './results/webInflate';
export { headlineMetric, HEADLINE_METRICS } from './results/headlineMetric';
export { streamResult$ } from './operators/streamResult';
export type { ResultSink, EntryWriter } from './operators/streamResult';
export type { TrainingResult, Metric, Contribution } from './results/trainingResult';
export type { ClassifierRule, Classifier } from './codecs/classifier';
export { RetrainFailedError, ClassifierFailedError, InferenceError } from './core/errors';
export type { InferenceErrorReason } from './core/errors';
export type { ClassifierRuleInput } from './core/classifierRules';
export type {
  RetrainEvent,
  RetrainUploadProgressEvent,
  RetrainUploadedEvent,
  RetrainStatusEvent,
  RetrainDownloadProgressEvent,
  RetrainCompletedEvent,
  ModelSwitchedEvent,
  RetrainJobRef,
} from './core/retrainEvents';
export { toRetrainResult } from './results/retrainResult';
export type { RetrainResult, MetricComparison } from './results/retrainResult';
export { models$, models } from './operators/models';
export { dataSets$, dataSets } from './operators/dataSets';
export type { ListOptions } from './operators/paginate';
export { deleteModel$ } from './operators/deleteModel';
export { deleteDataSet$ } from './operators/deleteDataSet';
export { retrainClient$ } from './operators/retrainClient';
export type { RetrainClientOptions } from './operators/retrainClient';
export { retrainUpload$ } from './operators/retrainUpload';
export type { RetrainInput } from './operators/retrainUpload';
export { retrainStatus$ } from './operators/retrainStatus';
export { switchModel$ } from './operators/switchModel';
export { downloadRetrainResult$ } from './operators/downloadRetrainResult';
export type { RetrainResultRef } from './operators/downloadRetrainResult';
export { createClassifier$ } from './operators/createClassifier';
export type { CreateClassifierInput, CreatedClassifier } from './operators/createClassifier';
export { classifiers$ } from './operators/classifiers';
export { updateClassifier$ } from './operators/updateClassifier';
export type { ClassifierUpdate } from './operators/updateClassifier';
export { deleteClassifier$ } from './operators/deleteClassifier';
export { waitForClassifier$ } from './operators/waitForClassifier';
export { predict$ } from './operators/predict';
export type { InferenceTarget, PredictInput, PredictOptions, PredictionBatch } from './operators/predict';
