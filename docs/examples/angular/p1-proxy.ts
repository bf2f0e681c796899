/** Example: the backend proxy that adds the API key on the server side (docs/ANGULAR.md). */
// p1-proxy.ts: the backend proxy of docs/ANGULAR.md "Where keys belong" (this file is the
// guide's snippet, verbatim; the end-to-end test serves the example app through it).
import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/** What a browser may ask for by default: a training (upload URL, Create Model) and its status. */
export const TRAINING_ROUTES: ReadonlySet<string> = new Set([
  'GET /v1/external/data-sets/upload-url',
  'POST /v1/external/models',
  'GET /v1/external/models/results',
]);
// Allow-lists of headers each way: the browser's cookies, authorization and anything else
// stay with your app; the service's set-cookie and others do not reach the page.
const REQUEST_HEADERS = ['accept', 'content-type', 'content-length'];
const RESPONSE_HEADERS = ['content-type', 'content-length', 'retry-after'];

export interface P1ProxyOptions {
  /** The service, e.g. 'https://developer-api.predictionone.sony.biz'. */
  readonly service: string;
  /** From your server's environment (P1RX_API_KEY); never from the page. */
  readonly apiKey: string;
  /** Your app's check of the user's session (cookie, token): false answers 403. */
  readonly sessionOk: (req: IncomingMessage) => boolean;
  /** `'METHOD /path'` lines the app needs; default TRAINING_ROUTES. Never a DELETE. */
  readonly routes?: ReadonlySet<string>;
  /** Where the app calls the proxy; default '/p1'. */
  readonly prefix?: string;
}

/** A request handler for `createServer` (or an Express route) that forwards `<prefix>/v1/external/...`. */
export function p1Proxy(options: P1ProxyOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { service, apiKey, sessionOk, routes = TRAINING_ROUTES, prefix = '/p1' } = options;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : '';
    if (!routes.has(`${req.method} ${path}`) || !sessionOk(req)) return void res.writeHead(403).end();
    const headers: Record<string, string> = { 'x-api-key': apiKey };
    for (const name of REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = request(new URL(path + url.search, service), { method: req.method, headers }, (answer) => {
      const out: Record<string, string> = {};
      for (const name of RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (typeof value === 'string') out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    // The browser gave up (an unsubscribe aborts its request): stop the forwarded one too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}
