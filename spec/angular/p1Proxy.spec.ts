/** Specs: the backend proxy recipe of docs/ANGULAR.md. */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRAINING_ROUTES, p1Proxy } from '../../docs/examples/angular/p1-proxy';

// The proxy recipe of docs/ANGULAR.md over real loopback HTTP: an upstream that records what
// reaches it (standing in for the service), the proxy in front of it.

const KEY = 'server-side-key-0123456789';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const seen: Seen[] = [];
let upstream: Server;
let proxy: Server;
let proxyUrl: string;
let sessionOk = true;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'vendor=1', 'retry-after': '3', 'x-internal': 'yes' }).end('{}'),
    );
  });
  const service = await listen(upstream);
  proxy = createServer(p1Proxy({ service, apiKey: KEY, sessionOk: () => sessionOk }));
  proxyUrl = await listen(proxy);
});

afterAll(async () => {
  for (const server of [proxy, upstream]) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

beforeEach(() => {
  seen.length = 0;
  sessionOk = true;
});

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxyUrl}${path}`, { method, headers }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('p1Proxy (the proxy recipe of docs/ANGULAR.md)', () => {
  it('should forward an allowed call with the key and only the allow-listed headers, each way', async () => {
    const res = await call(
      'POST',
      '/p1/v1/external/models?x=1',
      {
        cookie: 'session=abc',
        authorization: 'Bearer user-token',
        'x-api-key': 'from-the-page',
        'x-custom': 'no',
        'content-type': 'application/json',
      },
      '{"name":"m"}',
    );
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/v1/external/models?x=1');
    const headers = seen[0]!.headers;
    expect(headers['x-api-key']).toBe(KEY);
    expect(headers['content-type']).toBe('application/json');
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-custom']).toBeUndefined();
    // The service's cookies and other headers do not reach the page; Retry-After does.
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-internal']).toBeUndefined();
    expect(res.headers['retry-after']).toBe('3');
  });

  it.each([
    ['DELETE', '/p1/v1/external/models/m-1'],
    ['DELETE', '/p1/v1/external/data-sets/d-1'],
    ['GET', '/p1/v1/external/data-sets'],
    ['GET', '/p1/v1/external/models'],
    ['GET', '/p1/v1/external/api-key?credential_type=train'],
    ['POST', '/p1/v1/external/models/results'],
    ['GET', '/p1/v1/external/models/results/../../external/data-sets'],
    ['GET', '/v1/external/models/results'],
  ])('should refuse %s %s with 403, sending nothing upstream', async (method, path) => {
    expect((await call(method, path)).status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('should refuse an allowed route without a session', async () => {
    sessionOk = false;
    expect((await call('GET', '/p1/v1/external/models/results?external_process_id=e-1')).status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('should allow by default exactly the training and status routes', () => {
    expect([...TRAINING_ROUTES].sort()).toEqual(['GET /v1/external/data-sets/upload-url', 'GET /v1/external/models/results', 'POST /v1/external/models']);
  });
});
