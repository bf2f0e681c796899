/** What comes after the training flow, imported as `prediction-one-rx/deploy` (browser-safe). */
/**
 * What comes after the training flow, imported as `prediction-one-rx/deploy` (browser-safe):
 * the account's models and data sets (list, column info, delete), retraining a model
 * (`retrain` keys), and classifiers (the prediction APIs, `deploy` keys) with {@link predict$}.
 * The client and the errors they share come from `prediction-one-rx`. See docs/ENTRIES.md.
 *
 * ## Example
 * ```ts
 * import { createClient } from 'prediction-one-rx';
 * import { models } from 'prediction-one-rx/deploy';
 *
 * for await (const m of models(createClient({ secretKey }), { pageSize: 100 })) console.log(m.model_id, m.name);
 * ```
 *
 * @packageDocumentation
 */
export type { ColumnInfoResponse, TrainingDataColumn } from '../codecs/columnInfo';
export type { ModelSummary } from '../codecs/model';
export type { DataSetSummary } from '../codecs/dataSet';
export { datasetInfo$ } from '../operators/datasetInfo';
export { models$, models } from '../operators/models';
export { dataSets$, dataSets } from '../operators/dataSets';
export type { ListOptions } from '../operators/paginate';
export { deleteModel$ } from '../operators/deleteModel';
export { deleteDataSet$ } from '../operators/deleteDataSet';
export type { KnownRetrainStatus, RetrainStatusValue, KnownClassifierStatus, ClassifierStatusValue } from '../core/events';
export { RetrainFailedError, ClassifierFailedError, InferenceError } from '../core/errors';
export type { InferenceErrorReason } from '../core/errors';
export type {
  RetrainEvent,
  RetrainUploadProgressEvent,
  RetrainUploadedEvent,
  RetrainStatusEvent,
  RetrainDownloadProgressEvent,
  RetrainCompletedEvent,
  ModelSwitchedEvent,
  RetrainJobRef,
} from '../core/retrainEvents';
export { toRetrainResult } from '../results/retrainResult';
export type { RetrainResult, MetricComparison } from '../core/resultTypes';
export { retrainClient$ } from '../operators/retrainClient';
export type { RetrainClientOptions } from '../operators/retrainClient';
export { retrainUpload$ } from '../operators/retrainUpload';
export type { RetrainInput } from '../operators/retrainUpload';
export { retrainStatus$ } from '../operators/retrainStatus';
export { switchModel$ } from '../operators/switchModel';
export { downloadRetrainResult$ } from '../operators/downloadRetrainResult';
export type { RetrainResultRef } from '../operators/downloadRetrainResult';
export type { ClassifierRule, Classifier } from '../codecs/classifier';
export type { ClassifierRuleInput } from '../core/classifierRules';
export { createClassifier$ } from '../operators/createClassifier';
export type { CreateClassifierInput, CreatedClassifier } from '../operators/createClassifier';
export { classifiers$ } from '../operators/classifiers';
export { updateClassifier$ } from '../operators/updateClassifier';
export type { ClassifierUpdate } from '../operators/updateClassifier';
export { deleteClassifier$ } from '../operators/deleteClassifier';
export { waitForClassifier$ } from '../operators/waitForClassifier';
export { predict$ } from '../operators/predict';
export type { InferenceTarget, PredictInput, PredictOptions, PredictionBatch } from '../operators/predict';
