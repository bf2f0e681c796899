/** What the CLI tells the user to do about an error. */
/**
 * What to do about an error, in the CLI's words: which credential the service refused and how
 * to give another, and a base URL that already holds the API path.
 *
 * @packageDocumentation
 */
import { ApiError, AuthError } from 'prediction-one-rx';

/** The API path the client adds to the base URL. */
const API_PATH = '/v1/external';

/**
 * A problem of `--base-url` seen before any request: a URL that ends with the API path (the
 * client adds `/v1/external`, so every request would go to `/v1/external/v1/external/…` and get
 * a 404). `undefined` when the URL looks right.
 *
 * ## Example
 * ```ts
 * baseUrlIssue('https://developer-api.predictionone.sony.biz/v1/external');
 * // '--base-url https://developer-api.predictionone.sony.biz/v1/external ends with the API path /v1/external: give the service's origin only (https://developer-api.predictionone.sony.biz); p1rx adds /v1/external'
 * ```
 * @internal
 */
export function baseUrlIssue(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const at = url.pathname.replace(/\/+$/, '').lastIndexOf(API_PATH);
  if (at < 0) return undefined;
  const origin = `${url.origin}${url.pathname.slice(0, at)}`;
  return `--base-url ${url.origin}${url.pathname.replace(/\/+$/, '')} holds the API path ${API_PATH}: give the service's origin only (${origin}); p1rx adds ${API_PATH}`;
}

/**
 * The line printed under an error that says how to fix it, or `undefined`.
 *
 * - The service refused the secret key (Get API Key answered an auth error): check it, and give
 *   it by `P1RX_SECRET_KEY`, `--secret-key-file` or `--secret-key -`.
 * - It refused an API key: it may have expired (issued keys last a day) or be of the wrong
 *   type; give a fresh `--api-key`/`P1RX_API_KEY`, or the secret key, which is exchanged for
 *   keys as needed.
 * - A 404 on a path that holds `/v1/external` twice: the base URL holds the API path.
 *
 * ## Example
 * ```ts
 * errorHint(err); // 'the secret key was refused: …'
 * ```
 * @internal
 */
export function errorHint(err: unknown): string | undefined {
  if (err instanceof AuthError) {
    if (new URL(err.url, 'http://x').pathname.endsWith(`${API_PATH}/api-key`)) {
      return 'the secret key was refused (from --secret-key, --secret-key-file or P1RX_SECRET_KEY): check it in Prediction One, then give it by P1RX_SECRET_KEY or --secret-key-file <path>';
    }
    return 'the API key was refused (from --api-key or P1RX_API_KEY): it may have expired (issued keys last a day) or be of another type; give a fresh one, or give the secret key instead (P1RX_SECRET_KEY), which p1rx exchanges for keys as needed';
  }
  if (err instanceof ApiError && err.httpStatus === 404 && err.url.includes(`${API_PATH}${API_PATH}/`)) {
    return `the base URL holds the API path ${API_PATH}: give the service's origin only (--base-url or P1RX_BASE_URL); p1rx adds ${API_PATH}`;
  }
  return undefined;
}
