/** Specs: the retry budget. */
import { createServer, type Server, type Socket } from 'node:net';
import { lastValueFrom, of, toArray } from 'rxjs';
import { DeadlineExceededError, RateLimitError, RequestTimeoutError, ServerError, createClient, trainModel$, upload$, type RetryEvent } from '../../lib';
import { datasetInfo$ } from '../../lib/deploy';
import { API_KEY, SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

/**
 * One retry budget per logical call, over real HTTP: the key exchange runs its own retries and
 * the call that needs the key does not run them again around it.
 */
describe('retry budget', () => {
  const { emulator } = useEmulator({
    faults: {
      seed: 1,
      rules: [{ kind: 'error', rate: 1, status: 500, route: 'GET /v1/external/api-key' }],
    },
  });
  beforeEach(() => emulator().clearLog());

  it.each([2, 3, 4])('should send exactly maxAttempts (%i) key requests when Get API Key answers 500', async (maxAttempts) => {
    const events: RetryEvent[] = [];
    const client = createClient({
      baseUrl: emulator().url,
      secretKey: SECRET_KEY,
      retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2, onRetry: (e) => events.push(e) },
    });
    const err = await lastValueFrom(of(seattleWeather(10)).pipe(upload$(client), toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(emulator().count('GET /v1/external/api-key')).toBe(maxAttempts);
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(0);
    expect(events.map((e) => `${e.attempt}/${e.maxAttempts}`)).toEqual(Array.from({ length: maxAttempts - 1 }, (_, i) => `${i + 2}/${maxAttempts}`));
  });

  it('should keep one budget when many calls wait for the same failing exchange', async () => {
    const client = createClient({ baseUrl: emulator().url, secretKey: SECRET_KEY, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const calls = Array.from({ length: 5 }, () => lastValueFrom(of({ externalProcessId: 'x' }).pipe(datasetInfo$(client))).catch((e: unknown) => e));
    const errors = await Promise.all(calls);
    errors.forEach((e) => expect(e).toBeInstanceOf(ServerError));
    // One shared exchange of 3 attempts (not 5 x 3, nor 3 x 3 per call).
    expect(emulator().count('GET /v1/external/api-key')).toBe(3);
    expect(emulator().count('GET /v1/external/data-sets/column-info')).toBe(0);
  });
});

describe('retry budget with 429 on Get API Key', () => {
  const { emulator } = useEmulator({
    faults: { seed: 1, rules: [{ kind: 'rateLimit', rate: 1, retryAfterS: 0, route: 'GET /v1/external/api-key' }] },
  });

  it('should send exactly maxAttempts key requests', async () => {
    const client = createClient({ baseUrl: emulator().url, secretKey: SECRET_KEY, retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 } });
    const err = await lastValueFrom(of(seattleWeather(10)).pipe(upload$(client), toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(emulator().count('GET /v1/external/api-key')).toBe(4);
  });
});

/** A loopback TCP server that accepts connections, reads requests and never answers. */
async function silentServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      // Count request lines ("GET /path HTTP/1.1"), whatever connection they come on.
      requests += (chunk.toString('latin1').match(/^(GET|POST|PUT|DELETE|PATCH) \/\S* HTTP\/1\.1\r$/gm) ?? []).length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a server that accepts connections and never answers', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeEach(async () => (silent = await silentServer()));
  afterEach(() => silent.close());

  it('should fail a call with RequestTimeoutError after exactly maxAttempts requests (API key)', async () => {
    const events: RetryEvent[] = [];
    const client = createClient({
      baseUrl: silent.url,
      apiKey: API_KEY,
      requestTimeoutMs: 100,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, onRetry: (e) => events.push(e) },
    });
    const err = await lastValueFrom(of({ externalProcessId: 'x' }).pipe(datasetInfo$(client))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as RequestTimeoutError).timeoutMs).toBe(100);
    expect(silent.requests()).toBe(3);
    expect(events.map((e) => [e.attempt, e.maxAttempts, e.cause.name])).toEqual([
      [2, 3, 'RequestTimeoutError'],
      [3, 3, 'RequestTimeoutError'],
    ]);
  });

  it('should fail a pipeline with a secret key after maxAttempts key requests, not maxAttempts squared', async () => {
    const client = createClient({
      baseUrl: silent.url,
      secretKey: SECRET_KEY,
      requestTimeoutMs: 100,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const err = await lastValueFrom(of(seattleWeather(10)).pipe(upload$(client), toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(silent.requests()).toBe(3);
  });

  it('should end a call at retry.deadlineMs with DeadlineExceededError, aborting the request in flight', async () => {
    const client = createClient({ baseUrl: silent.url, apiKey: API_KEY, requestTimeoutMs: 60_000, retry: { maxAttempts: 4, deadlineMs: 150 } });
    const err = await lastValueFrom(of({ externalProcessId: 'x' }).pipe(datasetInfo$(client))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err).toMatchObject({
      deadlineMs: 150,
      attempts: 1,
      what: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/v1\/external\/data-sets\/column-info/),
    });
    expect(silent.requests()).toBe(1);
  });

  it('should end a pipeline at its deadlineMs with DeadlineExceededError', async () => {
    const client = createClient({ baseUrl: silent.url, apiKey: API_KEY, requestTimeoutMs: 60_000 });
    const job = { data: { train: seattleWeather(10) }, name: 'w', config: { tt: 'multi_classification' as const, tc: 'weather' }, deadlineMs: 150 };
    const err = await lastValueFrom(trainModel$(client, job)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err).toMatchObject({ what: 'pipeline', deadlineMs: 150 });
    expect(silent.requests()).toBe(1);
  });
});
