/** What the emulator does for each kind of injected fault. */
import type { ServerResponse } from 'node:http';
import { scriptedErrorBody } from './errors';
import type { FaultSettings } from './faultPlan';
import { jsonResponse, type EmulatorResponse } from './http';

/**
 * The answer of an injected `'error'` (default 503) or `'rateLimit'` (429, `Retry-After` default
 * 1 s): the documented `{ code, error, message }` body, code derived from the status.
 *
 * ## Example
 * ```ts
 * injectedErrorResponse('rateLimit', {}).headers?.['retry-after']; // '1'
 * ```
 * @internal
 */
export function injectedErrorResponse(kind: 'error' | 'rateLimit', settings: FaultSettings): EmulatorResponse {
  const status = kind === 'rateLimit' ? 429 : (settings.status ?? 503);
  const retryAfterS = kind === 'rateLimit' ? (settings.retryAfterS ?? 1) : settings.retryAfterS;
  const res =
    kind === 'error' && settings.html
      ? {
          status,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status} Error</h1><p>Injected fault.</p></body></html>`,
        }
      : jsonResponse({ ...scriptedErrorBody(status), message: `Injected fault: ${kind} (HTTP ${status}).` }, status);
  return { ...res, headers: { ...res.headers, ...(retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) }) } };
}

/**
 * Resets the connection (TCP RST where the platform allows, else a plain destroy): the client
 * sees `ECONNRESET` / "other side closed" and no response.
 *
 * ## Example
 * ```ts
 * resetConnection(res);
 * ```
 * @internal
 */
export function resetConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (socket === null || socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * Sends the status and headers with the full `Content-Length` (at least 1, so even an empty
 * body is visibly cut), then half the body, then closes the connection.
 *
 * ## Example
 * ```ts
 * sendTruncated(res, { status: 200, body: 'abcdef' }, {}); // the client gets 'abc' of 6 bytes
 * ```
 * @internal
 */
export function sendTruncated(res: ServerResponse, response: EmulatorResponse, extraHeaders: Record<string, string>): void {
  const body = bodyBytes(response.body);
  res.writeHead(response.status, { ...extraHeaders, ...response.headers, 'content-length': String(Math.max(body.byteLength, 1)) });
  const part = body.subarray(0, Math.floor(body.byteLength / 2));
  // Destroy only once the partial body is flushed, or the client may not even get the headers.
  // An empty part is written as '' so Node sends the headers with it rather than skipping the write.
  res.write(part.byteLength === 0 ? '' : part, () => res.destroy());
}

/**
 * A copy of a download with one byte flipped in the middle of every zip entry's data, so the
 * entry fails its CRC-32 check (or does not inflate); the length is unchanged. A body that is
 * not a zip gets its middle byte flipped instead.
 *
 * ## Example
 * ```ts
 * corruptZipBytes(zip).byteLength === zip.byteLength; // true, but unzipping fails
 * ```
 * @internal
 */
export function corruptZipBytes(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = 0;
  let flipped = 0;
  while (offset + 30 <= out.byteLength && view.getUint32(offset, true) === 0x04034b50) {
    const flags = view.getUint16(offset + 6, true);
    const size = view.getUint32(offset + 18, true);
    const start = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
    // Bit 3: sizes follow the data, so the next header cannot be found from here.
    if ((flags & 0x08) !== 0 || start + size > out.byteLength) break;
    if (size > 0) {
      out[start + Math.floor(size / 2)] ^= 0xff;
      flipped++;
    }
    offset = start + size;
  }
  if (flipped === 0 && out.byteLength > 0) out[Math.floor(out.byteLength / 2)] ^= 0xff;
  return out;
}

function bodyBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
