/** Specs: the client's one request chain and the interceptors users register in it. */
import { inspect } from 'node:util';
import { Observable, firstValueFrom, lastValueFrom, of, tap, throwError, toArray } from 'rxjs';
import {
  createClient,
  pollStatus$,
  train$,
  upload$,
  ValidationError,
  type ClientConfig,
  type FetchLike,
  type InterceptedCall,
  type Interceptor,
  type RequestEvent,
} from '../../lib';
import { datasetInfo$, models$ } from '../../lib/deploy';
import { API_KEY, SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

const STATUS = 'GET /v1/external/models/results';
const platform = globalThis.fetch as unknown as FetchLike;

describe('interceptors', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 0, manual: true });
  const base = (): ClientConfig => ({ baseUrl: emulator().url, apiKey: API_KEY, retry: { baseDelayMs: 1, maxDelayMs: 5 } });

  /** A training that stays queued (the emulator is manual). */
  async function queuedId(): Promise<string> {
    const c = createClient(base());
    const events = await lastValueFrom(
      of(seattleWeather(40)).pipe(upload$(c), train$(c, { name: 'i', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }), toArray()),
    );
    const queued = events.find((e) => e.type === 'queued');
    if (queued?.type !== 'queued') throw new Error('not queued');
    return queued.externalProcessId;
  }

  /** An interceptor that writes what it sees to `log`. */
  const logging =
    (log: string[], name = 'interceptor'): Interceptor =>
    (call, next) => {
      log.push(`${name} ${call.operation} #${call.attempt}`);
      return next(call);
    };

  it('should see each attempt after the retry budget and before the tracing hook and the fetch', async () => {
    const id = await queuedId();
    const log: string[] = [];
    const c = createClient({
      ...base(),
      interceptors: [logging(log)],
      onRequest: (e: RequestEvent) => log.push(`trace ${e.operation} #${e.attempt} ${e.phase}${e.status ? ` ${e.status}` : ''}`),
      fetch: (url, init) => {
        log.push(`fetch ${init.operation?.name} #${init.operation?.attempt}`);
        return platform(url, init);
      },
    });
    emulator().failNext(STATUS, 503, { code: 0, error: 'busy', message: 'busy' }, { retryAfterS: 0 });
    await firstValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(c)));
    expect(log).toEqual([
      'interceptor trainingStatus #1',
      'trace trainingStatus #1 start',
      'fetch trainingStatus #1',
      'trace trainingStatus #1 response 503',
      'interceptor trainingStatus #2',
      'trace trainingStatus #2 start',
      'fetch trainingStatus #2',
      'trace trainingStatus #2 response 200',
    ]);
  });

  it('should run inside the credentials: the key exchange is its own call, a refresh the next attempt', async () => {
    const id = await queuedId();
    const log: string[] = [];
    const c = createClient({ baseUrl: emulator().url, secretKey: SECRET_KEY, interceptors: [logging(log)] });
    await firstValueFrom(of({ externalProcessId: id }).pipe(datasetInfo$(c)));
    emulator().failNext('GET /v1/external/data-sets/column-info', 400, {
      code: 4001000204,
      error: 'PREDA_EXTERNAL_BAD_REQUEST',
      message: 'Inactive_credential.',
    });
    await firstValueFrom(of({ externalProcessId: id }).pipe(datasetInfo$(c)));
    expect(log).toEqual([
      'interceptor getApiKey #1',
      'interceptor dataSetInfo #1',
      'interceptor dataSetInfo #1',
      'interceptor getApiKey #1',
      'interceptor dataSetInfo #2',
    ]);
  });

  it('should run inside the limiter: an attempt waiting for a slot has not reached the interceptors', async () => {
    const log: string[] = [];
    const ending: Interceptor = (call, next) => {
      log.push(`enter ${call.call}`);
      return next(call).pipe(tap({ complete: () => log.push(`end ${call.call}`) }));
    };
    const c = createClient({ ...base(), limits: { maxInFlight: 1 }, interceptors: [ending] });
    await Promise.all([lastValueFrom(models$(c).pipe(toArray())), lastValueFrom(models$(c).pipe(toArray()))]);
    expect(log.map((l) => l.split(' ')[0])).toEqual(['enter', 'end', 'enter', 'end']);
  });

  it('should run in the order given, a derived client after its parent', async () => {
    const log: string[] = [];
    const parent = createClient({ ...base(), interceptors: [logging(log, 'a'), logging(log, 'b')] });
    const child = parent.withOptions({ interceptors: [logging(log, 'c')] });
    await lastValueFrom(models$(child).pipe(toArray()));
    await lastValueFrom(models$(parent).pipe(toArray()));
    expect(log).toEqual(['a models #1', 'b models #1', 'c models #1', 'a models #1', 'b models #1']);
  });

  it('should let an interceptor short-circuit a call: nothing is sent, and the error is the call’s', async () => {
    const sent: string[] = [];
    const refusing: Interceptor = (call, next) => (call.operation === 'models' ? throwError(() => new Error('no listings today')) : next(call));
    const c = createClient({
      ...base(),
      interceptors: [refusing],
      fetch: (url, init) => {
        sent.push(init.operation!.name);
        return platform(url, init);
      },
    });
    await expect(lastValueFrom(models$(c))).rejects.toThrow('no listings today');
    expect(sent).toEqual([]);
  });

  it('should send the headers an interceptor adds, but never let it set the key', async () => {
    const id = await queuedId();
    const headers: Record<string, string>[] = [];
    const tagging: Interceptor = (call, next) => next(call.withHeaders({ 'x-p1-operation': call.operation, accept: 'text/plain' }));
    const c = createClient({
      ...base(),
      interceptors: [tagging],
      fetch: (url, init) => {
        headers.push(init.headers);
        return platform(url, init);
      },
    });
    await firstValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(c)));
    expect(headers).toEqual([expect.objectContaining({ 'x-p1-operation': 'trainingStatus', accept: 'application/json', 'x-api-key': API_KEY })]);

    const stealing: Interceptor = (call, next) => next(call.withHeaders({ 'X-Api-Key': 'someone-else' }));
    const refused = createClient({ ...base(), retry: { maxAttempts: 1 }, interceptors: [stealing] });
    await expect(lastValueFrom(models$(refused))).rejects.toBeInstanceOf(ValidationError);
  });

  it('should refuse a call next() was not given', async () => {
    const forging: Interceptor = (call, next) => next({ ...call, withHeaders: call.withHeaders } as InterceptedCall);
    const c = createClient({ ...base(), retry: { maxAttempts: 1 }, interceptors: [forging] });
    await expect(lastValueFrom(models$(c))).rejects.toBeInstanceOf(ValidationError);
  });

  it('should cancel the request when the interceptor’s subscriber unsubscribes', async () => {
    const id = await queuedId();
    let aborted = false;
    // Never answers until aborted.
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        }),
      );
    const stopping: Interceptor = (call, next) =>
      new Observable((subscriber) => {
        const inner = next(call).subscribe(subscriber);
        setTimeout(() => subscriber.error(new Error('gave up')), 20);
        return inner;
      });
    const c = createClient({ ...base(), retry: { maxAttempts: 1 }, fetch: hanging, interceptors: [stopping] });
    await expect(firstValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(c)))).rejects.toThrow('gave up');
    expect(aborted).toBe(true);
  });

  it('should show interceptors no key, no secret key and no query, however they log the call', async () => {
    const id = await queuedId();
    const seen: InterceptedCall[] = [];
    const dumps: string[] = [];
    const dumping: Interceptor = (call, next) => {
      seen.push(call);
      dumps.push(JSON.stringify(call), inspect(call, { showHidden: true, depth: 20, getters: true }), String(call.url), JSON.stringify(call.headers));
      for (const name of Object.getOwnPropertyNames(call))
        dumps.push(inspect((call as unknown as Record<string, unknown>)[name], { showHidden: true, depth: 20 }));
      return next(call);
    };
    const c = createClient({ baseUrl: emulator().url, secretKey: SECRET_KEY, interceptors: [dumping] });
    // Upload (pre-signed PUTs), Create Model, a status poll: with the secret key and the key it is exchanged for.
    const events = await lastValueFrom(
      of(seattleWeather(40)).pipe(upload$(c), train$(c, { name: 'secret', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }), toArray()),
    );
    await firstValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(c)));
    expect(events.some((e) => e.type === 'queued')).toBe(true);
    const ops = seen.map((call) => call.operation);
    expect(ops).toEqual(expect.arrayContaining(['getApiKey', 'uploadUrls', 'createModel', 'trainingStatus']));
    // Pre-signed transfers never reach the interceptors.
    expect(ops).not.toContain('uploadData');
    const text = dumps.join('\n');
    expect(text).not.toContain(SECRET_KEY);
    expect(text).not.toMatch(/p1emu_|x-api-key|X-Amz|\/storage\/|\?/i);
    for (const call of seen) expect(call.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/external\/[\w/-]+$/);
    // The training id is there as an operation field, not as a URL query.
    expect(seen.find((call) => call.operation === 'trainingStatus')?.trainingId).toBe(id);
  });
});
