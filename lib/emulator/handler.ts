/** The emulator's request handler: authentication, faults and routing. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedKeyType } from './auth';
import type { EmulatorContext } from './context';
import { matchRoute, routeKeyFor, type Route } from './context';
import { corsHeaders } from './cors';
import { EmulatorFault, internalError, notFound, scriptedErrorBody, signatureDoesNotMatch } from './errors';
import { corruptZipBytes, injectedErrorResponse, resetConnection, sendTruncated } from './faultActions';
import type { FaultInjector } from './faultInjector';
import type { FaultScript, ScriptedFailure } from './faults';
import { expandCurlParamFile, faultResponse, jsonResponse, type EmulatorResponse } from './http';
import type { RequestLog } from './requestLog';
import type { RequestCounters } from './stats';
import type { TimerSet } from './timers';
import type { FaultKind } from './faultPlan';
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
  /** Random faults of `EmulatorOptions.faults` and the count of faults applied. */
  injector: FaultInjector;
  counters: RequestCounters;
  timers: TimerSet;
  writeLine: (line: string) => void;
}

/** Message of a training failed by an injected `failTraining` fault. */
const INJECTED_TRAINING_FAILURE = 'Injected fault: training failed.';

/**
 * The `node:http` request listener: records the request, answers preflights, applies scripted
 * and injected faults, checks the key, runs the route, then holds the response for any delay.
 *
 * A request counts as aborted when its response closes before it finished (`'close'` without
 * `writableFinished`): that is what a client-side `AbortController` does to the socket. A
 * connection the emulator itself cut (reset, truncate) is not an abort.
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
    keyType: keyTypeOf(deps.ctx, found?.route, req),
    ...framing(req),
  };
  deps.log.add(record);
  deps.counters.add(record.route);
  // Set when the emulator cuts the connection itself, so the close is not taken for an abort.
  let cutByEmulator = false;
  res.on('close', () => {
    if (!res.writableFinished && !cutByEmulator) {
      deps.counters.aborted++;
      deps.log.markAborted(record);
    }
    const outcome = record.aborted
      ? 'aborted by client'
      : cutByEmulator
        ? `${record.status ?? 'no answer'}, cut by injected ${record.fault}`
        : String(record.status);
    const sent = method === 'PUT' ? ` [${framingNote(record)}]` : '';
    deps.writeLine(`${method} ${url.pathname}${redactedQuery(url)}${sent} -> ${outcome} (${Date.now() - record.startedAt} ms)`);
  });

  const failure = deps.faults.takeFailure(record.route);
  // A queued injectNext waits for a request that no failNext answers.
  const decision = deps.injector.decide(record.route, failure === undefined ? deps.faults.takeInjected(record.route) : undefined);
  // A failNext answer replaces any injected fault (but not injected latency).
  const kind = failure === undefined ? decision.kind : undefined;
  let response: EmulatorResponse | undefined;
  if (failure !== undefined) {
    response = scripted(failure);
  } else if (kind === 'error' || kind === 'rateLimit') {
    response = injectedErrorResponse(kind, decision.settings);
  } else if (kind === 'signatureMismatch') {
    response = faultResponse(signatureDoesNotMatch(method, url, req.headers.host));
  } else if (kind === 'resetBefore') {
    response = undefined;
  } else if (method === 'OPTIONS') {
    response = { status: 204, body: '' };
  } else {
    const injectTrainingFailure = kind === 'failTraining' ? INJECTED_TRAINING_FAILURE : undefined;
    try {
      if (found === undefined) throw notFound(method, url.pathname);
      authorize(deps.ctx, found.route, req);
      // Leniency: Retrain Data Upload's own parameter is `filename`; elsewhere it may be the curl examples' parameter file.
      if (deps.ctx.options.allowCurlParamFile && found.route.key !== 'GET /v1/external/retrain_jobs/upload_url') expandCurlParamFile(url);
      response = await found.route.handle({ req, url, params: found.params, ctx: deps.ctx, injectTrainingFailure });
    } catch (err) {
      response = err instanceof EmulatorFault ? faultResponse(err) : faultResponse(internalError(describe(err)));
    }
  }
  const delayMs = decision.latencyMs + (deps.faults.takeDelay(record.route) ?? 0);
  if (decision.latencyMs > 0) deps.injector.count('latency');
  if (delayMs > 0) await deps.timers.sleep(delayMs);
  // The client may have gone (abort) or the emulator may be closing: nothing left to answer.
  if (res.destroyed || res.headersSent) return;
  if (response === undefined || kind === 'resetAfter') {
    cutByEmulator = true;
    applied(deps, record, kind === 'resetAfter' ? 'resetAfter' : 'resetBefore');
    resetConnection(res);
    return;
  }
  record.status = response.status;
  const headers = { ...corsHeaders(req), ...response.headers };
  if (kind === 'truncate') {
    cutByEmulator = true;
    applied(deps, record, 'truncate');
    sendTruncated(res, response, headers);
    return;
  }
  if (kind === 'error' || kind === 'rateLimit' || kind === 'signatureMismatch') applied(deps, record, kind);
  if (kind === 'failTraining' && response.status === 200) applied(deps, record, kind);
  if (kind === 'corruptZip' && response.status === 200 && response.body instanceof Uint8Array && response.body.byteLength > 0) {
    applied(deps, record, kind);
    response = { ...response, body: corruptZipBytes(response.body) };
  }
  // A declared length, as the service's gateway sends (and not chunked encoding): `writeHead`
  // fixes the headers before `end` could count the body.
  const body = response.body;
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    (headers as Record<string, string>)['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

/** The request's framing headers, for the log (a PUT's length is what S3 rules on). */
function framing(req: IncomingMessage): Pick<RecordedRequest, 'transferEncoding' | 'contentLength'> {
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  return {
    ...(te === undefined ? {} : { transferEncoding: te }),
    ...(cl === undefined || !/^\d+$/.test(cl) ? {} : { contentLength: Number(cl) }),
  };
}

/** `content-length 123`, `transfer-encoding chunked` or `no length`: how a PUT was framed. */
function framingNote(record: RecordedRequest): string {
  const parts = [
    record.transferEncoding === undefined ? '' : `transfer-encoding ${record.transferEncoding}`,
    record.contentLength === undefined ? '' : `content-length ${record.contentLength}`,
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : 'no length';
}

function applied(deps: HandlerDeps, record: RecordedRequest, kind: FaultKind): void {
  record.fault = kind;
  deps.injector.count(kind);
}

function apiKeyHeader(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  return Array.isArray(header) ? header[0] : header;
}

function authorize(ctx: EmulatorContext, route: Route, req: IncomingMessage): void {
  if (route.auth !== 'none') ctx.keys.check(apiKeyHeader(req), route.auth);
}

/** The kind of key a request carried, for the log: an inference call's key is its classifier's. */
function keyTypeOf(ctx: EmulatorContext, route: Route | undefined, req: IncomingMessage): RecordedKeyType {
  const key = apiKeyHeader(req);
  const type = ctx.keys.typeOf(key);
  if (type !== 'unknown' || key === undefined || route?.key !== 'POST /inference/{classifier_id}') return type;
  for (const c of ctx.deployments.classifiers.classifiers.values()) if (c.api_key === key) return 'classifier';
  return 'unknown';
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
