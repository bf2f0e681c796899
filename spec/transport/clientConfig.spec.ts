/** Specs: createClient's configuration. */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, toArray } from 'rxjs';
import { ApiError, PRODUCTION_BASE_URL, ValidationError, createClient, type ClientConfig } from '../../lib';
import { models$ } from '../../lib/deploy';
import { isBrowserLike } from '../../lib/core/environment';
import { createNodeClient } from '../../lib/node';
import { API_KEY, SECRET_KEY, useEmulator } from '../helpers/emulator';

/** The ValidationError `make` throws (fails the test when it throws nothing or something else). */
function refusal(make: () => unknown): ValidationError {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

/** Runs `fn` with globals that make this Node process look like a browser page, then removes them. */
function asBrowserPage<T>(fn: () => T): T {
  const g = globalThis as { window?: unknown; document?: unknown };
  const document = {};
  g.window = { document };
  g.document = document;
  try {
    return fn();
  } finally {
    delete g.window;
    delete g.document;
  }
}

describe('createClient configuration', () => {
  it('should refuse an empty configuration, naming every problem', () => {
    const err = refusal(() => createClient({}));
    expect(err.issues).toHaveLength(2);
    expect(err.message).toMatch(/baseUrl is required.*PRODUCTION_BASE_URL/);
    expect(err.message).toMatch(/no key: set apiKey \(or apiKeys per credential type\), or secretKey/);
  });

  it('should refuse a missing baseUrl rather than target production silently', () => {
    expect(refusal(() => createClient({ apiKey: 'k' })).issues).toEqual([expect.stringMatching(/^baseUrl is required/)]);
    expect(refusal(() => createClient({ baseUrl: '  ', apiKey: 'k' })).issues).toEqual([expect.stringMatching(/^baseUrl is required/)]);
  });

  it('should target production only when asked with PRODUCTION_BASE_URL', () => {
    expect(createClient({ baseUrl: PRODUCTION_BASE_URL, apiKey: 'k' }).baseUrl).toBe('https://developer-api.predictionone.sony.biz');
  });

  it('should refuse a baseUrl that is not an http(s) URL', () => {
    expect(refusal(() => createClient({ baseUrl: 'ftp://x', apiKey: 'k' })).issues).toEqual(["baseUrl must be an http(s) URL, got 'ftp://x'"]);
  });

  it('should refuse a missing or empty key', () => {
    for (const config of [{ baseUrl: 'http://127.0.0.1:1' }, { baseUrl: 'http://127.0.0.1:1', apiKey: '', secretKey: ' ' }] satisfies ClientConfig[]) {
      expect(refusal(() => createClient(config)).issues).toEqual([expect.stringMatching(/^no key/)]);
    }
  });

  it('should accept either key form', () => {
    expect(() => createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' })).not.toThrow();
    expect(() => createClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 's' })).not.toThrow();
  });

  it('should refuse keyAddedByProxy together with a key', () => {
    expect(refusal(() => createClient({ baseUrl: 'http://127.0.0.1:1', keyAddedByProxy: true, apiKey: 'k' })).issues).toEqual([
      expect.stringMatching(/^keyAddedByProxy: true means the proxy adds the key/),
    ]);
  });
});

describe('secretKey in a browser', () => {
  it('should detect a browser page or a web worker from globals only', () => {
    expect(isBrowserLike()).toBe(false); // Jest's node environment
    expect(isBrowserLike({ window: { document: {} } })).toBe(true);
    expect(isBrowserLike({ importScripts: () => undefined, WorkerGlobalScope: function WorkerGlobalScope() {} })).toBe(true);
    expect(isBrowserLike({ window: {} })).toBe(false);
  });

  it('should refuse a secretKey in a browser, without quoting it', () => {
    const err = asBrowserPage(() => refusal(() => createClient({ baseUrl: 'http://127.0.0.1:1', secretKey: SECRET_KEY })));
    expect(err.issues).toEqual([expect.stringMatching(/^secretKey in a browser: anyone who opens the page can read it/)]);
    expect(err.message).toMatch(/dangerouslyAllowBrowser: true/);
    expect(err.message).not.toContain(SECRET_KEY);
  });

  it('should allow it with dangerouslyAllowBrowser, and allow an apiKey', () => {
    asBrowserPage(() => {
      expect(() => createClient({ baseUrl: 'http://127.0.0.1:1', secretKey: SECRET_KEY, dangerouslyAllowBrowser: true })).not.toThrow();
      expect(() => createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: API_KEY })).not.toThrow();
    });
  });

  it('should allow a secretKey outside a browser', () => {
    expect(() => createClient({ baseUrl: 'http://127.0.0.1:1', secretKey: SECRET_KEY })).not.toThrow();
  });
});

describe('over real HTTP', () => {
  const { emulator } = useEmulator();
  beforeEach(() => emulator().clearLog());

  it('should send no key with keyAddedByProxy, and work through a proxy that adds it', async () => {
    // The recipe of docs/ANGULAR.md in miniature: the browser talks to a backend that adds the key.
    const seen: IncomingHttpHeaders[] = [];
    const proxy: Server = createServer((req, res) => {
      seen.push(req.headers);
      const target = new URL(req.url ?? '/', emulator().url);
      const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host, 'x-api-key': API_KEY } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const client = createClient({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, keyAddedByProxy: true });
      const models = await lastValueFrom(models$(client).pipe(toArray()));
      expect(Array.isArray(models)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]['x-api-key']).toBeUndefined();
      expect(emulator().expectOne('GET /v1/external/models').status).toBe(200);
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('should give ApiError.status the HTTP status, like httpStatus', async () => {
    const client = createClient({ baseUrl: emulator().url, apiKey: 'not-a-key', retry: { maxAttempts: 1 } });
    const err = await lastValueFrom(models$(client)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).status).toBe((err as ApiError).httpStatus);
  });
});

describe('createNodeClient and the environment', () => {
  const { emulator } = useEmulator();
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['P1RX_BASE_URL', 'P1RX_API_KEY', 'P1RX_SECRET_KEY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  const setEnv = (vars: Record<string, string>) => Object.assign(process.env, vars);

  it('should read P1RX_BASE_URL and P1RX_API_KEY when the options leave them out', async () => {
    setEnv({ P1RX_BASE_URL: emulator().url, P1RX_API_KEY: API_KEY });
    emulator().clearLog();
    const client = createNodeClient();
    expect(client.baseUrl).toBe(emulator().url);
    await lastValueFrom(models$(client).pipe(toArray()));
    expect(emulator().expectOne('GET /v1/external/models').status).toBe(200);
  });

  it('should read P1RX_SECRET_KEY', () => {
    setEnv({ P1RX_BASE_URL: emulator().url, P1RX_SECRET_KEY: SECRET_KEY });
    delete process.env.P1RX_API_KEY;
    expect(createNodeClient().config.secretKey).toBe(SECRET_KEY);
  });

  it('should let explicit options win, and not mix the environment keys into an explicit one', () => {
    setEnv({ P1RX_BASE_URL: 'http://127.0.0.1:9', P1RX_API_KEY: 'env-key', P1RX_SECRET_KEY: 'env-secret' });
    const client = createNodeClient({ baseUrl: emulator().url, apiKey: API_KEY });
    expect(client.baseUrl).toBe(emulator().url);
    expect(client.config.apiKey).toBe(API_KEY);
    expect(client.config.secretKey).toBeUndefined();
    expect(createNodeClient({ baseUrl: emulator().url, keyAddedByProxy: true }).config.apiKey).toBeUndefined();
  });

  it('should throw naming the variables when neither options nor environment give what it needs', () => {
    for (const name of ['P1RX_BASE_URL', 'P1RX_API_KEY', 'P1RX_SECRET_KEY']) delete process.env[name];
    const err = refusal(() => createNodeClient());
    expect(err.message).toMatch(/P1RX_BASE_URL/);
    expect(err.message).toMatch(/P1RX_API_KEY \/ P1RX_SECRET_KEY/);
  });
});
