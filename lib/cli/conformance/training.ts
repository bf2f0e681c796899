/** The `--train` and `--deploy` checks of `p1rx conformance`. */
/**
 * The `--train` and `--deploy` checks of `p1rx conformance`: a tiny training in both config
 * forms, its status and result, the retrain upload URL, a classifier with one inference, and the
 * deletion of everything the run created.
 *
 * @packageDocumentation
 */
import { CreateClassifierResponse } from '../../codecs/classifier';
import { InferenceResponse } from '../../codecs/inference';
import { RetrainUploadUrl } from '../../codecs/retrainJob';
import { CreateModelResponse, TrainingStatus } from '../../codecs/trainingStatus';
import { DEFAULT_POLL_OPTIONS, resolvePollOptions } from '../../core/pollOptions';
import { deadlinePassed, pollWaitMs, statusClassOf } from '../../core/trainingRules';
import { BodyTooLargeError, type RawResponse } from './http';
import { apiKeyCheck, PAGE, uploadCheck } from './checks';
import { describeError, type Run } from './driver';
import { DOCUMENTED_SHAPES, shapeDifferences, type ShapeDifference } from './shapes';
import { decodeVerdict } from './verdict';
import { LIBRARY_DEFAULTS } from '../../core/defaults';

const ZIP_MAX_BYTES = 256 * 1024 * 1024;

/** A tiny, deterministic binary data set for `--train`: 40 rows of the same three columns. @internal */
export function tinyTrainingCsv(): string {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const amount = ((i * 37) % 100) / 4;
    return `${amount},${'ABC'[i % 3]},${amount > 12 ? 'yes' : 'no'}`;
  });
  return `amount,rank,bought\n${rows.join('\n')}\n`;
}

/** Create Model with `cv` in one form; whether the service accepted it. */
async function createModel(run: Run, key: string, id: string, name: string, cv: '2' | 2): Promise<boolean> {
  const form = typeof cv === 'string' ? 'cv "2"' : 'cv 2';
  const created = await run.json(
    `POST /v1/external/models (${form})`,
    PAGE.train,
    {
      method: 'POST',
      url: run.url('/v1/external/models'),
      key,
      json: { external_process_id: id, name, config: { tc: 'bought', tt: 'binary_classification', tv: 'yes', cv } },
    },
    DOCUMENTED_SHAPES.createModel,
    { codec: CreateModelResponse },
  );
  return created !== undefined;
}

/**
 * `--train`: the tiny data set uploaded twice, one Create Model per config form (`"cv": "2"`, the
 * vendor's wire example, and `"cv": 2`), the first accepted one polled to its result. Returns
 * the model names used (for the clean-up) and the model to retrain and deploy.
 *
 * @internal
 */
export async function trainChecks(run: Run, key: string, runName: string): Promise<{ names: string[]; trained?: string }> {
  const names: string[] = [];
  const accepted: { form: string; id: string; name: string }[] = [];
  for (const cv of ['2', 2] as const) {
    const form = typeof cv === 'string' ? 'string' : 'number';
    const id = await uploadCheck(run, ` (training, cv ${form})`, key, tinyTrainingCsv());
    if (id === undefined) {
      run.skip(`POST /v1/external/models (cv ${form})`, PAGE.train, 'the training upload did not go through');
      continue;
    }
    const name = `${runName}-cv-${form}`;
    names.push(name);
    if (await createModel(run, key, id, name, cv)) accepted.push({ form, id, name });
  }
  run.record({
    endpoint: 'config forms (--train)',
    page: PAGE.train,
    result: accepted.length > 0 ? 'ok' : 'fail',
    differences: accepted.length > 0 ? [] : [{ field: 'config.cv', expected: 'one form accepted', got: 'neither "2" nor 2' }],
    note: `the service accepts: ${accepted.map((a) => (a.form === 'string' ? '"2"' : '2')).join(' and ') || 'neither'}`,
  });
  const first = accepted[0];
  if (first === undefined) return { names };
  const finished = await pollTraining(run, key, first.id);
  if (finished !== undefined) await resultCheck(run, finished);
  return { names, trained: finished === undefined ? undefined : first.name };
}

/**
 * Polls until finished, comparing every answer; one line for the whole poll. The raw requests
 * stay (their shapes are compared), the rules are the library's (lib/core/trainingRules.ts):
 * the default poll options' status classes, the poll schedule from `--poll-interval` doubling
 * up to 30 s, and `--max-wait` counted from the training's acceptance (Create Model's answer).
 */
async function pollTraining(run: Run, key: string, id: string): Promise<string | undefined> {
  const endpoint = 'GET /v1/external/models/results (training)';
  const seen = new Map<string, ShapeDifference>();
  const statuses: string[] = [];
  const options = resolvePollOptions(DEFAULT_POLL_OPTIONS, {
    minDelayMs: run.o.pollIntervalMs ?? LIBRARY_DEFAULTS.conformance.pollIntervalMs,
    maxWaitMs: run.o.maxWaitMs ?? LIBRARY_DEFAULTS.conformance.maxWaitMs,
  });
  const since = Date.now();
  let resultUrl: string | undefined;
  let failure: ShapeDifference | undefined;
  let httpStatus: number | undefined;
  let client: ReturnType<typeof decodeVerdict> | undefined;
  for (let answered = 0; ;) {
    const res = await run.request({ method: 'GET', url: run.url('/v1/external/models/results', { external_process_id: id }), key });
    if (res instanceof Error) failure = { field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` };
    else if (res.status < 200 || res.status >= 300) failure = { field: '(http status)', expected: '2xx', got: describeError(res) };
    else if (!res.isJson) failure = { field: '(root)', expected: 'JSON', got: 'text that is not JSON' };
    if (failure !== undefined || res instanceof Error) break;
    answered++;
    httpStatus = res.status;
    for (const d of shapeDifferences(DOCUMENTED_SHAPES.trainingStatus, res.json)) seen.set(`${d.field} ${d.got}`, d);
    const verdict = decodeVerdict(TrainingStatus, res.json);
    if (client === undefined || verdict !== 'client ok') client = verdict;
    const body = res.json as { status?: unknown; result_url?: unknown; message?: unknown };
    const status = String(body.status);
    if (statuses[statuses.length - 1] !== status) statuses.push(status);
    const verdictOfStatus = statusClassOf(status, options);
    if (verdictOfStatus === 'done') {
      if (typeof body.result_url === 'string') resultUrl = body.result_url;
      else failure = { field: 'result_url', expected: `str when status is '${status}'`, got: '(absent)' };
      break;
    }
    if (verdictOfStatus === 'failed') {
      failure = {
        field: 'status',
        expected: options.terminalStatuses.join(' or '),
        got: `${status}${typeof body.message === 'string' ? `: ${body.message}` : ''}`,
      };
      break;
    }
    const delay = pollWaitMs(answered, options);
    // The next check would come past the deadline: stop now rather than sleep for nothing.
    if (deadlinePassed(since, Date.now() + delay, options.maxWaitMs)) {
      failure = { field: 'status', expected: options.terminalStatuses.join(' or '), got: `still ${status} after ${options.maxWaitMs} ms` };
      break;
    }
    await run.sleep(delay);
  }
  const differences = [...seen.values(), ...(failure ? [failure] : [])];
  run.record({
    endpoint,
    page: PAGE.status,
    result: differences.length === 0 ? 'ok' : 'fail',
    httpStatus,
    differences,
    client,
    note: `statuses: ${statuses.join(' -> ') || '(none)'}`,
  });
  return resultUrl;
}

/** GET result_url: a zip. */
async function resultCheck(run: Run, url: string): Promise<void> {
  const res = await run.request({ method: 'GET', url, maxBytes: ZIP_MAX_BYTES });
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

/**
 * Retrain Data Upload's URL for `modelId` (a retrain key, then the URL; nothing is uploaded, so
 * nothing trains). Asked only for the run's own model, which the clean-up deletes.
 *
 * @internal
 */
export async function retrainUploadCheck(run: Run, modelId: number): Promise<void> {
  const key = await apiKeyCheck(run, 'retrain', modelId);
  if (key === undefined) {
    run.skip('GET /v1/external/retrain_jobs/upload_url', PAGE.retrainUpload, 'no retrain key');
    return;
  }
  await run.json(
    'GET /v1/external/retrain_jobs/upload_url',
    PAGE.retrainUpload,
    { method: 'GET', url: run.url('/v1/external/retrain_jobs/upload_url', { filename: 'retrain.csv' }), key },
    DOCUMENTED_SHAPES.retrainUploadUrl,
    { codec: RetrainUploadUrl },
  );
}

/**
 * `--deploy`: Create Classifier for `modelId` (allowing `source` only), wait until it runs, one
 * one-row inference, Delete Classifier.
 *
 * @internal
 */
export async function deployChecks(run: Run, deployKey: string, modelId: number, source: string): Promise<void> {
  const created = await run.json(
    'POST /v1/external/classifiers',
    PAGE.createClassifier,
    { method: 'POST', url: run.url('/v1/external/classifiers'), key: deployKey, json: { model_id: modelId, rules: [{ source, order: 'allow', priority: 1 }] } },
    DOCUMENTED_SHAPES.createClassifier,
    { codec: CreateClassifierResponse },
  );
  const { classifier_id: id, api_key: inferenceKey } = (created ?? {}) as { classifier_id?: unknown; api_key?: unknown };
  if (typeof id !== 'string' || typeof inferenceKey !== 'string') return;
  try {
    const url = await waitForClassifier(run, deployKey, id);
    if (url === undefined) return;
    // One row, with the page's required flags (`ar`, `ad`, `nc`) off.
    const row = 'amount,rank\n12.5,A\n';
    const base64 = Buffer.from(row, 'utf8').toString('base64');
    await run.json(
      'POST <classifier url> (one row)',
      PAGE.inference,
      {
        method: 'POST',
        url,
        key: inferenceKey,
        json: { inputs: [{ name: 'pr', type: 'csv', data: base64 }, ...(['ar', 'ad', 'nc'] as const).map((name) => ({ name, type: 'boolean', data: false }))] },
      },
      DOCUMENTED_SHAPES.inference,
      { codec: InferenceResponse },
    );
  } finally {
    await run.noBody('DELETE /v1/external/classifiers/{classifier_id}', PAGE.deleteClassifier, {
      method: 'DELETE',
      url: run.url(`/v1/external/classifiers/${encodeURIComponent(id)}`),
      key: deployKey,
    });
  }
}

/** Polls List Classifiers until `id` runs; its URL, or undefined (recorded) when it did not. */
async function waitForClassifier(run: Run, key: string, id: string): Promise<string | undefined> {
  const deadline = Date.now() + (run.o.maxWaitMs ?? LIBRARY_DEFAULTS.conformance.maxWaitMs);
  let delay = run.o.pollIntervalMs ?? LIBRARY_DEFAULTS.conformance.pollIntervalMs;
  const statuses: string[] = [];
  for (;;) {
    const res = await run.request({ method: 'GET', url: run.url('/v1/external/classifiers'), key });
    const list =
      !(res instanceof Error) && res.isJson
        ? (res.json as { classifiers?: { classifier_id?: unknown; status?: unknown; url?: unknown }[] }).classifiers
        : undefined;
    const mine = Array.isArray(list) ? list.find((c) => c.classifier_id === id) : undefined;
    const status = String(mine?.status);
    if (statuses[statuses.length - 1] !== status) statuses.push(status);
    const note = `statuses: ${statuses.join(' -> ')}`;
    if (status === 'running' && typeof mine?.url === 'string') {
      run.record({ endpoint: 'GET /v1/external/classifiers (deploying)', page: PAGE.classifiers, result: 'ok', differences: [], note });
      return mine.url;
    }
    if (mine === undefined || /fail|terminat/i.test(status) || Date.now() + delay > deadline) {
      run.record({
        endpoint: 'GET /v1/external/classifiers (deploying)',
        page: PAGE.classifiers,
        result: 'fail',
        differences: [{ field: 'status', expected: 'running, with a url', got: status }],
        note,
      });
      return undefined;
    }
    await run.sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}
