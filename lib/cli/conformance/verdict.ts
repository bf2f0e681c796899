/** Whether a difference found by p1rx conformance breaks the client. */
/**
 * Whether a difference breaks the client: the answer decoded with the client's own codecs and
 * error factory, as `models$`, `upload$` and the key exchange would read it.
 *
 * @packageDocumentation
 */
import type * as t from 'io-ts';
import { reportIssues } from '../../codecs/decode';
import { AuthError, type ApiError } from '../../core/errors';
import { apiErrorFrom } from '../../transport/errorFactory';
import type { RawResponse } from './http';

/** `'client ok'`, or `'client breaks: …'` with what the client would throw. @internal */
export type ClientVerdict = `client ok` | `client breaks: ${string}`;

/**
 * Decodes a 2xx JSON body with `codec`: `client ok` when the client reads it, else the first
 * issues its `DecodeError` would name.
 *
 * ## Example
 * ```ts
 * decodeVerdict(ModelListResponse, { models: [] }); // 'client breaks: metadata: expected Paging, got undefined'
 * ```
 * @internal
 */
export function decodeVerdict(codec: t.Mixed, json: unknown): ClientVerdict {
  const decoded = codec.decode(json);
  if (decoded._tag === 'Right') return 'client ok';
  return `client breaks: DecodeError ${reportIssues(decoded.left).slice(0, 2).join('; ')}`;
}

/** The typed error the client makes of an error answer (keys and URLs are redacted later). @internal */
export function clientError(res: RawResponse, method: string, url: string): ApiError {
  return apiErrorFrom({ method, url, status: res.status, retryAfterMs: res.retryAfterMs, body: res.text }, []);
}

/**
 * What the client does with a non-2xx answer where it expected 2xx: it throws, so it breaks;
 * the verdict names the error it would throw.
 *
 * @internal
 */
export function errorVerdict(res: RawResponse, method: string, url: string): ClientVerdict {
  const err = clientError(res, method, url);
  return `client breaks: it throws ${err.name}${err.code === undefined ? '' : ` ${err.code}`}`;
}

/**
 * What one provoked error must become in the client for its logic to hold: a refused key an
 * {@link AuthError} (key refresh rests on it), anything else an `ApiError` that is not one
 * (a non-key error must not make the client drop its key).
 *
 * @internal
 */
export function expectedErrorVerdict(res: RawResponse, method: string, url: string, expected: 'auth' | 'request'): ClientVerdict {
  const err = clientError(res, method, url);
  const isAuth = err instanceof AuthError;
  if (expected === 'auth' && !isAuth) return `client breaks: it reads ${err.name}, not AuthError (no key refresh)`;
  if (expected === 'request' && isAuth) return 'client breaks: it reads AuthError (it would drop a working key)';
  if (expected === 'request' && res.status >= 500) return `client breaks: it reads ${err.name} and retries`;
  return 'client ok';
}
