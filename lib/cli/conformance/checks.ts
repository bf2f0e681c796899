/** The default checks of p1rx conformance. */
/**
 * The default checks of `p1rx conformance`: keys, listings, an upload and its column
 * information, an untrained status, the classifier list, and the documented errors that can be
 * provoked without harm.
 *
 * @packageDocumentation
 */
import { ApiKeyResponse } from '../../codecs/apiKey';
import { ClassifierListResponse } from '../../codecs/classifier';
import { ColumnInfoResponse } from '../../codecs/columnInfo';
import { DataSetListResponse } from '../../codecs/dataSet';
import { ModelListResponse } from '../../codecs/model';
import { TrainingStatus } from '../../codecs/trainingStatus';
import { UploadUrls } from '../../codecs/uploadUrls';
import { describeError, type Run } from './driver';
import { DOCUMENTED_SHAPES, shapeDifferences, type ShapeDifference } from './shapes';
import { decodeVerdict, expectedErrorVerdict } from './verdict';

/** The vendor's Japanese documentation, where each page below lives. @internal */
export const VENDOR_DOCS = 'https://predictionone.sony.biz/cloud_manual/operating_instruction/';

/** The vendor's Japanese page of each endpoint, by its public URL, as in docs/CONTRACT.md. @internal */
export const PAGE = {
  apiKey: `${VENDOR_DOCS}train_api/api_key/`,
  upload: `${VENDOR_DOCS}train_api/train_data_upload/`,
  columnInfo: `${VENDOR_DOCS}train_api/get_data_set_info/`,
  train: `${VENDOR_DOCS}train_api/train/`,
  status: `${VENDOR_DOCS}train_api/train_status_check/`,
  models: `${VENDOR_DOCS}train_api/get_model/`,
  dataSets: `${VENDOR_DOCS}train_api/get_data_set/`,
  deleteModel: `${VENDOR_DOCS}train_api/delete_model/`,
  deleteDataSet: `${VENDOR_DOCS}train_api/delete_data_set/`,
  classifiers: `${VENDOR_DOCS}model_api/get_classifier/`,
  createClassifier: `${VENDOR_DOCS}model_api/create_classifier/`,
  deleteClassifier: `${VENDOR_DOCS}model_api/delete_classifier/`,
  inference: `${VENDOR_DOCS}model_api/inference/`,
  retrainUpload: `${VENDOR_DOCS}re_train_api/re_train_data_upload/`,
} as const;

/** Three data rows, and their column information (UTF-8 with a BOM, as the upload page writes it). @internal */
export const THREE_ROWS = 'amount,rank,bought\n12.5,A,yes\n3.0,B,no\n7.25,A,yes\n';
const COLUMN_INFO = '\ufeffcolumn_name,column_type\namount,float\nrank,string\nbought,string\n';

/** @internal */
export const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;

/** Get API Key of one type with the secret key; the key, when one came. @internal */
export async function apiKeyCheck(run: Run, type: 'train' | 'deploy' | 'retrain', modelId?: number): Promise<string | undefined> {
  const endpoint = `GET /v1/external/api-key (${type})`;
  const secretKey = run.o.secretKey;
  if (secretKey === undefined) {
    run.skip(endpoint, PAGE.apiKey, 'no --secret-key: the API key given is used as is');
    return undefined;
  }
  const query: Record<string, string | number> = { credential_type: type, ...(modelId === undefined ? {} : { model_id: modelId }) };
  const json = await run.json(endpoint, PAGE.apiKey, { method: 'GET', url: run.url('/v1/external/api-key', query), key: secretKey }, DOCUMENTED_SHAPES.apiKey, {
    codec: ApiKeyResponse,
  });
  const key = (json as { api_key?: unknown } | undefined)?.api_key;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** Checks that a listing honoured `offset=0&limit=1`. */
function pagingDifferences(field: 'models' | 'data_sets') {
  return (json: unknown): ShapeDifference[] => {
    const body = json as { metadata?: { offset?: unknown; limit?: unknown }; [k: string]: unknown };
    const out: ShapeDifference[] = [];
    if (body.metadata?.offset !== undefined && body.metadata.offset !== 0)
      out.push({ field: 'metadata.offset', expected: '0 (as asked)', got: String(body.metadata.offset) });
    if (body.metadata?.limit !== undefined && body.metadata.limit !== 1)
      out.push({ field: 'metadata.limit', expected: '1 (as asked)', got: String(body.metadata.limit) });
    const list = body[field];
    if (Array.isArray(list) && list.length > 1) out.push({ field, expected: 'at most 1 item (limit=1)', got: `${list.length} items` });
    return out;
  };
}

/** The first page (`limit=1`) of List Models and of List Data Sets; the first model's id. @internal */
export async function listingChecks(run: Run, key: string): Promise<number | undefined> {
  const models = await run.json(
    'GET /v1/external/models?offset=0&limit=1',
    PAGE.models,
    { method: 'GET', url: run.url('/v1/external/models', { offset: 0, limit: 1 }), key },
    DOCUMENTED_SHAPES.models,
    { extra: pagingDifferences('models'), codec: ModelListResponse, list: 'models' },
  );
  await run.json(
    'GET /v1/external/data-sets?offset=0&limit=1',
    PAGE.dataSets,
    { method: 'GET', url: run.url('/v1/external/data-sets', { offset: 0, limit: 1 }), key },
    DOCUMENTED_SHAPES.dataSets,
    { extra: pagingDifferences('data_sets'), codec: DataSetListResponse, list: 'data_sets' },
  );
  const first = (models as { models?: { model_id?: unknown }[] } | undefined)?.models?.[0]?.model_id;
  return Number.isInteger(first) ? (first as number) : undefined;
}

/** Train Data Upload: the URL, then the PUTs of `csv` and its column information. @internal */
export async function uploadCheck(run: Run, label: string, key: string, csv: string): Promise<string | undefined> {
  const json = await run.json(
    `GET /v1/external/data-sets/upload-url${label}`,
    PAGE.upload,
    { method: 'GET', url: run.url('/v1/external/data-sets/upload-url', { extension: 'csv' }), key },
    DOCUMENTED_SHAPES.uploadUrls,
    { codec: UploadUrls },
  );
  const urls = json as Partial<Record<'learn_data_set_upload_url' | 'column_info_upload_url' | 'external_process_id', unknown>> | undefined;
  if (typeof urls?.learn_data_set_upload_url !== 'string' || typeof urls.column_info_upload_url !== 'string' || typeof urls.external_process_id !== 'string') {
    run.skip(`PUT learn_data_set_upload_url${label}`, PAGE.upload, 'no usable upload URLs');
    return undefined;
  }
  const rows = csv.trim().split('\n').length - 1;
  const learned = await run.noBody(
    `PUT learn_data_set_upload_url${label}`,
    PAGE.upload,
    { method: 'PUT', url: urls.learn_data_set_upload_url, body: utf8(csv) },
    `${rows} rows`,
  );
  const described = await run.noBody(`PUT column_info_upload_url${label}`, PAGE.upload, {
    method: 'PUT',
    url: urls.column_info_upload_url,
    body: utf8(COLUMN_INFO),
  });
  return learned && described ? urls.external_process_id : undefined;
}

/** Train Data Set Info of the three-row upload. @internal */
export async function columnInfoCheck(run: Run, key: string, id: string): Promise<void> {
  await run.json(
    'GET /v1/external/data-sets/column-info',
    PAGE.columnInfo,
    { method: 'GET', url: run.url('/v1/external/data-sets/column-info', { external_process_id: id }), key },
    DOCUMENTED_SHAPES.columnInfo,
    {
      codec: ColumnInfoResponse,
      extra: (json) => {
        const info = json as { trainingdata_row_count?: unknown; raw_column_names?: unknown };
        const out: ShapeDifference[] = [];
        if (info.trainingdata_row_count !== undefined && info.trainingdata_row_count !== 3)
          out.push({ field: 'trainingdata_row_count', expected: '3 (rows uploaded)', got: String(info.trainingdata_row_count) });
        if (Array.isArray(info.raw_column_names) && info.raw_column_names.join(',') !== 'amount,rank,bought')
          out.push({ field: 'raw_column_names', expected: 'amount,rank,bought', got: info.raw_column_names.join(',') });
        return out;
      },
    },
  );
}

/**
 * The status of an upload nobody trained: the pages do not say what it is, so a documented
 * status body and a documented error body both pass, and the note says which came.
 *
 * @internal
 */
export async function untrainedStatusCheck(run: Run, key: string, id: string): Promise<void> {
  const endpoint = 'GET /v1/external/models/results (uploaded, not trained)';
  const url = run.url('/v1/external/models/results', { external_process_id: id });
  const res = await run.request({ method: 'GET', url, key });
  if (res instanceof Error) {
    run.record({
      endpoint,
      page: PAGE.status,
      result: 'fail',
      differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }],
    });
    return;
  }
  const isError = res.status >= 400 && res.status < 500;
  if (!res.isJson || (!isError && (res.status < 200 || res.status >= 300))) {
    run.record({
      endpoint,
      page: PAGE.status,
      result: 'fail',
      httpStatus: res.status,
      differences: [{ field: '(http status)', expected: '2xx status or 4xx error body', got: describeError(res) }],
    });
    return;
  }
  const differences = shapeDifferences(isError ? DOCUMENTED_SHAPES.error : DOCUMENTED_SHAPES.trainingStatus, res.json);
  const status = (res.json as { status?: unknown }).status;
  const note = isError ? `undocumented case; answered ${describeError(res)}` : `undocumented case; answered status ${JSON.stringify(status)}`;
  const client = isError ? expectedErrorVerdict(res, 'GET', url, 'request') : decodeVerdict(TrainingStatus, res.json);
  run.record({ endpoint, page: PAGE.status, result: differences.length === 0 ? 'ok' : 'fail', httpStatus: res.status, differences, note, client });
}

/** List Classifiers with the deploy key. @internal */
export async function classifiersCheck(run: Run, deployKey: string, issued: boolean): Promise<void> {
  await run.json(
    'GET /v1/external/classifiers',
    PAGE.classifiers,
    { method: 'GET', url: run.url('/v1/external/classifiers'), key: deployKey },
    DOCUMENTED_SHAPES.classifiers,
    {
      codec: ClassifierListResponse,
      list: 'classifiers',
    },
  );
  // Without a secret key the one API key given is tried; if it is not a deploy key, the
  // service's credential error says nothing about the classifier list's shape.
  const last = run.checks[run.checks.length - 1]!;
  if (!issued && last.result === 'fail' && last.differences.some((d) => /Not_found_credential\.|Inactive_credential\./.test(d.got))) {
    run.checks[run.checks.length - 1] = {
      ...last,
      result: 'skipped',
      differences: [],
      client: undefined,
      note: `the API key given is not a deploy key (${last.differences[0]!.got}): give --secret-key`,
    };
  }
}

/**
 * Provokes a documented error on purpose and records its HTTP status and envelope: the answer
 * must be a 4xx with the documented error body, and the client must read it as `expected`.
 */
async function errorProbe(run: Run, endpoint: string, page: string, url: string, key: string, expected: 'auth' | 'request'): Promise<void> {
  const res = await run.request({ method: 'GET', url, key });
  if (res instanceof Error) {
    run.record({ endpoint, page, result: 'fail', differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }] });
    return;
  }
  const client = expectedErrorVerdict(res, 'GET', url, expected);
  const differences: ShapeDifference[] = [];
  if (res.status < 400 || res.status >= 500) differences.push({ field: '(http status)', expected: '4xx', got: describeError(res) });
  if (!res.isJson) differences.push({ field: '(root)', expected: 'the documented error body', got: 'text that is not JSON' });
  else differences.push(...shapeDifferences(DOCUMENTED_SHAPES.error, res.json));
  run.record({
    endpoint,
    page,
    result: differences.length === 0 ? 'ok' : 'fail',
    httpStatus: res.status,
    differences,
    client,
    note: `answered ${describeError(res)}`,
  });
}

/** A key no service issued: long enough to look real, obviously not one. */
const WRONG_KEY = 'p1rx-conformance-not-a-key-0000000000';

/**
 * The errors `AuthError`, key refresh and `ResourceGoneError` rest on, provoked without harm:
 * a wrong key, an unknown `external_process_id`, a bad `credential_type`.
 *
 * @internal
 */
export async function errorChecks(run: Run, trainKey: string | undefined): Promise<void> {
  await errorProbe(run, 'GET /v1/external/models (error: wrong key)', PAGE.models, run.url('/v1/external/models', { offset: 0, limit: 1 }), WRONG_KEY, 'auth');
  if (trainKey === undefined) run.skip('GET /v1/external/data-sets/column-info (error: unknown external_process_id)', PAGE.columnInfo, 'no train key');
  else {
    const unknownId = '00000000-0000-4000-8000-000000000000';
    await errorProbe(
      run,
      'GET /v1/external/data-sets/column-info (error: unknown external_process_id)',
      PAGE.columnInfo,
      run.url('/v1/external/data-sets/column-info', { external_process_id: unknownId }),
      trainKey,
      'request',
    );
  }
  if (run.o.secretKey === undefined) run.skip('GET /v1/external/api-key (error: bad credential_type)', PAGE.apiKey, 'no --secret-key');
  else
    await errorProbe(
      run,
      'GET /v1/external/api-key (error: bad credential_type)',
      PAGE.apiKey,
      run.url('/v1/external/api-key', { credential_type: 'p1rx-not-a-type' }),
      run.o.secretKey,
      'request',
    );
}
