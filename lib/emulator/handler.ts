import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { matchRoute, routeKeyFor, type Route } from './context';
import { corsHeaders } from './cors';
import { EmulatorFault, internalError, notFound, scriptedErrorBody } from './errors';
import type { FaultScript, ScriptedFailure } from './faults';
import { faultResponse, jsonResponse, type EmulatorResponse } from './http';
import type { RequestLog } from './requestLog';
import type { TimerSet } from './timers';
import type { RecordedRequest } from './types';

/**
 * What the request handler needs.
 * @internal
 */
export interface HandlerDeps {
  routes: readonly Route[];
  ctx: EmulatorContext;
  log: RequestLog;
  faults: FaultScript;
  timers: TimerSet;
  writeLine: (line: string) => void;
}

/**
 * The `node:http` request listener: records the request, answers preflights, applies scripted
 * faults, checks the key, runs the route, then holds the response for any scripted delay.
 *
 * A request counts as aborted when its response closes before it finished (`'close'` without
 * `writableFinished`): that is what a client-side `AbortController` does to the socket.
 *
 * ## Example
 * ```ts
 * const server = createServer(createHandler(deps));
 * ```
 * @internal
 */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(deps, req, res).catch((err: unknown) => {
      deps.writeLine(`emulator: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  };
}

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', deps.ctx.store.baseUrl || 'http://localhost');
  const found = matchRoute(deps.routes, method, url.pathname);
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    route: found?.route.key ?? routeKeyFor(deps.routes, method, url.pathname),
    aborted: false,
    startedAt: Date.now(),
  };
  deps.log.add(record);
  res.on('close', () => {
    if (!res.writableFinished) deps.log.markAborted(record);
    const outcome = record.aborted ? 'aborted by client' : String(record.status);
    deps.writeLine(`${method} ${url.pathname}${redactedQuery(url)} -> ${outcome} (${Date.now() - record.startedAt} ms)`);
  });

  let response: EmulatorResponse;
  const failure = deps.faults.takeFailure(record.route);
  if (failure !== undefined) {
    response = scripted(failure);
  } else if (method === 'OPTIONS') {
    response = { status: 204, body: '' };
  } else {
    try {
      if (found === undefined) throw notFound(method, url.pathname);
      authorize(deps.ctx, found.route, req);
      response = await found.route.handle({ req, url, params: found.params, ctx: deps.ctx });
    } catch (err) {
      response = err instanceof EmulatorFault ? faultResponse(err) : faultResponse(internalError(describe(err)));
    }
  }
  const delayMs = deps.faults.takeDelay(record.route);
  if (delayMs !== undefined) await deps.timers.sleep(delayMs);
  // The client may have gone (abort) or the emulator may be closing: nothing left to answer.
  if (res.destroyed || res.headersSent) return;
  record.status = response.status;
  res.writeHead(response.status, { ...corsHeaders(req), ...response.headers });
  res.end(response.body);
}

function authorize(ctx: EmulatorContext, route: Route, req: IncomingMessage): void {
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (route.auth === 'secret') ctx.keys.checkSecret(key);
  else if (route.auth === 'api') ctx.keys.checkApiKey(key);
}

function scripted(failure: ScriptedFailure): EmulatorResponse {
  const retry: Record<string, string> = failure.retryAfterS === undefined ? {} : { 'retry-after': String(failure.retryAfterS) };
  if (typeof failure.body === 'string') {
    return { status: failure.status, headers: { 'content-type': 'text/plain; charset=utf-8', ...retry }, body: failure.body };
  }
  const res = jsonResponse(failure.body === undefined ? scriptedErrorBody(failure.status) : failure.body, failure.status);
  return { ...res, headers: { ...res.headers, ...retry } };
}

/** The query with signatures masked: the log must never carry a usable pre-signed URL. */
function redactedQuery(url: URL): string {
  if (url.search === '') return '';
  const params = new URLSearchParams(url.search);
  for (const name of [...params.keys()]) if (/signature|token|secret|api[-_]?key/i.test(name)) params.set(name, '***');
  return `?${params.toString()}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
