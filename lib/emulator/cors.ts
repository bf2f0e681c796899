/** CORS headers of the emulator's responses. */
import type { IncomingMessage } from 'node:http';

/**
 * CORS headers for every response, so browser clients (and their preflights) can call the
 * emulator from any origin. The origin is echoed when sent (with `Vary: Origin`), else `*`.
 * `retry-after` is exposed because the client's retry policy reads it. Requested headers are
 * allowed (besides `x-api-key` and `content-type`), so interceptors can add theirs.
 *
 * ## Example
 * ```ts
 * corsHeaders(req)['access-control-allow-methods']; // 'GET,POST,PUT,PATCH,DELETE,OPTIONS'
 * ```
 * @internal
 */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  // Echo the headers a preflight asks for, so an app's interceptors (auth, tracing) may add
  // their own; the emulator's own are always allowed.
  const requested = req.headers['access-control-request-headers'];
  const allowHeaders = ['x-api-key', 'content-type', ...(typeof requested === 'string' ? requested.split(',') : [])]
    .map((h) => h.trim().toLowerCase())
    .filter((h, i, all) => /^[a-z0-9-]+$/.test(h) && all.indexOf(h) === i)
    .join(', ');
  return {
    'access-control-allow-origin': typeof origin === 'string' && origin !== '' ? origin : '*',
    vary: 'Origin',
    'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
    'access-control-allow-headers': allowHeaders,
    'access-control-expose-headers': 'retry-after',
    'access-control-max-age': '600',
  };
}
