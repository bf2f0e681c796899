/** Specs: every request knows its operation. */
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import {
  createClient,
  downloadResult$,
  pollStatus$,
  train$,
  upload$,
  type ClientConfig,
  type FetchLike,
  type InterceptedCall,
  type OperationName,
  type RequestEvent,
} from '../../lib';
import {
  classifiers$,
  createClassifier$,
  datasetInfo$,
  dataSets$,
  deleteClassifier$,
  deleteDataSet$,
  deleteModel$,
  downloadRetrainResult$,
  models$,
  predict$,
  retrainClient$,
  retrainStatus$,
  retrainUpload$,
  switchModel$,
  updateClassifier$,
  waitForClassifier$,
} from '../../lib/deploy';
import { SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

/** The route of each documented operation: what the emulator (the service) sees for it. */
const ROUTES: Record<OperationName, readonly [string, RegExp]> = {
  getApiKey: ['GET', /^\/v1\/external\/api-key$/],
  uploadUrls: ['GET', /^\/v1\/external\/data-sets\/upload-url$/],
  uploadData: ['PUT', /^\/storage\//],
  dataSetInfo: ['GET', /^\/v1\/external\/data-sets\/column-info$/],
  createModel: ['POST', /^\/v1\/external\/models$/],
  trainingStatus: ['GET', /^\/v1\/external\/models\/results$/],
  downloadResult: ['GET', /^\/storage\//],
  models: ['GET', /^\/v1\/external\/models$/],
  deleteModel: ['DELETE', /^\/v1\/external\/models\/\d+$/],
  dataSets: ['GET', /^\/v1\/external\/data-sets$/],
  deleteDataSet: ['DELETE', /^\/v1\/external\/data-sets\/\d+$/],
  retrainUploadUrl: ['GET', /^\/v1\/external\/retrain_jobs\/upload_url$/],
  retrainUpload: ['PUT', /^\/storage\//],
  retrainStatus: ['GET', /^\/v1\/external\/retrain_jobs\/[^/]+$/],
  downloadRetrainResult: ['GET', /^\/storage\//],
  switchModel: ['PUT', /^\/v1\/external\/retrain_jobs\/[^/]+\/update_model$/],
  createClassifier: ['POST', /^\/v1\/external\/classifiers$/],
  classifiers: ['GET', /^\/v1\/external\/classifiers$/],
  updateClassifier: ['PATCH', /^\/v1\/external\/classifiers\/[^/]+$/],
  deleteClassifier: ['DELETE', /^\/v1\/external\/classifiers\/[^/]+$/],
  inference: ['POST', /^\/inference\/[^/]+$/],
};

interface Sent {
  readonly operation: OperationName | undefined;
  readonly method: string;
  readonly path: string;
}

/** A fetch that records what each request says it is, next to where it really goes. */
function recording(sent: Sent[]): FetchLike {
  const platform = globalThis.fetch as unknown as FetchLike;
  return (url, init) => {
    sent.push({ operation: init.operation?.name, method: init.method, path: new URL(url).pathname });
    return platform(url, init);
  };
}

describe('requests know their operation', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 0, allowMultiRowInference: true });
  const sent: Sent[] = [];
  const events: RequestEvent[] = [];
  const intercepted: InterceptedCall[] = [];
  const client = (config: ClientConfig = {}) =>
    createClient({
      baseUrl: emulator().url,
      secretKey: SECRET_KEY,
      fetch: recording(sent),
      onRequest: (e) => events.push(e),
      interceptors: [(call, next) => (intercepted.push(call), next(call))],
      poll: { minDelayMs: 10, maxDelayMs: 20 },
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...config,
    });

  it('should hand every endpoint its operation name, in the fetch init and in the onRequest hook', async () => {
    const c = client();
    const csv = seattleWeather(120);
    const trained = await lastValueFrom(
      of(csv).pipe(
        upload$(c),
        train$(c, { name: 'ops', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }),
        pollStatus$(c),
        downloadResult$(c),
        toArray(),
      ),
    );
    const uploaded = trained.find((e) => e.type === 'uploaded');
    if (uploaded?.type !== 'uploaded') throw new Error('not uploaded');
    const trainingId = uploaded.externalProcessId;
    await firstValueFrom(of({ externalProcessId: trainingId }).pipe(datasetInfo$(c)));
    const models = await lastValueFrom(models$(c).pipe(toArray()));
    const modelId = models[models.length - 1].model_id;
    const dataSets = await lastValueFrom(dataSets$(c).pipe(toArray()));

    const rules = [{ source: '127.0.0.0/8', order: 'allow' as const, priority: 1 }];
    const created = await firstValueFrom(of({ modelId, rules }).pipe(createClassifier$(c)));
    const running = await lastValueFrom(of(created).pipe(waitForClassifier$(c, { minDelayMs: 10, maxDelayMs: 10 })));
    await lastValueFrom(classifiers$(c).pipe(toArray()));
    const [header, row] = csv.trim().split('\n');
    const columns = header.split(',');
    const input = Object.fromEntries(row.split(',').map((v, i) => [columns[i], v]));
    await lastValueFrom(of(input).pipe(predict$({ url: running.url!, apiKey: running.api_key! }, { client: c })));
    await firstValueFrom(of({ classifierId: created.classifierId, rules, active: false }).pipe(updateClassifier$(c)));

    const rc = await lastValueFrom(retrainClient$(c, modelId));
    await lastValueFrom(of(csv).pipe(retrainUpload$(rc), retrainStatus$(rc), downloadRetrainResult$(rc), switchModel$(rc), toArray()));
    await firstValueFrom(of(created.classifierId).pipe(deleteClassifier$(c)));
    await firstValueFrom(of(modelId).pipe(deleteModel$(c)));
    await firstValueFrom(of(dataSets[0].data_set_id).pipe(deleteDataSet$(c)));

    // Every request said what it was, and it was what the service saw.
    const seen = new Set<OperationName>();
    for (const request of sent) {
      expect(request.operation).toBeDefined();
      const [method, path] = ROUTES[request.operation!];
      expect([request.operation, request.method, path.test(request.path)]).toEqual([request.operation, method, true]);
      seen.add(request.operation!);
    }
    expect([...seen].sort()).toEqual(Object.keys(ROUTES).sort());

    // The hook heard each request start and end, with its status and (for trainings) its id.
    const starts = events.filter((e) => e.phase === 'start');
    expect(starts.map((e) => e.operation)).toEqual(sent.map((s) => s.operation));
    expect(events.filter((e) => e.phase === 'response').map((e) => e.operation)).toEqual(sent.map((s) => s.operation));
    expect(events.filter((e) => e.phase === 'response').every((e) => e.status! >= 200 && e.status! < 300)).toBe(true);
    for (const op of ['createModel', 'trainingStatus', 'dataSetInfo', 'downloadResult'] as const) {
      expect(events.filter((e) => e.operation === op).map((e) => e.trainingId)).toEqual(expect.arrayContaining([trainingId]));
      expect(events.filter((e) => e.operation === op).every((e) => e.trainingId === trainingId)).toBe(true);
    }
    // Never a URL nor a key.
    expect(JSON.stringify(events)).not.toMatch(/https?:|p1emu_|p1inf_|test-secret/);

    // The interceptors saw every API and inference request, with its operation, and no key nor query.
    const transfers: OperationName[] = ['uploadData', 'downloadResult', 'retrainUpload', 'downloadRetrainResult'];
    expect(intercepted.map((c) => c.operation)).toEqual(sent.filter((r) => !transfers.includes(r.operation!)).map((r) => r.operation));
    expect(intercepted.filter((c) => c.target === 'inference').map((c) => c.operation)).toEqual(['inference']);
    expect(JSON.stringify(intercepted)).not.toMatch(/p1emu_|p1inf_|test-secret|\?/);
  });
});

describe('the request chain', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 0, manual: true });
  const STATUS = 'GET /v1/external/models/results';

  /** A training that stays queued (the emulator is manual). */
  async function uploadedId(config: ClientConfig): Promise<string> {
    const c = createClient({ baseUrl: emulator().url, ...config });
    const events = await lastValueFrom(
      of(seattleWeather(40)).pipe(upload$(c), train$(c, { name: 'q', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }), toArray()),
    );
    const queued = events.find((e) => e.type === 'queued');
    if (queued?.type !== 'queued') throw new Error('not queued');
    return queued.externalProcessId;
  }

  it('should exchange credentials first, then count each retry as the next attempt of the same operation', async () => {
    const events: RequestEvent[] = [];
    const base = { baseUrl: emulator().url, secretKey: SECRET_KEY, retry: { baseDelayMs: 1, maxDelayMs: 5 } };
    const id = await uploadedId({ ...base });
    emulator().failNext(STATUS, 503, { code: 0, error: 'busy', message: 'busy' }, { retryAfterS: 0 });
    const c = createClient({ ...base, onRequest: (e) => events.push(e) });
    await firstValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(c)));
    expect(events.map((e) => [e.operation, e.attempt, e.phase, e.status])).toEqual([
      ['getApiKey', 1, 'start', undefined],
      ['getApiKey', 1, 'response', 200],
      ['trainingStatus', 1, 'start', undefined],
      ['trainingStatus', 1, 'response', 503],
      ['trainingStatus', 2, 'start', undefined],
      ['trainingStatus', 2, 'response', 200],
    ]);
  });

  it('should refresh a refused key between two attempts of the same operation', async () => {
    const events: RequestEvent[] = [];
    const base = { baseUrl: emulator().url, secretKey: SECRET_KEY };
    const id = await uploadedId({ ...base });
    const c = createClient({ ...base, onRequest: (e) => e.phase === 'response' && events.push(e) });
    await firstValueFrom(of({ externalProcessId: id }).pipe(datasetInfo$(c)));
    events.length = 0;
    emulator().failNext('GET /v1/external/data-sets/column-info', 400, {
      code: 4001000204,
      error: 'PREDA_EXTERNAL_BAD_REQUEST',
      message: 'Inactive_credential.',
    });
    await firstValueFrom(of({ externalProcessId: id }).pipe(datasetInfo$(c)));
    expect(events.map((e) => [e.operation, e.attempt, e.status])).toEqual([
      ['dataSetInfo', 1, 400],
      ['getApiKey', 1, 200],
      ['dataSetInfo', 2, 200],
    ]);
  });

  it('should trace inside the limiter: a request waiting for a slot has not started', async () => {
    const events: RequestEvent[] = [];
    const MODELS = 'GET /v1/external/models';
    const c = createClient({ baseUrl: emulator().url, apiKey: emulator().apiKeys[0], limits: { maxInFlight: 1 }, onRequest: (e) => events.push(e) });
    emulator().clearLog();
    emulator().delayNext(MODELS, 1500); // long enough that the first is still in flight when checked, even on a loaded machine
    const first = lastValueFrom(models$(c).pipe(toArray()));
    const second = lastValueFrom(models$(c).pipe(toArray()));
    await emulator().waitForRequest(MODELS);
    expect(events.map((e) => e.phase)).toEqual(['start']);
    await Promise.all([first, second]);
    expect(events.map((e) => e.phase)).toEqual(['start', 'response', 'start', 'response']);
  });

  it('should report a request that got no response as an error', async () => {
    const events: RequestEvent[] = [];
    const refused: FetchLike = () => Promise.reject(new TypeError('connect ECONNREFUSED'));
    const c = createClient({
      baseUrl: emulator().url,
      apiKey: 'k-1234567',
      fetch: refused,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      onRequest: (e) => events.push(e),
    });
    await expect(firstValueFrom(of({ externalProcessId: 'ep-1' }).pipe(pollStatus$(c)))).rejects.toThrow();
    expect(events.map((e) => [e.operation, e.attempt, e.phase, e.trainingId])).toEqual([
      ['trainingStatus', 1, 'start', 'ep-1'],
      ['trainingStatus', 1, 'error', 'ep-1'],
      ['trainingStatus', 2, 'start', 'ep-1'],
      ['trainingStatus', 2, 'error', 'ep-1'],
    ]);
  });

  it('should honour retry-after-ms, read by the one Retry-After parser', async () => {
    const delays: number[] = [];
    let calls = 0;
    const platform = globalThis.fetch as unknown as FetchLike;
    const limited: FetchLike = (url, init) => {
      if (calls++ === 0) {
        const headers = new Headers({ 'retry-after-ms': '40', 'content-type': 'application/json' });
        return Promise.resolve({ status: 429, headers, body: null, arrayBuffer: async () => new TextEncoder().encode('{}').buffer as ArrayBuffer });
      }
      return platform(url, init);
    };
    const c = createClient({
      baseUrl: emulator().url,
      apiKey: emulator().apiKeys[0],
      fetch: limited,
      retry: { baseDelayMs: 1, maxDelayMs: 1000, random: () => 0, onRetry: (e) => delays.push(e.delayMs) },
    });
    await lastValueFrom(models$(c).pipe(toArray()));
    expect(delays).toEqual([40]);
  });
});
