/** The fleet gate: Create Model known by its operation, claims, budget and the shared 429 window. */
import { Redis } from 'ioredis';
import { lastValueFrom, of, take, toArray } from 'rxjs';
import { createClient, pollStatus$, RateLimitError, train$, upload$, type FetchInit, type FetchLike, type FetchResponse } from '../../lib';
import { ClaimLostError, createFleet } from '../../lib/bullmq';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';

const CREATE = 'POST /v1/external/models';

/**
 * The fleet gate knows Create Model by the operation the client puts on the request
 * (`FetchInit.operation`), never by its URL or body: a proxy's path or a body that merely looks
 * like Create Model changes nothing.
 */
describeWithRedis('the fleet gate recognises Create Model by its operation', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ manual: true });
  let conn: Redis;
  beforeEach(() => {
    conn = new Redis(redis().url);
  });
  // Closed while redis-server still runs (before useRedis' afterAll), so no reconnect timer is left.
  afterEach(async () => {
    await conn.quit();
  });

  const init = (extra: Partial<FetchInit>): FetchInit => ({ method: 'POST', headers: {}, signal: new AbortController().signal, ...extra });
  /** The transport behind the gate: records what passed, answers 200 (nothing leaves the process). */
  const behind =
    (passed: string[]): FetchLike =>
    async (url) => {
      passed.push(url);
      return { status: 200, headers: { get: () => null }, body: null, arrayBuffer: async () => new ArrayBuffer(0) } satisfies FetchResponse;
    };

  it('should send Create Model from the client only under the claim, and follow the claim it holds', async () => {
    const fleet = createFleet(conn, { name: 'gate-client' });
    const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY, fetch: fleet.fetch(globalThis.fetch as unknown as FetchLike) });
    const uploaded = await lastValueFrom(of(seattleWeather(40)).pipe(upload$(client), toArray()));
    const last = uploaded[uploaded.length - 1];
    if (last.type !== 'uploaded') throw new Error('not uploaded');
    const id = last.externalProcessId;
    const config = { tt: 'multi_classification' as const, tc: 'weather', cv: 1 };
    emulator().clearLog();

    // Unclaimed: refused at the gate, nothing sent.
    const refused = await lastValueFrom(of({ externalProcessId: id }).pipe(train$(client, { name: 'g', config }))).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClaimLostError);
    expect(emulator().count(CREATE)).toBe(0);

    await expect(fleet.claim(id)).resolves.toEqual({ granted: true });
    const queued = await lastValueFrom(of({ externalProcessId: id }).pipe(train$(client, { name: 'g', config })));
    expect(queued).toMatchObject({ type: 'queued', externalProcessId: id });
    expect(emulator().count(CREATE)).toBe(1);
  });

  it('should gate a request named createModel whatever its URL (a proxy path), under its training id', async () => {
    const fleet = createFleet(conn, { name: 'gate-proxy' });
    const passed: string[] = [];
    const gated = fleet.fetch(behind(passed));
    const url = 'http://127.0.0.1:1/p1-proxy/create';
    await expect(gated(url, init({ operation: { name: 'createModel', attempt: 1, trainingId: 'ep-proxy' } }))).rejects.toBeInstanceOf(ClaimLostError);
    expect(passed).toEqual([]);
    await fleet.claim('ep-proxy');
    await expect(gated(url, init({ operation: { name: 'createModel', attempt: 1, trainingId: 'ep-proxy' } }))).resolves.toMatchObject({ status: 200 });
    expect(passed).toEqual([url]);
  });

  it('should not take a request for Create Model from its URL and body alone', async () => {
    const fleet = createFleet(conn, { name: 'gate-body' });
    const passed: string[] = [];
    const gated = fleet.fetch(behind(passed));
    const url = 'http://127.0.0.1:1/v1/external/models';
    const body = JSON.stringify({ external_process_id: 'ep-body', name: 'x', config: {} });
    // Not claimed, yet it passes: only the operation says Create Model.
    await expect(gated(url, init({ body }))).resolves.toMatchObject({ status: 200 });
    await expect(gated(url, init({ body, operation: { name: 'models', attempt: 1 } }))).resolves.toMatchObject({ status: 200 });
    expect(passed).toEqual([url, url]);
  });
});

/**
 * A status poll passes the gate on the process's copy of the fleet's backoff window: no Redis
 * command per request, the copy re-read every `backoffRefreshMs`; a 429 opened by another
 * process is seen at the next re-read, one seen by this process at once.
 */
describeWithRedis('the fleet gate for polls', () => {
  const redis = useRedis();
  let a: Redis;
  let b: Redis;
  beforeEach(() => {
    a = new Redis(redis().url);
    b = new Redis(redis().url);
  });
  afterEach(async () => {
    await a.quit();
    await b.quit();
  });
  const init = (): FetchInit => ({ method: 'GET', headers: {}, signal: new AbortController().signal, operation: { name: 'trainingStatus', attempt: 1 } });
  const ok: FetchLike = async () => ({ status: 200, headers: { get: () => null }, body: null, arrayBuffer: async () => new ArrayBuffer(0) });
  const calls = async (): Promise<number> =>
    [...(await a.info('commandstats')).matchAll(/cmdstat_[^:]+:calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);

  it('should send polls without a Redis command each', async () => {
    const fleet = createFleet(b, { name: 'gate-polls', backoffRefreshMs: 3_600_000 });
    const gated = fleet.fetch(ok);
    await gated('http://127.0.0.1:1/v1/external/models/results', init());
    const before = await calls();
    for (let i = 0; i < 50; i++) await gated('http://127.0.0.1:1/v1/external/models/results', init());
    // Only the INFO of this count.
    expect((await calls()) - before).toBe(1);
  });

  it('should wait out a window another process opened, from its next read of the window', async () => {
    const opener = createFleet(a, { name: 'gate-window' });
    const waits: string[] = [];
    const fleet = createFleet(b, { name: 'gate-window', backoffRefreshMs: 0, onWait: (w) => waits.push(w.reason) });
    const gated = fleet.fetch(ok);
    await gated('http://127.0.0.1:1/v1/external/models/results', init());
    expect(waits).toEqual([]);
    await opener.backoff(200);
    await gated('http://127.0.0.1:1/v1/external/models/results', init());
    expect(waits).toEqual(['backoff']);
  });

  it('should wait out a window this process opened without reading Redis again', async () => {
    const waits: string[] = [];
    const fleet = createFleet(b, { name: 'gate-own', backoffRefreshMs: 3_600_000, onWait: (w) => waits.push(w.reason) });
    const gated = fleet.fetch(ok);
    await gated('http://127.0.0.1:1/v1/external/models/results', init());
    await fleet.backoff(200);
    await gated('http://127.0.0.1:1/v1/external/models/results', init());
    expect(waits).toEqual(['backoff']);
  });
});

/**
 * The gate as the client's interceptor (`Fleet.interceptor`, what the training worker
 * registers): it gates each attempt after the retry policy, knows Create Model by
 * `call.operation`, and a 429 the call gets from the API opens the fleet's window.
 */
describeWithRedis('the fleet gate as an interceptor', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ manual: true });
  const STATUS = 'GET /v1/external/models/results';
  let conn: Redis;
  let other: Redis;
  beforeEach(() => {
    conn = new Redis(redis().url);
    other = new Redis(redis().url);
  });
  afterEach(async () => {
    await conn.quit();
    await other.quit();
  });
  const config = { tt: 'multi_classification' as const, tc: 'weather', cv: 1 };
  const commands = async (): Promise<number> =>
    [...(await other.info('commandstats')).matchAll(/cmdstat_[^:]+:calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);

  async function uploadedId(client: ReturnType<typeof createClient>): Promise<string> {
    const uploaded = await lastValueFrom(of(seattleWeather(40)).pipe(upload$(client), toArray()));
    const last = uploaded[uploaded.length - 1];
    if (last.type !== 'uploaded') throw new Error('not uploaded');
    return last.externalProcessId;
  }

  /** A training that stays queued (the emulator is manual), started without the gate. */
  async function queuedId(): Promise<string> {
    const plain = createClient({ baseUrl: emulator().url, apiKey: API_KEY });
    const id = await uploadedId(plain);
    await lastValueFrom(of({ externalProcessId: id }).pipe(train$(plain, { name: 'q', config })));
    return id;
  }

  it('should send Create Model only under the claim', async () => {
    const fleet = createFleet(conn, { name: 'icpt-claim' });
    const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY, interceptors: [fleet.interceptor()] });
    const id = await uploadedId(client);
    emulator().clearLog();
    const refused = await lastValueFrom(of({ externalProcessId: id }).pipe(train$(client, { name: 'g', config }))).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClaimLostError);
    expect(emulator().count(CREATE)).toBe(0);
    await expect(fleet.claim(id)).resolves.toEqual({ granted: true });
    await expect(lastValueFrom(of({ externalProcessId: id }).pipe(train$(client, { name: 'g', config })))).resolves.toMatchObject({ type: 'queued' });
    expect(emulator().count(CREATE)).toBe(1);
  });

  it('should gate every attempt of a call (each retry passes the gate again)', async () => {
    const fleet = createFleet(conn, { name: 'icpt-attempts', trace: true });
    const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const id = await uploadedId(client);
    await fleet.claim(id);
    await lastValueFrom(of({ externalProcessId: id }).pipe(train$(client, { name: 'g', config })));
    const gated = client.withOptions({ interceptors: [fleet.interceptor()] });
    emulator().failNext(STATUS, 503, { code: 0, error: 'busy', message: 'busy' }, { retryAfterS: 0 });
    await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(gated), take(1)));
    expect(await fleet.gatePasses(0, Number.MAX_SAFE_INTEGER)).toHaveLength(2);
  });

  it('should open the fleet’s pause on a 429 from the API, and hold the next request in it', async () => {
    const waits: string[] = [];
    const fleet = createFleet(conn, { name: 'icpt-429', backoffRefreshMs: 3_600_000, onWait: (w) => waits.push(`${w.reason} ${w.method} ${w.path}`) });
    const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY, retry: { maxAttempts: 1 }, interceptors: [fleet.interceptor()] });
    const id = await queuedId();
    emulator().failNext(STATUS, 429, { code: 0, error: 'slow down', message: 'slow down' }, { retryAfterS: 1 });
    await expect(lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client), take(1)))).rejects.toBeInstanceOf(RateLimitError);
    const windows = await fleet.backoffWindows();
    expect(windows).toHaveLength(1);
    expect(windows[0].until - windows[0].openedAt).toBe(1000);
    expect(waits).toEqual([]);
    await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client), take(1)));
    expect(waits).toEqual([`backoff GET /v1/external/models/results`]);
  });

  it('should let polls through without a Redis command each', async () => {
    const fleet = createFleet(conn, { name: 'icpt-polls', backoffRefreshMs: 3_600_000 });
    const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY, interceptors: [fleet.interceptor()] });
    const id = await queuedId();
    const poll = () => lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client), take(1)));
    await poll();
    const before = await commands();
    for (let i = 0; i < 20; i++) await poll();
    expect((await commands()) - before).toBe(1);
  });
});
