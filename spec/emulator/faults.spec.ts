/** Specs: the emulator's fault injection. */
import { unzipSync } from 'fflate';
import { startEmulator, type Emulator, type EmulatorOptions, type FaultKind } from '../../lib/emulator';
import { call, createModel, pollUntilDone, seattle, upload } from './support';

const KEY = 'k';
const MODELS = 'GET /v1/external/models';
const CREATE = 'POST /v1/external/models';
const UPLOAD_URL = 'GET /v1/external/data-sets/upload-url';
const CONFIG = { tc: 'weather', tt: 'multi_classification' };

const started: Emulator[] = [];
async function emulatorWith(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], ...options });
  started.push(emulator);
  return emulator;
}
afterAll(() => Promise.all(started.map((e) => e.close())));

/** Status of `GET /v1/external/models`, or `'reset'` when the connection was cut. */
async function statusOf(emulator: Emulator, path = '/v1/external/models'): Promise<number | 'reset'> {
  try {
    const res = await fetch(`${emulator.url}${path}`, { headers: { 'x-api-key': KEY } });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'reset';
  }
}

/** An upload ready to train, and the POST that trains it (raw fetch, so a reset rejects). */
async function uploadAndPost(emulator: Emulator): Promise<{ id: string; post: () => Promise<Response> }> {
  const { external_process_id: id } = await upload(emulator, KEY, { learn: seattle(80) });
  const post = () =>
    fetch(`${emulator.url}/v1/external/models`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ external_process_id: id, name: 'm', config: CONFIG }),
    });
  return { id, post };
}

describe('emulator fault injection', () => {
  describe('each fault kind, injected with injectNext', () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await emulatorWith();
    });

    it('should answer an error fault with its status, a documented body and Retry-After, without handling the request', async () => {
      emulator.injectNext(UPLOAD_URL, 'error', { status: 502, retryAfterS: 3 });
      const before = emulator.stats().uploadSessions;
      const res = await call(emulator, KEY, '/v1/external/data-sets/upload-url?extension=csv');
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ code: 5021000000, error: 'BAD_GATEWAY', message: 'Injected fault: error (HTTP 502).' });
      expect(res.headers.get('retry-after')).toBe('3');
      expect(emulator.stats().uploadSessions).toBe(before);
      expect(emulator.requests.at(-1)).toMatchObject({ route: UPLOAD_URL, status: 502, fault: 'error', aborted: false });
    });

    it('should default an error fault to 503 without Retry-After', async () => {
      emulator.injectNext(MODELS, 'error');
      const res = await call(emulator, KEY, '/v1/external/models');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 5031000000, error: 'SERVICE_UNAVAILABLE_ERROR' });
      expect(res.headers.get('retry-after')).toBeNull();
    });

    it('should answer a rateLimit fault with 429 and Retry-After (default 1 s)', async () => {
      emulator.injectNext(MODELS, 'rateLimit');
      emulator.injectNext(MODELS, 'rateLimit', { retryAfterS: 0 });
      const first = await call(emulator, KEY, '/v1/external/models');
      const second = await call(emulator, KEY, '/v1/external/models');
      expect(first).toMatchObject({ status: 429, body: { code: 4291000000, error: 'TOO_MANY_REQUESTS' } });
      expect(first.headers.get('retry-after')).toBe('1');
      expect(second.headers.get('retry-after')).toBe('0');
      expect((await call(emulator, KEY, '/v1/external/models')).status).toBe(200);
    });

    it('should hold the answer for a latency fault', async () => {
      emulator.injectNext(MODELS, 'latency', { latencyMs: 60 });
      const t0 = performance.now();
      expect(await statusOf(emulator)).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    });

    it('should reset the connection before handling the request for resetBefore (no upload session opened)', async () => {
      const before = emulator.stats();
      emulator.injectNext(UPLOAD_URL, 'resetBefore');
      await expect(fetch(`${emulator.url}/v1/external/data-sets/upload-url?extension=csv`, { headers: { 'x-api-key': KEY } })).rejects.toThrow();
      const after = emulator.stats();
      expect(after.uploadSessions).toBe(before.uploadSessions);
      expect(after.faults.resetBefore).toBe(before.faults.resetBefore + 1);
      const req = emulator.requests.at(-1)!;
      expect(req).toMatchObject({ route: UPLOAD_URL, fault: 'resetBefore', aborted: false });
      expect(req.status).toBeUndefined();
    });

    it('should create the model, then reset the connection, for resetAfter on Create Model', async () => {
      const { id, post } = await uploadAndPost(emulator);
      emulator.injectNext(CREATE, 'resetAfter');
      await expect(post()).rejects.toThrow();
      expect(emulator.job(id)?.modelsCreated).toBe(1);
      expect(emulator.stats().modelsCreatedByUpload[id]).toBe(1);
      // The blind retry a client must not make: it trains the same upload twice.
      expect((await post()).status).toBe(200);
      expect(emulator.job(id)?.modelsCreated).toBe(2);
      expect(emulator.stats().uploadsWithMultipleModels).toBe(1);
    });

    it('should send the full Content-Length but only part of the body for truncate', async () => {
      emulator.injectNext(MODELS, 'truncate');
      const res = await fetch(`${emulator.url}/v1/external/models`, { headers: { 'x-api-key': KEY } });
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('content-length'))).toBeGreaterThan(10);
      await expect(res.text()).rejects.toThrow();
      expect(emulator.requests.at(-1)).toMatchObject({ fault: 'truncate', status: 200, aborted: false });
    });

    it('should cut even an empty body for truncate (the promised byte never comes)', async () => {
      const urls = await upload(emulator, KEY, {});
      emulator.injectNext('PUT /storage/upload', 'truncate');
      const res = await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: seattle(5) });
      expect(res.headers.get('content-length')).toBe('1');
      await expect(res.arrayBuffer()).rejects.toThrow();
    });

    it('should end the training failed for failTraining, and count it', async () => {
      const { id, post } = await uploadAndPost(emulator);
      emulator.injectNext(CREATE, 'failTraining');
      expect((await post()).status).toBe(200);
      const { last, seen } = await pollUntilDone(emulator, KEY, id);
      expect(seen.at(-1)).toBe('failed');
      expect(last.result_url).toBeUndefined();
      expect(last.message).toBe('Injected fault: training failed.');
      expect(emulator.stats().faults.failTraining).toBe(1);
      expect(emulator.stats().jobs.failed).toBeGreaterThanOrEqual(1);
    });

    it('should flip bytes inside the result zip for corruptZip, still 200 with the same length', async () => {
      const { id, post } = await uploadAndPost(emulator);
      expect((await post()).status).toBe(200);
      const { last } = await pollUntilDone(emulator, KEY, id);
      const resultUrl = String(last.result_url);
      const good = new Uint8Array(await (await fetch(resultUrl)).arrayBuffer());
      emulator.injectNext('GET /storage/result', 'corruptZip');
      const res = await fetch(resultUrl);
      expect(res.status).toBe(200);
      const bad = new Uint8Array(await res.arrayBuffer());
      expect(bad.byteLength).toBe(good.byteLength);
      expect(Buffer.compare(bad, good)).not.toBe(0);
      const goodFiles = unzipSync(good);
      let badFiles: Record<string, Uint8Array> | undefined;
      try {
        badFiles = unzipSync(bad);
      } catch {
        badFiles = undefined; // inflate failed: corrupt, as intended
      }
      // When it does inflate, every entry differs from the real one (so its CRC-32 cannot match).
      if (badFiles !== undefined) {
        for (const name of Object.keys(goodFiles)) expect(Buffer.compare(badFiles[name], goodFiles[name])).not.toBe(0);
      }
      expect(emulator.stats().faults.corruptZip).toBe(1);
    });

    it('should queue one-shot faults in order, one per request, and keep failNext first', async () => {
      emulator.injectNext(MODELS, 'error', { status: 500 });
      emulator.injectNext(MODELS, 'rateLimit');
      emulator.failNext(MODELS, 418, { teapot: true });
      expect((await call(emulator, KEY, '/v1/external/models')).status).toBe(418);
      expect((await call(emulator, KEY, '/v1/external/models')).status).toBe(500);
      expect((await call(emulator, KEY, '/v1/external/models')).status).toBe(429);
      expect((await call(emulator, KEY, '/v1/external/models')).status).toBe(200);
    });

    it('should reject injectNext with an unknown route, a kind the route cannot take, or a bad setting', () => {
      expect(() => emulator.injectNext('GET /nope', 'error')).toThrow(/injectNext: unknown route 'GET \/nope'/);
      expect(() => emulator.injectNext(MODELS, 'corruptZip')).toThrow(/corruptZip applies to downloads/);
      expect(() => emulator.injectNext(MODELS, 'failTraining')).toThrow(
        /failTraining applies to 'POST \/v1\/external\/models' and 'PUT \/storage\/retrain' only/,
      );
      expect(() => emulator.injectNext(MODELS, 'latency')).toThrow(/latency needs latencyMs/);
      expect(() => emulator.injectNext(MODELS, 'error', { status: 200 })).toThrow(/status must be an integer 400..599/);
      expect(() => emulator.injectNext(MODELS, 'rateLimit', { status: 503 })).toThrow(/status applies to 'error' only/);
      expect(() => emulator.injectNext(MODELS, 'bogus' as FaultKind)).toThrow(/unknown fault kind 'bogus'/);
    });
  });

  describe('random faults from EmulatorOptions.faults', () => {
    it('should never inject at rate 0 and always at rate 1', async () => {
      const never = await emulatorWith({ faults: { rules: [{ kind: 'error', rate: 0 }] } });
      const always = await emulatorWith({ faults: { rules: [{ kind: 'error', rate: 1, status: 500 }] } });
      for (let i = 0; i < 10; i++) {
        expect(await statusOf(never)).toBe(200);
        expect(await statusOf(always)).toBe(500);
      }
      expect(never.stats().faults.error).toBe(0);
      expect(always.stats().faults.error).toBe(10);
    });

    it('should draw the same faults for the same seed, and other faults for another seed', async () => {
      const plan = (seed: number): EmulatorOptions => ({
        faults: {
          seed,
          rules: [
            { kind: 'error', rate: 0.4 },
            { kind: 'rateLimit', rate: 0.3, retryAfterS: 0 },
          ],
        },
      });
      const run = async (emulator: Emulator): Promise<(number | 'reset')[]> => {
        const statuses: (number | 'reset')[] = [];
        for (let i = 0; i < 24; i++) {
          statuses.push(await statusOf(emulator));
          // Traffic on another route must not shift the decisions on this one.
          if (i % 3 === 0) await statusOf(emulator, '/v1/external/data-sets');
        }
        return statuses;
      };
      const a = await run(await emulatorWith(plan(7)));
      const b = await run(await emulatorWith(plan(7)));
      const c = await run(await emulatorWith(plan(8)));
      expect(a).toEqual(b);
      expect(new Set(a)).toEqual(new Set([200, 503, 429]));
      expect(c).not.toEqual(a);
    });

    it('should only touch the rule route when a route is given', async () => {
      const emulator = await emulatorWith({ faults: { rules: [{ route: 'GET /v1/external/data-sets', kind: 'error', rate: 1 }] } });
      expect(await statusOf(emulator)).toBe(200);
      expect(await statusOf(emulator, '/v1/external/data-sets')).toBe(503);
      expect(emulator.stats()).toMatchObject({ requests: 2, byRoute: { [MODELS]: 1, 'GET /v1/external/data-sets': 1 }, faults: { error: 1 } });
    });

    it('should apply at most one answering fault per request (the first rule) and add latencies', async () => {
      const emulator = await emulatorWith({
        faults: {
          rules: [
            { kind: 'latency', rate: 1, latencyMs: 30 },
            { kind: 'rateLimit', rate: 1 },
            { kind: 'error', rate: 1 },
            { kind: 'latency', rate: 1, latencyMs: 30 },
          ],
        },
      });
      const t0 = performance.now();
      expect(await statusOf(emulator)).toBe(429);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
      expect(emulator.stats().faults).toMatchObject({ rateLimit: 1, error: 0, latency: 1 });
    });

    it('should apply corruptZip and failTraining only where they can apply, even without a route', async () => {
      const emulator = await emulatorWith({
        faults: {
          rules: [
            { kind: 'corruptZip', rate: 1 },
            { kind: 'failTraining', rate: 1 },
          ],
        },
      });
      expect(await statusOf(emulator)).toBe(200);
      const { id, post } = await uploadAndPost(emulator);
      expect((await post()).status).toBe(200);
      expect((await pollUntilDone(emulator, KEY, id)).last.status).toBe('failed');
      expect(emulator.stats().faults).toMatchObject({ corruptZip: 0, failTraining: 1 });
    });

    it('should let a chaos run assert that no upload was trained twice', async () => {
      const emulator = await emulatorWith({ faults: { seed: 3, rules: [{ route: CREATE, kind: 'resetBefore', rate: 0.5 }] } });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { id, post } = await uploadAndPost(emulator);
        ids.push(id);
        // A careful client: retry only a POST that provably never reached the server.
        for (let attempt = 0; attempt < 10; attempt++) {
          const ok = await post().then(
            (r) => r.status === 200,
            () => false,
          );
          if (ok) break;
        }
      }
      const stats = emulator.stats();
      expect(stats.faults.resetBefore).toBeGreaterThan(0);
      expect(stats.modelsCreated).toBe(4);
      expect(stats.uploadsWithMultipleModels).toBe(0);
      expect(ids.map((id) => stats.modelsCreatedByUpload[id])).toEqual([1, 1, 1, 1]);
    });

    it('should reject an invalid plan before listening, naming the rule', async () => {
      await expect(startEmulator({ faults: { rules: [{ kind: 'error', rate: 1.5 }] } })).rejects.toThrow(
        'EmulatorOptions.faults.rules[0]: rate must be a number 0..1 (got 1.5).',
      );
      await expect(
        startEmulator({
          faults: {
            rules: [
              { kind: 'error', rate: 0.1 },
              { kind: 'latency', rate: 1 },
            ],
          },
        }),
      ).rejects.toThrow(/rules\[1\]: latency needs latencyMs/);
      await expect(startEmulator({ faults: { rules: [{ kind: 'error', rate: 1, route: 'GET /v1/nope' }] } })).rejects.toThrow(/unknown route 'GET \/v1\/nope'/);
      await expect(startEmulator({ faults: { seed: 1.5, rules: [] } })).rejects.toThrow('EmulatorOptions.faults.seed must be an integer.');
    });

    it('should not copy later changes of the caller plan', async () => {
      const rules = [{ kind: 'error' as const, rate: 0 }];
      const emulator = await emulatorWith({ faults: { rules } });
      rules[0].rate = 1;
      expect(await statusOf(emulator)).toBe(200);
    });
  });

  describe('counters and waiters', () => {
    it('should count requests per route, aborts and models per upload', async () => {
      const emulator = await emulatorWith();
      await statusOf(emulator);
      await statusOf(emulator);
      const { external_process_id: id } = await upload(emulator, KEY, { learn: seattle(80) });
      expect((await createModel(emulator, KEY, id, CONFIG)).status).toBe(200);
      emulator.delayNext(MODELS, 5_000);
      const controller = new AbortController();
      const aborted = fetch(`${emulator.url}/v1/external/models`, { headers: { 'x-api-key': KEY }, signal: controller.signal }).catch(() => 'aborted');
      await emulator.waitForRequest(MODELS);
      await emulator.waitForRequest(MODELS);
      await emulator.waitForRequest(MODELS);
      controller.abort();
      expect(await aborted).toBe('aborted');
      await emulator.waitForAbort(MODELS);
      const stats = emulator.stats();
      expect(stats).toMatchObject({
        byRoute: { [MODELS]: 3, [UPLOAD_URL]: 1, 'PUT /storage/upload': 1, [CREATE]: 1 },
        aborted: 1,
        uploadSessions: 1,
        modelsCreated: 1,
        modelsCreatedByUpload: { [id]: 1 },
        uploadsWithMultipleModels: 0,
      });
      expect(stats.requests).toBe(6);
      emulator.clearLog();
      expect(emulator.stats().requests).toBe(6);
    });

    it('should not leave an unhandled rejection when close() rejects a wait nobody awaits', async () => {
      const emulator = await startEmulator({ port: 0 });
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => {
        unhandled.push(reason);
      };
      process.on('unhandledRejection', onUnhandled);
      try {
        void emulator.waitForRequest(MODELS, { timeoutMs: 10_000 });
        const awaited = emulator.waitForAbort(MODELS, { timeoutMs: 10_000 });
        await emulator.close();
        await expect(awaited).rejects.toThrow('The emulator was closed.');
        await new Promise((r) => setImmediate(r));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});
