/** Specs: the undici transport. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { lastValueFrom, of, toArray } from 'rxjs';
import {
  ApiError,
  AuthError,
  NetworkError,
  RequestTimeoutError,
  ResponseTooLargeError,
  createClient,
  onlyResult,
  pollStatus$,
  trainModel$,
  upload$,
  type FetchLike,
} from '../../lib';
import { createNodeClient, createUndiciFetch, fileSource } from '../../lib/node';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { utf8 } from '../../lib/transport/body';

const STATUS = 'GET /v1/external/models/results';

describe('createUndiciFetch', () => {
  const { emulator } = useEmulator();
  const fetch = createUndiciFetch();
  afterAll(() => fetch.close());
  const client = (config: Parameters<typeof createClient>[0] = {}) =>
    createClient({
      baseUrl: emulator().url,
      apiKey: API_KEY,
      fetch,
      streamUploads: true,
      poll: { minDelayMs: 20, maxDelayMs: 100 },
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      ...config,
    });

  it('should answer as fetch does: status, case-insensitive headers, a streamed body', async () => {
    const res = await fetch(`${emulator().url}/v1/external/models`, {
      method: 'GET',
      headers: { 'x-api-key': API_KEY },
      signal: new AbortController().signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/application\/json/);
    expect(res.headers.get('x-not-there')).toBeNull();
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8')).models).toEqual([]);
  });

  it('should run a whole training through the client, uploads streamed from disk', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-undici-'));
    try {
      const file = path.join(dir, 'weather.csv');
      await writeFile(file, seattleWeather(120));
      const result = await lastValueFrom(
        trainModel$(client(), { data: { train: fileSource(file, 1024) }, name: 'u', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }).pipe(
          onlyResult(),
        ),
      );
      expect(result.metrics.map((m) => m.name)).toContain('accuracy');
      expect(
        emulator()
          .requests.filter((r) => r.route === 'PUT /storage/upload')
          .every((r) => r.status === 200),
      ).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should give typed errors: AuthError for a wrong key, ApiError for an unknown training', async () => {
    const auth = await lastValueFrom(of({ externalProcessId: 'x' }).pipe(pollStatus$(client({ apiKey: 'wrong-key' })))).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthError);
    const api = await lastValueFrom(of({ externalProcessId: 'no-such-id' }).pipe(pollStatus$(client()))).catch((e: unknown) => e);
    expect(api).toBeInstanceOf(ApiError);
    expect((api as ApiError).httpStatus).toBe(400);
  });

  it('should give a NetworkError when nothing listens', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const c = client({ baseUrl: `http://127.0.0.1:${closed}`, retry: { maxAttempts: 1 } });
    const err = await lastValueFrom(of({ externalProcessId: 'x' }).pipe(pollStatus$(c))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
  });

  it('should abort the request on unsubscribe (the server sees the socket close)', async () => {
    const { id } = await uploaded();
    emulator().clearLog();
    emulator().delayNext(STATUS, 10_000);
    const sub = of({ externalProcessId: id }).pipe(pollStatus$(client())).subscribe();
    await emulator().waitForRequest(STATUS);
    sub.unsubscribe();
    const aborted = await emulator().waitForAbort(STATUS, { timeoutMs: 3000 });
    expect(aborted.aborted).toBe(true);
  });

  it("should abort through a wrapper that spreads init (a real AbortSignal then, not the client's abort hook)", async () => {
    const { id } = await uploaded();
    emulator().clearLog();
    emulator().delayNext(STATUS, 10_000);
    const signals: AbortSignal[] = [];
    const wrapped: FetchLike = (url, init) => {
      const copy = { ...init, headers: { ...init.headers, 'x-wrapped': '1' } };
      // Spreading keeps the signal (an own, enumerable property) but not the hook (a method).
      expect('onAbort' in copy).toBe(false);
      expect(copy.operation).toMatchObject({ name: 'trainingStatus', attempt: 1, trainingId: id });
      signals.push(copy.signal);
      return fetch(url, copy);
    };
    const sub = of({ externalProcessId: id })
      .pipe(pollStatus$(client({ fetch: wrapped })))
      .subscribe();
    await emulator().waitForRequest(STATUS);
    expect(signals.map((sg) => [sg instanceof AbortSignal, sg.aborted])).toEqual([[true, false]]);
    sub.unsubscribe();
    expect(signals[0].aborted).toBe(true);
    const aborted = await emulator().waitForAbort(STATUS, { timeoutMs: 3000 });
    expect(aborted.aborted).toBe(true);
  });

  it('should abort with RequestTimeoutError past requestTimeoutMs', async () => {
    const { id } = await uploaded();
    emulator().delayNext(STATUS, 5000);
    const c = client({ requestTimeoutMs: 100, retry: { maxAttempts: 1 } });
    const err = await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(c))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
  });

  it('should fail with NetworkError when the body breaks off', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"status":');
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = client({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retry: { maxAttempts: 1 } });
      const err = await lastValueFrom(of({ externalProcessId: 'x' }).pipe(pollStatus$(c))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('should read a body as text exactly as the bytes decode (BOM dropped, invalid bytes replaced), and refuse one over the limit', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"status":"日本'), Buffer.from([0xff, 0xc3]), Buffer.from('"}')]);
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.byteLength) });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const init = { method: 'GET', headers: {}, signal: new AbortController().signal };
      const asText = await (await fetch(url, init)).text!();
      const asBytes = utf8(new Uint8Array(await (await fetch(url, init)).arrayBuffer()));
      expect(asText).toBe(asBytes);
      expect(asText).toBe('{"status":"日本\ufffd\ufffd"}');
      const small = client({ baseUrl: url.slice(0, -2), maxResponseBytes: body.byteLength - 1, retry: { maxAttempts: 1 } });
      const err = await lastValueFrom(of({ externalProcessId: 'x' }).pipe(pollStatus$(small))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseTooLargeError);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  async function uploaded(): Promise<{ id: string }> {
    const events = await lastValueFrom(of(seattleWeather(60)).pipe(upload$(client()), toArray()));
    const last = events[events.length - 1];
    if (last.type !== 'uploaded') throw new Error('not uploaded');
    // A training that stays in flight: manual advance is not needed, the delayed status is.
    await lastValueFrom(
      of({ externalProcessId: last.externalProcessId }).pipe(
        (await import('../../lib')).train$(client(), { name: 'w', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }),
      ),
    );
    return { id: last.externalProcessId };
  }
});

describe('createNodeClient', () => {
  const { emulator } = useEmulator();

  it('should use undici and node:zlib by default, and run a training', async () => {
    const client = createNodeClient({ baseUrl: emulator().url, apiKey: API_KEY, poll: { minDelayMs: 20, maxDelayMs: 100 } });
    expect(client.config.streamUploads).toBe(true);
    expect(client.config.zipCodec?.inflate?.name).toBe('NodeInflate');
    const result = await lastValueFrom(
      trainModel$(client, { data: { train: seattleWeather(120) }, name: 'n', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }).pipe(onlyResult()),
    );
    expect(result.metrics.length).toBeGreaterThan(0);
  });
});
