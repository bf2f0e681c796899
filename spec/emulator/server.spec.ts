/** Specs: the emulator's server, authentication and test hooks. */
import { Agent, fetch as undiciFetch } from 'undici';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call } from './support';

describe('startEmulator: server, auth and test hooks', () => {
  let emulator: Emulator;
  const lines: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, secretKeys: ['secret-1'], apiKeys: ['api-1'], log: (l) => lines.push(l) });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.clearLog());

  it('should listen on 127.0.0.1 with a URL without trailing slash', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.secretKeys).toEqual(['secret-1']);
    expect(emulator.apiKeys).toContain('api-1');
  });

  describe('Get API Key', () => {
    it('should issue a registered API key with an ISO end_date about 24 h ahead', async () => {
      const res = await call(emulator, 'secret-1', '/v1/external/api-key?credential_type=train');
      expect(res.status).toBe(200);
      const { api_key, end_date } = res.body as { api_key: string; end_date: string };
      expect(typeof api_key).toBe('string');
      expect(Date.parse(end_date) - Date.now()).toBeGreaterThan(23 * 3600_000);
      expect(end_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(emulator.apiKeys).toContain(api_key);
      expect((await call(emulator, api_key, '/v1/external/models')).status).toBe(200);
    });

    it('should require model_id for retrain', async () => {
      const res = await call(emulator, 'secret-1', '/v1/external/api-key?credential_type=retrain');
      expect(res).toMatchObject({ status: 400, body: badRequest('Model id is required.') });
    });

    it('should answer "This model may be deleted." for an unknown model', async () => {
      const res = await call(emulator, 'secret-1', '/v1/external/api-key?credential_type=retrain&model_id=999');
      expect(res).toMatchObject({ status: 400, body: badRequest('This model may be deleted.') });
    });

    it('should reject an unknown credential_type', async () => {
      const res = await call(emulator, 'secret-1', '/v1/external/api-key?credential_type=admin');
      expect(res).toMatchObject({ status: 400, body: badRequest(/credential_type/) });
    });
  });

  describe('documented auth errors', () => {
    it('should answer invalid_api_key. without a key', async () => {
      expect(await call(emulator, undefined, '/v1/external/models')).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
    });

    it('should answer invalid_api_key. for an unknown key', async () => {
      expect(await call(emulator, 'nope', '/v1/external/data-sets')).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
      expect(await call(emulator, 'nope', '/v1/external/api-key?credential_type=train')).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
    });

    it('should answer Not_found_credential. for a secret key on an API endpoint', async () => {
      expect(await call(emulator, 'secret-1', '/v1/external/models')).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    });

    it('should answer Not_found_credential. for an API key on Get API Key', async () => {
      const res = await call(emulator, 'api-1', '/v1/external/api-key?credential_type=train');
      expect(res).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    });

    it('should answer Inactive_credential. once an issued key expires', async () => {
      // The emulator's clock, moved by the test: no sleep, and a loaded machine cannot expire the
      // key before its first use (a 30 ms lifetime in real time did).
      let nowMs = Date.parse('2026-01-01T00:00:00Z');
      const shortLived = await startEmulator({ secretKeys: ['s'], apiKeyTtlMs: 30, now: () => nowMs });
      try {
        const { body } = await call(shortLived, 's', '/v1/external/api-key?credential_type=train');
        const key = String(body.api_key);
        nowMs += 29;
        expect((await call(shortLived, key, '/v1/external/models')).status).toBe(200);
        nowMs += 1;
        expect(await call(shortLived, key, '/v1/external/models')).toMatchObject({ status: 400, body: badRequest('Inactive_credential.') });
      } finally {
        await shortLived.close();
      }
    });

    it('should generate one random secret key by default', async () => {
      const other = await startEmulator();
      try {
        expect(other.secretKeys).toHaveLength(1);
        expect((await call(other, other.secretKeys[0], '/v1/external/api-key?credential_type=train')).status).toBe(200);
      } finally {
        await other.close();
      }
    });
  });

  it('should answer 404 JSON for unknown routes', async () => {
    const res = await call(emulator, 'api-1', '/v1/external/nothing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 4041000000, error: 'NOT_FOUND', message: 'No route for GET /v1/external/nothing.' });
    expect(emulator.expectOne('GET /v1/external/nothing').status).toBe(404);
  });

  it('should answer CORS preflights with 204 and the allowed methods and headers', async () => {
    const res = await fetch(`${emulator.url}/v1/external/models`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH,DELETE,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('x-api-key, content-type');
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after');
    expect(emulator.count('OPTIONS /v1/external/models')).toBe(1);
    const plain = await call(emulator, 'api-1', '/v1/external/models');
    expect(plain.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("should allow the extra headers a preflight asks for (an app's interceptors)", async () => {
    const res = await fetch(`${emulator.url}/v1/external/models`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'GET', 'access-control-request-headers': 'X-Trace-Id, authorization' },
    });
    expect(res.headers.get('access-control-allow-headers')).toBe('x-api-key, content-type, x-trace-id, authorization');
  });

  describe('request log', () => {
    it('should record method, pathname without query, route key and status', async () => {
      await call(emulator, 'api-1', '/v1/external/models?offset=0&limit=5');
      expect(emulator.requests).toEqual([
        {
          method: 'GET',
          path: '/v1/external/models',
          route: 'GET /v1/external/models',
          status: 200,
          aborted: false,
          startedAt: expect.any(Number),
          keyType: 'universal',
        },
      ]);
      expect(() => emulator.expectOne('POST /v1/external/models')).toThrow(/exactly one/);
    });

    it('should key path-parameter routes by their pattern', async () => {
      await call(emulator, 'api-1', '/v1/external/models/77', { method: 'DELETE' });
      expect(emulator.count('DELETE /v1/external/models/{model_id}')).toBe(1);
    });

    it('should hand each request to one waitForRequest, in order', async () => {
      await call(emulator, 'api-1', '/v1/external/data-sets');
      const first = await emulator.waitForRequest('GET /v1/external/data-sets');
      const pending = emulator.waitForRequest('GET /v1/external/data-sets');
      await call(emulator, 'api-1', '/v1/external/data-sets?limit=1');
      const second = await pending;
      expect(second).not.toBe(first);
      expect(emulator.count('GET /v1/external/data-sets')).toBe(2);
      await expect(emulator.waitForRequest('GET /v1/external/data-sets', { timeoutMs: 20 })).rejects.toThrow(/within 20 ms/);
    });

    it('should never write keys or signatures to the log sink', async () => {
      await call(emulator, 'secret-1', '/v1/external/api-key?credential_type=train');
      const text = lines.join('\n');
      expect(text).toContain('GET /v1/external/api-key');
      expect(text).not.toContain('secret-1');
      expect(text).not.toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    });
  });

  describe('scripted faults', () => {
    it('should fail the next request once with the documented shape and retry-after', async () => {
      emulator.failNext('GET /v1/external/models', 503, undefined, { retryAfterS: 0 });
      const failed = await call(emulator, 'api-1', '/v1/external/models');
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('0');
      expect(failed.body).toEqual({ code: 5031000000, error: 'SERVICE_UNAVAILABLE_ERROR', message: 'Scripted fault (HTTP 503).' });
      expect((await call(emulator, 'api-1', '/v1/external/models')).status).toBe(200);
      expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
    });

    it('should send a custom body, even without a valid key', async () => {
      emulator.failNext('GET /v1/external/data-sets', 429, { code: 4291000000, error: 'TOO_MANY', message: 'slow down' });
      expect(await call(emulator, undefined, '/v1/external/data-sets')).toMatchObject({ status: 429, body: { message: 'slow down' } });
    });

    it('should delay the next response', async () => {
      emulator.delayNext('GET /v1/external/models', 150);
      const started = Date.now();
      expect((await call(emulator, 'api-1', '/v1/external/models')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('should record a request the client aborts while the response is held', async () => {
      emulator.delayNext('GET /v1/external/models', 5_000);
      const controller = new AbortController();
      const pending = fetch(`${emulator.url}/v1/external/models`, { headers: { 'x-api-key': 'api-1' }, signal: controller.signal }).catch((e: unknown) => e);
      await emulator.waitForRequest('GET /v1/external/models');
      controller.abort();
      const aborted = await emulator.waitForAbort('GET /v1/external/models', { timeoutMs: 2000 });
      expect(aborted).toMatchObject({ route: 'GET /v1/external/models', aborted: true });
      expect(aborted.status).toBeUndefined();
      expect(await pending).toMatchObject({ name: 'AbortError' });
    });
  });
});

describe('Emulator.close', () => {
  const handles = (): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const h of process.getActiveResourcesInfo()) counts[h] = (counts[h] ?? 0) + 1;
    return counts;
  };

  it('should stop listening, drop held responses and timers, and be idempotent', async () => {
    // A private connection pool, closed before counting: the global fetch's keep-alive timers
    // (shared with every other test in this worker) would blur the count.
    const agent = new Agent({ keepAliveTimeout: 10 });
    const get = (url: string, init: { headers?: Record<string, string> } = {}) => undiciFetch(url, { ...init, dispatcher: agent });
    const before = handles();
    const emulator = await startEmulator({ apiKeys: ['k'], trainingDelayMs: 60_000 });
    emulator.delayNext('GET /v1/external/models', 60_000);
    const held = get(`${emulator.url}/v1/external/models`, { headers: { 'x-api-key': 'k' } }).catch((e: unknown) => e);
    await emulator.waitForRequest('GET /v1/external/models');
    const waiting = emulator.waitForRequest('GET /never', { timeoutMs: 60_000 });
    await Promise.all([emulator.close(), emulator.close()]);
    await expect(waiting).rejects.toThrow(/closed/);
    expect(await held).toMatchObject({ name: 'TypeError' }); // fetch's network error
    await expect(get(`${emulator.url}/v1/external/models`)).rejects.toThrow();
    await emulator.close();
    await agent.close();
    // undici keeps one shared housekeeping timer for a moment after its last socket; the
    // emulator's own timers (60 s here) would outlive this wait, so a leak still fails.
    let after = handles();
    for (let i = 0; i < 40 && (after.Timeout ?? 0) > (before.Timeout ?? 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = handles();
    }
    expect(after.TCPServerWrap ?? 0).toBeLessThanOrEqual(before.TCPServerWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
  });
});
