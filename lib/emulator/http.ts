/** HTTP helpers of the emulator's routes: answers, bodies and queries. */
import type { IncomingMessage } from 'node:http';
import { badRequest, EmulatorFault } from './errors';

/**
 * What a route handler answers; the server writes it (after any scripted delay).
 *
 * ## Example
 * ```ts
 * const res: EmulatorResponse = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
 * ```
 * @internal
 */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/**
 * A JSON response.
 *
 * ## Example
 * ```ts
 * jsonResponse({ ok: true }).headers; // { 'content-type': 'application/json; charset=utf-8' }
 * ```
 * @internal
 */
export function jsonResponse(value: unknown, status = 200): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) };
}

/**
 * An empty response (the documented answer of the delete endpoints and uploads).
 *
 * ## Example
 * ```ts
 * emptyResponse().status; // 200
 * ```
 * @internal
 */
export function emptyResponse(status = 200): EmulatorResponse {
  return { status, body: '' };
}

/**
 * The response for a thrown {@link EmulatorFault}.
 *
 * ## Example
 * ```ts
 * faultResponse(badRequest('x')).status; // 400
 * ```
 * @internal
 */
export function faultResponse(fault: EmulatorFault): EmulatorResponse {
  if (typeof fault.body === 'string') {
    return { status: fault.status, headers: { 'content-type': 'text/plain; charset=utf-8', ...fault.headers }, body: fault.body };
  }
  const res = jsonResponse(fault.body, fault.status);
  return { ...res, headers: { ...res.headers, ...fault.headers } };
}

/**
 * Reads a small JSON request body (at most `limitBytes`), answering 400 on anything else.
 *
 * ## Example
 * ```ts
 * const body = await readJsonBody(req, 1_000_000);
 * ```
 * @internal
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw badRequest(`Request body exceeds ${limitBytes} bytes.`);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('Request body must be a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Request body is not valid JSON.');
  }
}

/**
 * The value of a required query parameter, or the 400 naming it.
 *
 * ## Example
 * ```ts
 * requiredParam(new URL('http://x/?a=1'), 'a'); // '1'
 * ```
 * @internal
 */
export function requiredParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === '') throw badRequest(`Query parameter '${name}' is required.`);
  return value;
}

/**
 * `offset`/`limit` of the list endpoints (defaults 0 and 30, as documented).
 *
 * ## Example
 * ```ts
 * pagingParams(new URL('http://x/?limit=5')); // { offset: 0, limit: 5 }
 * ```
 * @internal
 */
export function pagingParams(url: URL): { offset: number; limit: number } {
  return { offset: intParam(url, 'offset', 0, 0), limit: intParam(url, 'limit', 30, 1) };
}

function intParam(url: URL, name: string, fallback: number, min: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw badRequest(`Query parameter '${name}' must be an integer >= ${min} (got '${raw}').`);
  }
  return Number(raw);
}

/**
 * The vendor's curl examples send their query as `--data-urlencode filename@params.txt`, which
 * curl turns into ONE parameter named `filename` holding the file's text (e.g.
 * `filename=credential_type%3Dtrain`). The `allowCurlParamFile` leniency (off by default; C11 and
 * L2 in docs/CONTRACT.md): on endpoints that take no `filename` parameter, a `filename` whose text
 * reads as `name=value[&name=value]` lines supplies those parameters (never overriding one given
 * directly), so the examples run unchanged.
 *
 * ## Example
 * ```ts
 * const url = new URL('http://x/v1/external/api-key?filename=credential_type%3Dtrain');
 * expandCurlParamFile(url);
 * url.searchParams.get('credential_type'); // 'train'
 * ```
 * @internal
 */
export function expandCurlParamFile(url: URL): void {
  const text = url.searchParams.get('filename');
  if (text === null) return;
  const pairs = text
    .split(/[\r\n&]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pairs.length === 0 || !pairs.every((p) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(p))) return;
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    if (!url.searchParams.has(name)) url.searchParams.set(name, pair.slice(at + 1).trim());
  }
}
