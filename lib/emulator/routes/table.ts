/** The emulator's route table. */
import type { Route } from '../context';
import { getApiKeyRoute } from './apiKey';
import { columnInfoRoute } from './columnInfo';
import { deleteDataSetRoute, listDataSetsRoute } from './dataSets';
import { createModelRoute, deleteModelRoute, listModelsRoute } from './models';
import { trainingStatusRoute } from './results';
import { createClassifierRoute, deleteClassifierRoute, getClassifierRoute, listClassifiersRoute, updateClassifierRoute } from './classifiers';
import { inferenceRoute } from './inference';
import { retrainPutRoute, retrainStatusRoute, retrainUploadUrlRoute, switchModelRoute } from './retrainJobs';
import { dataSetDownloadRoute, resultDownloadRoute } from './storage';
import { putUploadRoute, uploadUrlRoute } from './uploads';

/**
 * Every route the emulator serves. Order matters only where patterns overlap: literal paths
 * (`upload-url`, `column-info`, `results`) come before `{id}` patterns of the same method.
 *
 * ## Example
 * ```ts
 * ROUTES.map((r) => r.key); // ['GET /v1/external/api-key', …]
 * ```
 * @internal
 */
export const ROUTES: readonly Route[] = [
  getApiKeyRoute,
  uploadUrlRoute,
  columnInfoRoute,
  listDataSetsRoute,
  deleteDataSetRoute,
  createModelRoute,
  trainingStatusRoute,
  listModelsRoute,
  deleteModelRoute,
  putUploadRoute,
  resultDownloadRoute,
  dataSetDownloadRoute,
  // Retraining: the literal `upload_url` before the `{retrain_job_id}` pattern.
  retrainUploadUrlRoute,
  retrainStatusRoute,
  switchModelRoute,
  retrainPutRoute,
  createClassifierRoute,
  listClassifiersRoute,
  getClassifierRoute,
  updateClassifierRoute,
  deleteClassifierRoute,
  inferenceRoute,
];
