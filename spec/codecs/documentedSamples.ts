/** Spec data: one documented response body per endpoint and what the codecs make of it. */
/**
 * One documented response body per endpoint, filled in from the Japanese vendor pages'
 * response formats (`https://predictionone.sony.biz/cloud_manual/operating_instruction/<page>/`), with the value the client's codec
 * must normalize it to, and what the variants may change.
 */
import type * as t from 'io-ts';
import { ApiErrorBody } from '../../lib/codecs/apiErrorBody';
import { ApiKeyResponse } from '../../lib/codecs/apiKey';
import { ClassifierListResponse, CreateClassifierResponse, UpdateClassifierResponse } from '../../lib/codecs/classifier';
import { ColumnInfoResponse } from '../../lib/codecs/columnInfo';
import { DataSetListResponse } from '../../lib/codecs/dataSet';
import { InferenceResponse } from '../../lib/codecs/inference';
import { ModelListResponse } from '../../lib/codecs/model';
import { RetrainJobStatus, RetrainUploadUrl, UpdateModelResponse } from '../../lib/codecs/retrainJob';
import { CreateModelResponse, TrainingStatus } from '../../lib/codecs/trainingStatus';
import { UploadUrls } from '../../lib/codecs/uploadUrls';

export interface DocumentedSample {
  /** The endpoint, as the vendor names it. */
  readonly endpoint: string;
  /** The vendor's page, relative to https://predictionone.sony.biz/cloud_manual/operating_instruction/. */
  readonly page: string;
  readonly codec: t.Mixed;
  /** A body of the documented format. Ids that the service may send as numbers are numeric text here. */
  readonly sample: unknown;
  /** What the codec makes of it (and of every variant). */
  readonly normalized: unknown;
  /**
   * Paths (`a.*.b`) of the fields that may be absent or `null`: documented as optional or
   * `Or(x, None)`, or documented but not relied on by the client (tolerated, see docs/CONTRACT.md).
   */
  readonly optional: readonly string[];
  /** Paths of the string ids a service may send as numbers. */
  readonly ids: readonly string[];
  /** Paths kept as sent (open records such as a model's `config`), left alone by the variants. */
  readonly raw?: readonly string[];
  /** The path of a status whose unknown values must decode as they are. */
  readonly status?: string;
}

const URL_LEARN = 'https://storage.example/learn.csv?X-Amz-Signature=abc';
const URL_EVAL = 'https://storage.example/eval.csv?X-Amz-Signature=def';
const URL_COLS = 'https://storage.example/cols.csv?X-Amz-Signature=ghi';
const URL_RESULT = 'https://storage.example/result.zip?X-Amz-Signature=jkl';

const classifier = {
  classifier_id: '501',
  model_id: 12,
  status: 'running',
  api_key: 'inference-key-0123456789',
  version: '1',
  url: 'https://user-api.example/v1/groups/g/classifiers/501/inference',
  active: true,
  is_editable: true,
  create_datetime: '2026-11-28T07:00:00Z',
  update_datetime: '2026-11-28T07:05:00Z',
  rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }],
};

export const DOCUMENTED_SAMPLES: readonly DocumentedSample[] = [
  {
    endpoint: 'Get API Key',
    page: 'train_api/api_key/',
    codec: ApiKeyResponse,
    sample: { api_key: 'api-key-0123456789', end_date: '2026-12-28T07:00:00Z' },
    normalized: { api_key: 'api-key-0123456789', end_date: '2026-12-28T07:00:00Z' },
    optional: ['end_date'],
    ids: [],
  },
  {
    endpoint: 'Train Data Upload',
    page: 'train_api/train_data_upload/',
    codec: UploadUrls,
    sample: {
      learn_data_set_upload_url: URL_LEARN,
      eval_data_set_upload_url: URL_EVAL,
      column_info_upload_url: URL_COLS,
      external_process_id: '20261128070000',
    },
    normalized: {
      learn_data_set_upload_url: URL_LEARN,
      eval_data_set_upload_url: URL_EVAL,
      column_info_upload_url: URL_COLS,
      external_process_id: '20261128070000',
    },
    optional: [],
    ids: ['external_process_id'],
  },
  {
    endpoint: 'Train Data Set Info',
    page: 'train_api/get_data_set_info/',
    codec: ColumnInfoResponse,
    sample: {
      raw_column_names: ['date', 'temp', 'weather'],
      raw_training_data: [{ row_data: '2012-01-01,12.8,drizzle' }],
      training_data_columns: [
        {
          column_id: 0,
          name: 'temp',
          initial_data_type: 1,
          available_data_types: [1, 2],
          unique_count: 3,
          data_count: 3,
          missing_count: 0,
          cor_score: 0.25,
          classify_value: [null],
          numerical_value: [{ max_value: 15.6, min_value: 10.6, avg_value: 13, median_value: 12.8 }],
          range_pick_info: {
            numeric: { max_val: 15.6, min_val: 10.6, initial_threshold: 13 },
            date: { max_epoc_sec: 1325548800, min_epoc_sec: 1325376000, initial_threshold_epoc_sec: 1325462400, time_unit_id: 3 },
          },
        },
        {
          column_id: 1,
          name: 'weather',
          initial_data_type: 0,
          available_data_types: [0],
          unique_count: 2,
          data_count: 3,
          missing_count: 0,
          cor_score: 0.5,
          classify_value: [
            { name: 'drizzle', value: 2 },
            { name: 'rain', value: 1 },
          ],
          numerical_value: [null],
          range_pick_info: {
            numeric: { max_val: 1, min_val: 0, initial_threshold: 0.5 },
            date: { max_epoc_sec: 2, min_epoc_sec: 1, initial_threshold_epoc_sec: 1, time_unit_id: 0 },
          },
        },
      ],
      useless_column_list: ['date', null],
      trainingdata_row_count: 3,
    },
    normalized: {
      raw_column_names: ['date', 'temp', 'weather'],
      raw_training_data: [{ row_data: '2012-01-01,12.8,drizzle' }],
      training_data_columns: [
        {
          column_id: 0,
          name: 'temp',
          initial_data_type: 1,
          available_data_types: [1, 2],
          unique_count: 3,
          data_count: 3,
          missing_count: 0,
          cor_score: 0.25,
          classify_value: [null],
          numerical_value: [{ max_value: 15.6, min_value: 10.6, avg_value: 13, median_value: 12.8 }],
          range_pick_info: {
            numeric: { max_val: 15.6, min_val: 10.6, initial_threshold: 13 },
            date: { max_epoc_sec: 1325548800, min_epoc_sec: 1325376000, initial_threshold_epoc_sec: 1325462400, time_unit_id: 3 },
          },
        },
        {
          column_id: 1,
          name: 'weather',
          initial_data_type: 0,
          available_data_types: [0],
          unique_count: 2,
          data_count: 3,
          missing_count: 0,
          cor_score: 0.5,
          classify_value: [
            { name: 'drizzle', value: 2 },
            { name: 'rain', value: 1 },
          ],
          numerical_value: [null],
          range_pick_info: {
            numeric: { max_val: 1, min_val: 0, initial_threshold: 0.5 },
            date: { max_epoc_sec: 2, min_epoc_sec: 1, initial_threshold_epoc_sec: 1, time_unit_id: 0 },
          },
        },
      ],
      useless_column_list: ['date', null],
      trainingdata_row_count: 3,
    },
    // Documented optional or Or(x, None); the lists the client does not rely on are tolerated as absent too.
    optional: [
      'training_data_columns.*.cor_score',
      'training_data_columns.*.range_pick_info',
      'training_data_columns.*.range_pick_info.numeric',
      'training_data_columns.*.range_pick_info.date',
      'raw_training_data',
      'useless_column_list',
      'training_data_columns.*.initial_data_type',
      'training_data_columns.*.available_data_types',
      'training_data_columns.*.classify_value',
      'training_data_columns.*.numerical_value',
    ],
    ids: [],
  },
  {
    endpoint: 'Train (Create Model)',
    page: 'train_api/train/',
    codec: CreateModelResponse,
    sample: { external_process_id: '20261128070000' },
    normalized: { external_process_id: '20261128070000' },
    optional: [],
    ids: ['external_process_id'],
  },
  {
    endpoint: 'Train Status Check',
    page: 'train_api/train_status_check/',
    codec: TrainingStatus,
    sample: { status: 'finished', created_datetime: '2026-11-28T07:00:00Z', updated_datetime: '2026-11-28T07:09:00Z', result_url: URL_RESULT },
    normalized: { status: 'finished', created_datetime: '2026-11-28T07:00:00Z', updated_datetime: '2026-11-28T07:09:00Z', result_url: URL_RESULT },
    // result_url is Optional, but required once finished: see the running sample below.
    optional: ['created_datetime', 'updated_datetime'],
    ids: [],
    status: 'status',
  },
  {
    endpoint: 'Train Status Check (running)',
    page: 'train_api/train_status_check/',
    codec: TrainingStatus,
    sample: { status: 'running', created_datetime: '2026-11-28T07:00:00Z', updated_datetime: '2026-11-28T07:01:00Z' },
    normalized: { status: 'running', created_datetime: '2026-11-28T07:00:00Z', updated_datetime: '2026-11-28T07:01:00Z' },
    optional: ['created_datetime', 'updated_datetime', 'result_url'],
    ids: [],
    status: 'status',
  },
  {
    endpoint: 'Get Model (list)',
    page: 'train_api/get_model/',
    codec: ModelListResponse,
    sample: {
      models: [
        {
          model_id: 12,
          owner_user_id: '7',
          target_type: 'binary_classification',
          name: 'MODEL_NAME',
          version: '1',
          config: { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' },
          is_api_option: false,
          updated_date: '2026-11-28T07:09:00Z',
          created_date: '2026-11-28T07:00:00Z',
        },
      ],
      metadata: { offset: 0, limit: 30, total: 1 },
    },
    normalized: {
      models: [
        {
          model_id: 12,
          owner_user_id: '7',
          target_type: 'binary_classification',
          name: 'MODEL_NAME',
          version: '1',
          config: { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' },
          is_api_option: false,
          updated_date: '2026-11-28T07:09:00Z',
          created_date: '2026-11-28T07:00:00Z',
        },
      ],
      metadata: { offset: 0, limit: 30, total: 1 },
    },
    optional: ['models.*.target_type', 'models.*.name', 'models.*.version'],
    ids: ['models.*.owner_user_id', 'models.*.version'],
    raw: ['models.*.config'],
  },
  {
    endpoint: 'Get Data Set (list)',
    page: 'train_api/get_data_set/',
    codec: DataSetListResponse,
    sample: {
      data_sets: [
        {
          data_set_id: 3,
          owner_user_id: '7',
          name: '1_プレミアムサービス購入.csv',
          extension: 'csv',
          column_count: 8,
          data_count: 1000,
          data_size: 52000,
          download_url: URL_LEARN,
          updated_date: '2026-11-28T07:00:00Z',
          created_date: '2026-11-28T07:00:00Z',
        },
      ],
      metadata: { offset: 0, limit: 30, total: 1 },
    },
    normalized: {
      data_sets: [
        {
          data_set_id: 3,
          owner_user_id: '7',
          name: '1_プレミアムサービス購入.csv',
          extension: 'csv',
          column_count: 8,
          data_count: 1000,
          data_size: 52000,
          download_url: URL_LEARN,
          updated_date: '2026-11-28T07:00:00Z',
          created_date: '2026-11-28T07:00:00Z',
        },
      ],
      metadata: { offset: 0, limit: 30, total: 1 },
    },
    optional: ['data_sets.*.name'],
    ids: ['data_sets.*.owner_user_id'],
  },
  {
    endpoint: 'Retrain Data Upload',
    page: 're_train_api/re_train_data_upload/',
    codec: RetrainUploadUrl,
    sample: { retrain_job_id: '9001', upload_url: URL_LEARN },
    normalized: { retrain_job_id: '9001', upload_url: URL_LEARN },
    optional: [],
    ids: ['retrain_job_id'],
  },
  {
    endpoint: 'Retrain Status Check',
    page: 're_train_api/re_train_status_check/',
    codec: RetrainJobStatus,
    sample: { status: 'job_finished', model_id: 12, message: 'done', download_url: URL_RESULT, metadata: { retrain_job_id: '9001' } },
    normalized: { status: 'job_finished', model_id: 12, message: 'done', download_url: URL_RESULT, metadata: { retrain_job_id: '9001' } },
    // download_url is Optional, but required once job_finished: see the running sample below.
    optional: ['model_id', 'message', 'metadata'],
    ids: ['metadata.retrain_job_id'],
    status: 'status',
  },
  {
    endpoint: 'Retrain Status Check (running)',
    page: 're_train_api/re_train_status_check/',
    codec: RetrainJobStatus,
    sample: { status: 'running', model_id: 12, metadata: { retrain_job_id: '9001' } },
    normalized: { status: 'running', model_id: 12, metadata: { retrain_job_id: '9001' } },
    optional: ['model_id', 'message', 'download_url', 'metadata'],
    ids: ['metadata.retrain_job_id'],
    status: 'status',
  },
  {
    endpoint: 'Retrain Model Switch',
    page: 're_train_api/switch_model/',
    codec: UpdateModelResponse,
    sample: { metadata: { retrain_job_id: '9001' } },
    normalized: { metadata: { retrain_job_id: '9001' } },
    optional: ['metadata', 'metadata.retrain_job_id'],
    ids: ['metadata.retrain_job_id'],
  },
  {
    endpoint: 'Create Classifier',
    page: 'model_api/create_classifier/',
    codec: CreateClassifierResponse,
    sample: { classifier_id: '501', api_key: 'inference-key-0123456789', version: '1' },
    normalized: { classifier_id: '501', api_key: 'inference-key-0123456789', version: '1' },
    optional: ['version'],
    ids: ['classifier_id', 'version'],
  },
  {
    endpoint: 'Get Classifier (list)',
    page: 'model_api/get_classifier/',
    codec: ClassifierListResponse,
    sample: { classifiers: [classifier, { ...classifier, classifier_id: '502', status: 'building', url: null }] },
    normalized: { classifiers: [classifier, (({ url: _url, ...rest }) => ({ ...rest, classifier_id: '502', status: 'building' }))(classifier)] },
    optional: ['classifiers.*.url'],
    ids: ['classifiers.*.classifier_id', 'classifiers.*.version'],
    status: 'classifiers.*.status',
  },
  {
    // The curl example's GET /v1/external/classifiers/{id}: the emulator answers like Update Classifier (docs/CONTRACT.md G15).
    endpoint: 'Get Classifier (one, curl example)',
    page: 'model_api/get_classifier/',
    codec: UpdateClassifierResponse,
    sample: { classifier: { ...classifier, url: null, status: 'updating' } },
    normalized: { classifier: (({ url: _url, ...rest }) => ({ ...rest, status: 'updating' }))(classifier) },
    optional: ['classifier.url'],
    ids: ['classifier.classifier_id', 'classifier.version'],
    status: 'classifier.status',
  },
  {
    endpoint: 'Update Classifier',
    page: 'model_api/update_classifier/',
    codec: UpdateClassifierResponse,
    sample: { classifier },
    normalized: { classifier },
    optional: ['classifier.url'],
    ids: ['classifier.classifier_id', 'classifier.version'],
    status: 'classifier.status',
  },
  {
    // Every page's "error message" table: code, error, message (the body's shape is a gap, docs/CONTRACT.md G2).
    endpoint: 'Error body (every page)',
    page: 'train_api/api_key/',
    codec: ApiErrorBody,
    sample: { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' },
    normalized: { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' },
    optional: ['code', 'error', 'message'],
    ids: [],
  },
  {
    endpoint: 'Inference',
    page: 'model_api/inference/',
    codec: InferenceResponse,
    sample: {
      version: '1',
      outputs: [
        { name: 'prediction_analysis.csv', data: 'YSxiCjEsMgo=' },
        { name: 'prediction_valid.csv', data: 'YSxiCjEsMgo=' },
      ],
    },
    normalized: {
      version: '1',
      outputs: [
        { name: 'prediction_analysis.csv', data: 'YSxiCjEsMgo=' },
        { name: 'prediction_valid.csv', data: 'YSxiCjEsMgo=' },
      ],
    },
    optional: ['version'],
    ids: ['version'],
  },
];
