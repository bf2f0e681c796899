import type { IncomingMessage } from 'node:http';

/**
 * CORS headers for every response, so browser clients (and their preflights) can call the
 * emulator from any origin. The origin is echoed when sent (with `Vary: Origin`), else `*`.
 * `retry-after` is exposed because the client's retry policy reads it.
 *
 * ## Example
 * ```ts
 * corsHeaders(req)['access-control-allow-methods']; // 'GET,POST,PUT,PATCH,DELETE,OPTIONS'
 * ```
 * @internal
 */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'access-control-allow-origin': typeof origin === 'string' && origin !== '' ? origin : '*',
    vary: 'Origin',
    'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
    'access-control-allow-headers': 'x-api-key, content-type',
    'access-control-expose-headers': 'retry-after',
    'access-control-max-age': '600',
  };
}
