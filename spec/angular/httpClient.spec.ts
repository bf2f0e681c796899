/** Specs: the client over Angular's HttpClient against real HTTP. */
// First: it loads @angular/compiler, which Angular's partially compiled packages need.
import { rootInjector } from './angularInjector';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, provideHttpClient, withFetch, withInterceptors, type HttpInterceptorFn } from '@angular/common/http';
import { inject, type EnvironmentInjector } from '@angular/core';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { AuthError, NetworkError, ServerError, ValidationError, sharedStatus$, train$, type TrainingEvent } from 'prediction-one-rx';
import {
  PREDICTION_ONE_CLIENT,
  PREDICTION_ONE_CONFIG,
  PREDICTION_ONE_REQUEST,
  PREDICTION_ONE_OPERATION,
  PredictionOneService,
  providePredictionOne,
  type PredictionOneConfig,
} from '../../lib/angular';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

// The real Angular HttpClient (fetch backend, as `provideHttpClient(withFetch())` in an app)
// against the emulator over loopback.

const STATUS = 'GET /v1/external/models/results';
const FAST = { poll: { minDelayMs: 20, maxDelayMs: 100 }, retry: { maxAttempts: 1 } } as const;

const { emulator } = useEmulator({ trainingDelayMs: 0 });

let injector: EnvironmentInjector | undefined;
afterEach(() => {
  injector?.destroy();
  injector = undefined;
});

function app(config: Partial<PredictionOneConfig>, interceptors: HttpInterceptorFn[] = []): PredictionOneService {
  injector = rootInjector([
    provideHttpClient(withFetch(), withInterceptors(interceptors)),
    providePredictionOne({ baseUrl: emulator().url, apiKey: API_KEY, ...FAST, ...config }),
  ]);
  return injector.get(PredictionOneService);
}

const job = (train: string) => ({ data: { train }, name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } as const });

/** Rewrites `x-api-key` on the service's API calls: an auth interceptor. */
const keyInterceptor: HttpInterceptorFn = (req, next) =>
  req.context.get(PREDICTION_ONE_REQUEST) === 'api' ? next(req.clone({ setHeaders: { 'x-api-key': API_KEY } })) : next(req);

describe('providePredictionOne with HttpClient', () => {
  it('should train end to end through HttpClient, every request passing the interceptors', async () => {
    const seen: string[] = [];
    const operations: (string | undefined)[] = [];
    const log: HttpInterceptorFn = (req, next) => {
      seen.push(`${req.context.get(PREDICTION_ONE_REQUEST)} ${req.method} ${new URL(req.url).pathname}`);
      const op = req.context.get(PREDICTION_ONE_OPERATION);
      operations.push(op ? `${op.name}#${op.attempt} ${req.method}` : undefined);
      return next(req);
    };
    const p1 = app({}, [log]);
    const events = await lastValueFrom(p1.train(job(seattleWeather(120))).pipe(toArray()));
    const completed = events.find((e): e is Extract<TrainingEvent, { type: 'completed' }> => e.type === 'completed');
    expect(completed?.result.metrics.length).toBeGreaterThan(0);
    expect(completed?.result.contributions.map((c) => c.column)).toEqual(expect.arrayContaining(['temp_max', 'precipitation']));
    // One interceptor call per request the server saw, and none went around HttpClient.
    expect(seen.length).toBe(emulator().requests.length);
    expect(seen).toEqual(
      expect.arrayContaining([
        'api GET /v1/external/data-sets/upload-url',
        'api POST /v1/external/models',
        'api GET /v1/external/models/results',
        expect.stringMatching(/^presigned PUT \//),
        expect.stringMatching(/^presigned GET \//),
      ]),
    );
    // Each request carries its operation in the context: interceptors need no URL to know it.
    expect(operations.every((op) => op !== undefined)).toBe(true);
    expect(operations).toEqual(
      expect.arrayContaining(['uploadUrls#1 GET', 'uploadData#1 PUT', 'createModel#1 POST', 'trainingStatus#1 GET', 'downloadResult#1 GET']),
    );
    emulator().clearLog();
  });

  it('should send the header an interceptor sets: the server accepts a key only the interceptor knows', async () => {
    const p1 = app({ apiKey: 'wrong-key-from-config' }, [keyInterceptor]);
    const events = await lastValueFrom(p1.upload(seattleWeather(20)).pipe(toArray()));
    expect(events.at(-1)).toMatchObject({ type: 'uploaded', externalProcessId: expect.any(String) });
  });

  it('should raise AuthError mapped from the HttpErrorResponse when no interceptor fixes the key', async () => {
    const p1 = app({ apiKey: 'wrong-key-from-config' });
    const err = await lastValueFrom(p1.upload(seattleWeather(20))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ httpStatus: expect.any(Number), code: 4001000204 });
  });

  it('should raise ServerError with the status and message of a 5xx', async () => {
    emulator().failNext(STATUS, 503, { code: 5001000201, error: 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR', message: 'Not found configuration_file.' });
    const p1 = app({});
    const err = await firstValueFrom(p1.status$('no-such-id')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ httpStatus: 503, code: 5001000201, message: expect.stringContaining('Not found configuration_file.') });
  });

  it('should raise NetworkError when nothing listens (HttpClient status 0)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const p1 = app({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(firstValueFrom(p1.status$('x'))).rejects.toBeInstanceOf(NetworkError);
  });

  it('should abort the HttpClient request, closing the socket, when unsubscribed', async () => {
    emulator().delayNext(STATUS, 10_000);
    const p1 = app({});
    const sub = p1.status$('no-such-id').subscribe({ error: () => undefined });
    await emulator().waitForRequest(STATUS, { timeoutMs: 5_000 });
    sub.unsubscribe();
    const aborted = await emulator().waitForAbort(STATUS, { timeoutMs: 5_000 });
    expect(aborted.aborted).toBe(true);
  });

  it('should share one poll loop between subscribers of the same training, and stop it with the last', async () => {
    const p1 = app({ poll: { minDelayMs: 50, maxDelayMs: 50, multiplier: 1 } }, [keyInterceptor]);
    const uploaded = await lastValueFrom(p1.upload(seattleWeather(20)));
    const id = (uploaded as Extract<TrainingEvent, { type: 'uploaded' }>).externalProcessId;
    emulator().clearLog();
    emulator().delayNext(STATUS, 400); // hold the first poll so both subscribers see it in flight
    const a = p1.status$(id).subscribe({ error: () => undefined });
    const b = p1.status$(id).subscribe({ error: () => undefined });
    await emulator().waitForRequest(STATUS, { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(emulator().count(STATUS)).toBe(1);
    a.unsubscribe();
    b.unsubscribe();
    await emulator().waitForAbort(STATUS, { timeoutMs: 5_000 });
    const after = emulator().count(STATUS);
    await new Promise((r) => setTimeout(r, 300));
    expect(emulator().count(STATUS)).toBe(after);
  });
});

describe('PredictionOneService.status$', () => {
  // Manual mode: the training stays `waiting` until the test moves it.
  const manual = useEmulator({ manual: true });

  it('should give a late subscriber the latest status at once, from the one shared poller', async () => {
    // The next poll is a minute away: whatever the late subscriber gets comes from the share.
    const p1 = app({ baseUrl: manual.emulator().url, poll: { minDelayMs: 60_000, multiplier: 1 } }, [keyInterceptor]);
    const queued = await lastValueFrom(p1.upload(seattleWeather(20)).pipe(train$(p1.client, job('x'))));
    const id = (queued as Extract<TrainingEvent, { type: 'queued' }>).externalProcessId;
    const emulator = manual.emulator;
    emulator().clearLog();
    const early: string[] = [];
    let seen!: () => void;
    const first = new Promise<void>((resolve) => (seen = resolve));
    const a = p1.status$(id).subscribe({ next: (s) => (early.push(s.status), seen()), error: (e: unknown) => (early.push(String(e)), seen()) });
    await first;
    const late: string[] = [];
    const b = p1.status$(id).subscribe({ next: (s) => late.push(s.status), error: () => undefined });
    // The core's shared status stream of the same training: its subscribers join the same poller.
    const core: string[] = [];
    const c = sharedStatus$(p1.client, id, { maxWaitMs: 3_600_000 }).subscribe({ next: (s) => core.push(s.status), error: () => undefined });
    try {
      // Synchronously, on subscription: no second poll.
      expect(early).toEqual(['waiting']);
      expect(late).toEqual(['waiting']);
      expect(core).toEqual(['waiting']);
      expect(emulator().count(STATUS)).toBe(1);
    } finally {
      a.unsubscribe();
      b.unsubscribe();
      c.unsubscribe();
    }
  });
});

describe('a header set by an interceptor', () => {
  let server: Server;
  let received: IncomingHttpHeaders[];
  let baseUrl: string;
  beforeAll(async () => {
    received = [];
    server = createServer((req, res) => {
      received.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'finished', created_datetime: 'a', updated_datetime: 'b', result_url: 'http://x/r.zip' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('should reach the server', async () => {
    const trace: HttpInterceptorFn = (req, next) => next(req.clone({ setHeaders: { 'x-request-id': 'trace-42' } }));
    const p1 = app({ baseUrl }, [trace]);
    await firstValueFrom(p1.status$('ep-1'));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ 'x-request-id': 'trace-42', 'x-api-key': API_KEY });
  });
});

describe('providePredictionOne options', () => {
  it('should bypass HttpClient with useHttpClient: false', async () => {
    const seen: string[] = [];
    const p1 = app({ useHttpClient: false }, [(req, next) => (seen.push(req.url), next(req))]);
    const events = await lastValueFrom(p1.upload(seattleWeather(20)).pipe(toArray()));
    expect(events.at(-1)?.type).toBe('uploaded');
    expect(seen).toEqual([]);
  });

  it('should refuse fetch together with useHttpClient', () => {
    const p1 = () => app({ fetch: globalThis.fetch });
    expect(p1).toThrow(ValidationError);
  });

  it('should run a config factory in the injection context, once, on first injection', () => {
    let runs = 0;
    injector = rootInjector([
      provideHttpClient(withFetch()),
      providePredictionOne(() => {
        runs += 1;
        return { baseUrl: `${inject(HttpClient) ? emulator().url : ''}/`, apiKey: API_KEY };
      }),
    ]);
    expect(runs).toBe(0);
    const client = injector.get(PREDICTION_ONE_CLIENT);
    expect(client.baseUrl).toBe(emulator().url);
    expect(injector.get(PredictionOneService).client).toBe(client);
    expect(injector.get(PREDICTION_ONE_CONFIG).apiKey).toBe(API_KEY);
    expect(runs).toBe(1);
  });
});
