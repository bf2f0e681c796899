/**
 * The checks of `p1rx conformance`: each documented endpoint called once, its body compared
 * strictly with the shape the vendor's Japanese page documents.
 *
 * @packageDocumentation
 */
import type { FetchLike } from 'prediction-one-rx';
import { BodyTooLargeError, send, type RawRequest, type RawResponse } from './http';
import { DOCUMENTED_SHAPES, shapeDifferences, type Shape, type ShapeDifference } from './shapes';

/** What `runConformance` needs. @internal */
export interface ConformanceOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly secretKey?: string;
  /** The model to ask a retrain key for (default: the first model of the listing). */
  readonly modelId?: number;
  /** Also train a tiny model through to its result, then delete it and its data sets. */
  readonly train?: boolean;
  readonly fetch: FetchLike;
  /** First wait between status polls (doubles up to 30 s). Default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Longest wait for the training. Default 30 minutes. */
  readonly maxWaitMs?: number;
  /** Per request. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Waits between polls (injectable for tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The outcome of one check. @internal */
export type CheckResult = 'ok' | 'fail' | 'skipped';

/** One line of the report. @internal */
export interface CheckReport {
  /** `METHOD path` and what is checked, e.g. `GET /v1/external/api-key (train)`. */
  readonly endpoint: string;
  /** The vendor page, under shared/api/vendor (see docs/CONTRACT.md). */
  readonly page?: string;
  readonly result: CheckResult;
  readonly httpStatus?: number;
  /** Where the body differs from the documented shape (or the status from 2xx). */
  readonly differences: readonly ShapeDifference[];
  /** Why it was skipped, or what it found. */
  readonly note?: string;
}

/** The whole run. @internal */
export interface ConformanceReport {
  readonly service: string;
  readonly train: boolean;
  readonly checks: readonly CheckReport[];
  readonly summary: { readonly ok: number; readonly failed: number; readonly skipped: number };
}

const RETRAIN_KEY = 'GET /v1/external/api-key (retrain)';
const JSON_MAX_BYTES = 16 * 1024 * 1024;
const ZIP_MAX_BYTES = 256 * 1024 * 1024;

/** Three data rows, and their column information (UTF-8 with a BOM, as the upload page writes it). */
const THREE_ROWS = 'amount,rank,bought\n12.5,A,yes\n3.0,B,no\n7.25,A,yes\n';
const COLUMN_INFO = '\ufeffcolumn_name,column_type\namount,float\nrank,string\nbought,string\n';

/** A tiny, deterministic binary data set for `--train`: 40 rows of the same three columns. */
function tinyTrainingCsv(): string {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const amount = ((i * 37) % 100) / 4;
    return `${amount},${'ABC'[i % 3]},${amount > 12 ? 'yes' : 'no'}`;
  });
  return `amount,rank,bought\n${rows.join('\n')}\n`;
}

const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;

/** Pages (under shared/api/vendor) per endpoint, as in docs/CONTRACT.md. */
const PAGE = {
  apiKey: 'train_api/api_key/_index.jp.md',
  upload: 'train_api/train_data_upload/_index.jp.md',
  columnInfo: 'train_api/get_data_set_info/_index.jp.md',
  train: 'train_api/train/_index.jp.md',
  status: 'train_api/train_status_check/_index.jp.md',
  models: 'train_api/get_model/_index.jp.md',
  dataSets: 'train_api/get_data_set/_index.jp.md',
  deleteModel: 'train_api/delete_model/_index.jp.md',
  deleteDataSet: 'train_api/delete_data_set/_index.jp.md',
  classifiers: 'model_api/get_classifier/_index.jp.md',
} as const;

/** The error body's fields, for a line of the report. */
function describeError(res: RawResponse): string {
  const body = res.json as { code?: unknown; error?: unknown; message?: unknown } | undefined;
  if (!res.isJson || typeof body !== 'object' || body === null) return `${res.status} (not JSON)`;
  return [res.status, body.code, body.error].filter((x) => x !== undefined).join(' ') + (typeof body.message === 'string' ? `: ${body.message}` : '');
}

class Run {
  readonly checks: CheckReport[] = [];
  /** Values never to print: keys and pre-signed URLs met on the way. */
  readonly secrets: string[] = [];
  private readonly timeoutMs: number;

  constructor(private readonly o: ConformanceOptions) {
    this.timeoutMs = o.requestTimeoutMs ?? 60_000;
    for (const s of [o.apiKey, o.secretKey]) if (s) this.secrets.push(s);
  }

  url(path: string, query: Record<string, string | number> = {}): string {
    const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return `${this.o.baseUrl.replace(/\/+$/, '')}${path}${q ? `?${q}` : ''}`;
  }

  record(check: CheckReport): CheckReport {
    this.checks.push(check);
    return check;
  }

  skip(endpoint: string, page: string | undefined, note: string): void {
    this.record({ endpoint, page, result: 'skipped', differences: [], note });
  }

  /** Remembers secrets found in a body: every `*key*` and `*url*` string value. */
  collectSecrets(value: unknown): void {
    if (Array.isArray(value)) value.forEach((v) => this.collectSecrets(v));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === 'string' && /key|url/i.test(k) && v.length >= 6) this.secrets.push(v);
        else this.collectSecrets(v);
      }
    }
  }

  async request(request: Omit<RawRequest, 'maxBytes' | 'timeoutMs'> & { maxBytes?: number }): Promise<RawResponse | Error> {
    try {
      const res = await send(this.o.fetch, { maxBytes: JSON_MAX_BYTES, timeoutMs: this.timeoutMs, ...request });
      if (res.isJson) this.collectSecrets(res.json);
      return res;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /**
   * One JSON endpoint: the request, then the body against `shape` (and `extra` checks of its
   * meaning). Resolves with the body when the call answered 2xx JSON.
   */
  async json(
    endpoint: string,
    page: string,
    request: Omit<RawRequest, 'maxBytes' | 'timeoutMs'>,
    shape: Shape,
    extra: (json: unknown) => ShapeDifference[] = () => [],
  ): Promise<unknown> {
    const res = await this.request(request);
    if (res instanceof Error) {
      this.record({ endpoint, page, result: 'fail', differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }] });
      return undefined;
    }
    if (res.status < 200 || res.status >= 300) {
      const differences = [{ field: '(http status)', expected: '2xx', got: describeError(res) }];
      this.record({ endpoint, page, result: 'fail', httpStatus: res.status, differences });
      return undefined;
    }
    if (!res.isJson) {
      this.record({ endpoint, page, result: 'fail', httpStatus: res.status, differences: [{ field: '(root)', expected: 'JSON', got: res.text.trim() === '' ? 'an empty body' : 'text that is not JSON' }] });
      return undefined;
    }
    const differences = [...shapeDifferences(shape, res.json), ...extra(res.json)];
    this.record({ endpoint, page, result: differences.length === 0 ? 'ok' : 'fail', httpStatus: res.status, differences });
    return res.json;
  }

  /** An endpoint documented with no response body: a 2xx is all that is checked. */
  async noBody(endpoint: string, page: string | undefined, request: Omit<RawRequest, 'maxBytes' | 'timeoutMs'>, note?: string): Promise<boolean> {
    const res = await this.request(request);
    if (res instanceof Error) {
      this.record({ endpoint, page, result: 'fail', differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }] });
      return false;
    }
    const ok = res.status >= 200 && res.status < 300;
    this.record({ endpoint, page, result: ok ? 'ok' : 'fail', httpStatus: res.status, differences: ok ? [] : [{ field: '(http status)', expected: '2xx', got: describeError(res) }], note });
    return ok;
  }

  /** Get API Key of one type with the secret key; the key, when one came. */
  async apiKey(type: 'train' | 'deploy' | 'retrain', modelId?: number): Promise<string | undefined> {
    const endpoint = `GET /v1/external/api-key (${type})`;
    const secretKey = this.o.secretKey;
    if (secretKey === undefined) {
      this.skip(endpoint, PAGE.apiKey, 'no --secret-key: the API key given is used as is');
      return undefined;
    }
    const query: Record<string, string | number> = { credential_type: type, ...(modelId === undefined ? {} : { model_id: modelId }) };
    const json = await this.json(endpoint, PAGE.apiKey, { method: 'GET', url: this.url('/v1/external/api-key', query), key: secretKey }, DOCUMENTED_SHAPES.apiKey);
    const key = (json as { api_key?: unknown } | undefined)?.api_key;
    return typeof key === 'string' && key !== '' ? key : undefined;
  }

  /** Train Data Upload: the URL, then the PUTs of `csv` and its column information. */
  async upload(label: string, key: string, csv: string): Promise<string | undefined> {
    const json = await this.json(
      `GET /v1/external/data-sets/upload-url${label}`,
      PAGE.upload,
      { method: 'GET', url: this.url('/v1/external/data-sets/upload-url', { extension: 'csv' }), key },
      DOCUMENTED_SHAPES.uploadUrls,
    );
    const urls = json as Partial<Record<'learn_data_set_upload_url' | 'column_info_upload_url' | 'external_process_id', unknown>> | undefined;
    if (typeof urls?.learn_data_set_upload_url !== 'string' || typeof urls.column_info_upload_url !== 'string' || typeof urls.external_process_id !== 'string') {
      this.skip(`PUT learn_data_set_upload_url${label}`, PAGE.upload, 'no usable upload URLs');
      return undefined;
    }
    const rows = csv.trim().split('\n').length - 1;
    const learned = await this.noBody(`PUT learn_data_set_upload_url${label}`, PAGE.upload, { method: 'PUT', url: urls.learn_data_set_upload_url, body: utf8(csv) }, `${rows} rows`);
    const described = await this.noBody(`PUT column_info_upload_url${label}`, PAGE.upload, { method: 'PUT', url: urls.column_info_upload_url, body: utf8(COLUMN_INFO) });
    return learned && described ? urls.external_process_id : undefined;
  }

  /** Every item of a listing (pages of 100), for the ids a training added. */
  async listAll(path: string, field: 'models' | 'data_sets', key: string): Promise<Record<string, unknown>[] | undefined> {
    const items: Record<string, unknown>[] = [];
    for (let offset = 0, page = 0; page < 100; page++) {
      const res = await this.request({ method: 'GET', url: this.url(path, { offset, limit: 100 }), key });
      if (res instanceof Error || res.status >= 300 || !res.isJson) return undefined;
      const list = (res.json as Record<string, unknown>)[field];
      if (!Array.isArray(list)) return undefined;
      items.push(...(list as Record<string, unknown>[]));
      const total = Number((res.json as { metadata?: { total?: unknown } }).metadata?.total);
      offset += list.length;
      if (list.length === 0 || !(offset < total)) break;
    }
    return items;
  }

  sleep(ms: number): Promise<void> {
    return this.o.sleep ? this.o.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** Checks that a listing honoured `offset=0&limit=1`. */
function pagingDifferences(field: 'models' | 'data_sets') {
  return (json: unknown): ShapeDifference[] => {
    const body = json as { metadata?: { offset?: unknown; limit?: unknown }; [k: string]: unknown };
    const out: ShapeDifference[] = [];
    if (body.metadata?.offset !== undefined && body.metadata.offset !== 0) out.push({ field: 'metadata.offset', expected: '0 (as asked)', got: String(body.metadata.offset) });
    if (body.metadata?.limit !== undefined && body.metadata.limit !== 1) out.push({ field: 'metadata.limit', expected: '1 (as asked)', got: String(body.metadata.limit) });
    const list = body[field];
    if (Array.isArray(list) && list.length > 1) out.push({ field, expected: 'at most 1 item (limit=1)', got: `${list.length} items` });
    return out;
  };
}

/**
 * Runs the checks against a live service (or the emulator). By default only what changes
 * nothing the user has: keys, an upload of three rows and its column information, the status
 * of that untrained upload, the listings and the classifier list. With `train`, a tiny training
 * through to its result, then its model and data sets are deleted.
 *
 * @internal
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport & { secrets: readonly string[] }> {
  const run = new Run(options);
  const issuedTrain = await run.apiKey('train');
  const issuedDeploy = await run.apiKey('deploy');
  const trainKey = issuedTrain ?? options.apiKey;
  const deployKey = issuedDeploy ?? options.apiKey;

  let firstModelId: number | undefined;
  if (trainKey === undefined) {
    run.skip('(everything else)', undefined, 'no train key: give --api-key, or a --secret-key whose train key works');
  } else {
    const models = await run.json(
      'GET /v1/external/models?offset=0&limit=1',
      PAGE.models,
      { method: 'GET', url: run.url('/v1/external/models', { offset: 0, limit: 1 }), key: trainKey },
      DOCUMENTED_SHAPES.models,
      pagingDifferences('models'),
    );
    const first = (models as { models?: { model_id?: unknown }[] } | undefined)?.models?.[0]?.model_id;
    firstModelId = Number.isInteger(first) ? (first as number) : undefined;
    await run.json(
      'GET /v1/external/data-sets?offset=0&limit=1',
      PAGE.dataSets,
      { method: 'GET', url: run.url('/v1/external/data-sets', { offset: 0, limit: 1 }), key: trainKey },
      DOCUMENTED_SHAPES.dataSets,
      pagingDifferences('data_sets'),
    );
  }

  const retrainModel = options.modelId ?? firstModelId;
  // An empty account has no model to ask a retrain key for until --train made one.
  const retrainLater = retrainModel === undefined && options.train === true && options.secretKey !== undefined && trainKey !== undefined;
  if (retrainLater) {
    // Asked in trainAndDelete, for the model it trained.
  } else if (options.secretKey !== undefined && retrainModel === undefined) {
    run.skip(RETRAIN_KEY, PAGE.apiKey, trainKey === undefined ? 'no model could be listed: give --model-id' : 'no model in the account: give --model-id');
  } else {
    await run.apiKey('retrain', retrainModel);
  }

  if (trainKey !== undefined) {
    const dataSetsBefore = options.train ? await run.listAll('/v1/external/data-sets', 'data_sets', trainKey) : undefined;
    const uploaded = await run.upload('', trainKey, THREE_ROWS);
    if (uploaded === undefined) {
      run.skip('GET /v1/external/data-sets/column-info', PAGE.columnInfo, 'the upload did not go through');
      run.skip('GET /v1/external/models/results (uploaded, not trained)', PAGE.status, 'the upload did not go through');
    } else {
      await run.json(
        'GET /v1/external/data-sets/column-info',
        PAGE.columnInfo,
        { method: 'GET', url: run.url('/v1/external/data-sets/column-info', { external_process_id: uploaded }), key: trainKey },
        DOCUMENTED_SHAPES.columnInfo,
        (json) => {
          const info = json as { trainingdata_row_count?: unknown; raw_column_names?: unknown };
          const out: ShapeDifference[] = [];
          if (info.trainingdata_row_count !== undefined && info.trainingdata_row_count !== 3) out.push({ field: 'trainingdata_row_count', expected: '3 (rows uploaded)', got: String(info.trainingdata_row_count) });
          if (Array.isArray(info.raw_column_names) && info.raw_column_names.join(',') !== 'amount,rank,bought') out.push({ field: 'raw_column_names', expected: 'amount,rank,bought', got: info.raw_column_names.join(',') });
          return out;
        },
      );
      await untrainedStatus(run, trainKey, uploaded);
    }
    if (deployKey === undefined) {
      run.skip('GET /v1/external/classifiers', PAGE.classifiers, 'no deploy key (Get API Key with credential_type=deploy failed)');
    } else {
      await run.json(
        'GET /v1/external/classifiers',
        PAGE.classifiers,
        { method: 'GET', url: run.url('/v1/external/classifiers'), key: deployKey },
        DOCUMENTED_SHAPES.classifiers,
      );
      // Without a secret key the one API key given is tried; if it is not a deploy key, the
      // service's credential error says nothing about the classifier list's shape.
      const last = run.checks[run.checks.length - 1];
      if (issuedDeploy === undefined && last.result === 'fail' && last.differences.some((d) => /Not_found_credential\.|Inactive_credential\./.test(d.got))) {
        run.checks[run.checks.length - 1] = { ...last, result: 'skipped', differences: [], note: `the API key given is not a deploy key (${last.differences[0].got}): give --secret-key` };
      }
    }
    if (options.train) await trainAndDelete(run, options, trainKey, dataSetsBefore, retrainLater);
  }
  if (retrainLater && !run.checks.some((c) => c.endpoint === RETRAIN_KEY)) run.skip(RETRAIN_KEY, PAGE.apiKey, 'no model in the account, and the training made none');

  const count = (r: CheckResult) => run.checks.filter((c) => c.result === r).length;
  return {
    service: options.baseUrl,
    train: options.train === true,
    checks: run.checks,
    summary: { ok: count('ok'), failed: count('fail'), skipped: count('skipped') },
    secrets: run.secrets,
  };
}

/**
 * The status of an upload nobody trained: the pages do not say what it is, so a documented
 * status body and a documented error body both pass, and the note says which came.
 */
async function untrainedStatus(run: Run, key: string, id: string): Promise<void> {
  const endpoint = 'GET /v1/external/models/results (uploaded, not trained)';
  const res = await run.request({ method: 'GET', url: run.url('/v1/external/models/results', { external_process_id: id }), key });
  if (res instanceof Error) {
    run.record({ endpoint, page: PAGE.status, result: 'fail', differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }] });
    return;
  }
  const isError = res.status >= 400 && res.status < 500;
  if (!res.isJson || (!isError && (res.status < 200 || res.status >= 300))) {
    run.record({ endpoint, page: PAGE.status, result: 'fail', httpStatus: res.status, differences: [{ field: '(http status)', expected: '2xx status or 4xx error body', got: describeError(res) }] });
    return;
  }
  const differences = shapeDifferences(isError ? DOCUMENTED_SHAPES.error : DOCUMENTED_SHAPES.trainingStatus, res.json);
  const status = (res.json as { status?: unknown }).status;
  const note = isError ? `undocumented case; answered ${describeError(res)}` : `undocumented case; answered status ${JSON.stringify(status)}`;
  run.record({ endpoint, page: PAGE.status, result: differences.length === 0 ? 'ok' : 'fail', httpStatus: res.status, differences, note });
}

/** `--train`: a tiny training through to its result, then its model and data sets deleted. */
async function trainAndDelete(
  run: Run,
  options: ConformanceOptions,
  key: string,
  dataSetsBefore: Record<string, unknown>[] | undefined,
  retrainKey: boolean,
): Promise<void> {
  const id = await run.upload(' (training)', key, tinyTrainingCsv());
  if (id === undefined) {
    run.skip('POST /v1/external/models', PAGE.train, 'the training upload did not go through');
    return;
  }
  const name = `p1rx-conformance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const created = await run.json(
    'POST /v1/external/models',
    PAGE.train,
    { method: 'POST', url: run.url('/v1/external/models'), key, json: { external_process_id: id, name, config: { tc: 'bought', tt: 'binary_classification', tv: 'yes', cv: 1 } } },
    DOCUMENTED_SHAPES.createModel,
  );
  if (created === undefined) return;

  // Poll until finished, comparing every answer; one line for the whole poll.
  const endpoint = 'GET /v1/external/models/results (training)';
  const seen = new Map<string, ShapeDifference>();
  const statuses: string[] = [];
  let delay = options.pollIntervalMs ?? 2000;
  const deadline = Date.now() + (options.maxWaitMs ?? 30 * 60_000);
  let finished: { result_url?: unknown } | undefined;
  let failure: ShapeDifference | undefined;
  let httpStatus: number | undefined;
  for (;;) {
    const res = await run.request({ method: 'GET', url: run.url('/v1/external/models/results', { external_process_id: id }), key });
    if (res instanceof Error) failure = { field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` };
    else if (res.status < 200 || res.status >= 300) failure = { field: '(http status)', expected: '2xx', got: describeError(res) };
    else if (!res.isJson) failure = { field: '(root)', expected: 'JSON', got: 'text that is not JSON' };
    if (failure !== undefined || res instanceof Error) break;
    httpStatus = res.status;
    for (const d of shapeDifferences(DOCUMENTED_SHAPES.trainingStatus, res.json)) seen.set(`${d.field} ${d.got}`, d);
    const status = String((res.json as { status?: unknown }).status);
    if (statuses[statuses.length - 1] !== status) statuses.push(status);
    if (status === 'finished') {
      finished = res.json as { result_url?: unknown };
      if (typeof finished.result_url !== 'string') failure = { field: 'result_url', expected: "str when status is 'finished'", got: '(absent)' };
      break;
    }
    if (/fail|error/i.test(status)) {
      failure = { field: 'status', expected: 'finished', got: `${status}${typeof (res.json as { message?: unknown }).message === 'string' ? `: ${(res.json as { message: string }).message}` : ''}` };
      break;
    }
    if (Date.now() + delay > deadline) {
      failure = { field: 'status', expected: 'finished', got: `still ${status} after ${options.maxWaitMs ?? 30 * 60_000} ms` };
      break;
    }
    await run.sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
  const differences = [...seen.values(), ...(failure ? [failure] : [])];
  run.record({ endpoint, page: PAGE.status, result: differences.length === 0 ? 'ok' : 'fail', httpStatus, differences, note: `statuses: ${statuses.join(' -> ') || '(none)'}` });

  if (finished !== undefined && typeof finished.result_url === 'string') {
    const res = await run.request({ method: 'GET', url: finished.result_url, maxBytes: ZIP_MAX_BYTES });
    const ok = !(res instanceof Error) && res.status >= 200 && res.status < 300;
    const zip = ok && res.bytes.length >= 4 && res.bytes[0] === 0x50 && res.bytes[1] === 0x4b && res.bytes[2] === 0x03 && res.bytes[3] === 0x04;
    const got = res instanceof Error ? `${res.name}: ${res instanceof BodyTooLargeError ? res.message : res.message}` : ok ? 'not a zip' : describeError(res);
    run.record({
      endpoint: 'GET result_url',
      page: PAGE.status,
      result: zip ? 'ok' : 'fail',
      httpStatus: res instanceof Error ? undefined : res.status,
      differences: zip ? [] : [{ field: '(body)', expected: 'a zip', got }],
      note: zip ? `a zip of ${(res as RawResponse).bytes.length} bytes` : undefined,
    });
  }

  // The model is found by its unique name; data sets by what this run added (rows and columns ours).
  const models = await run.listAll('/v1/external/models', 'models', key);
  const mine = models?.filter((m) => m.name === name) ?? [];
  if (mine.length !== 1 || !Number.isInteger(mine[0].model_id)) {
    run.skip('DELETE /v1/external/models/{model_id}', PAGE.deleteModel, `the model '${name}' was found ${mine.length} times in the listing: nothing deleted`);
  } else {
    if (retrainKey) await run.apiKey('retrain', mine[0].model_id as number);
    await run.noBody('DELETE /v1/external/models/{model_id}', PAGE.deleteModel, { method: 'DELETE', url: run.url(`/v1/external/models/${mine[0].model_id as number}`), key });
  }
  const dataSetsAfter = await run.listAll('/v1/external/data-sets', 'data_sets', key);
  if (dataSetsBefore === undefined || dataSetsAfter === undefined) {
    run.skip('DELETE /v1/external/data-sets/{data_set_id}', PAGE.deleteDataSet, 'the data sets could not be listed: nothing deleted');
    return;
  }
  const before = new Set(dataSetsBefore.map((d) => d.data_set_id));
  const added = dataSetsAfter.filter((d) => !before.has(d.data_set_id) && Number.isInteger(d.data_set_id) && d.column_count === 3 && (d.data_count === 3 || d.data_count === 40));
  if (added.length === 0) run.skip('DELETE /v1/external/data-sets/{data_set_id}', PAGE.deleteDataSet, 'no data set of this run is in the listing: nothing deleted');
  for (const d of added) {
    await run.noBody(`DELETE /v1/external/data-sets/{data_set_id} (${String(d.data_count)} rows)`, PAGE.deleteDataSet, {
      method: 'DELETE',
      url: run.url(`/v1/external/data-sets/${d.data_set_id as number}`),
      key,
    });
  }
}
