/** The line every p1rx command prints before a retry. */
/**
 * The line every `p1rx` command prints on stderr before a retry, so a slow or failing service
 * is never a silent wait: `p1rx: retrying 2/4 after 503 (in 1.2 s): GET /v1/external/models/status`.
 *
 * @packageDocumentation
 */
import { ApiError, NetworkError, RequestTimeoutError, type RetryEvent } from 'prediction-one-rx';

/** What failed, in a word or two: `503`, `timeout`, `ECONNRESET`, `network error`, the error's name. @internal */
export function retryCause(cause: Error): string {
  if (cause instanceof ApiError) return String(cause.httpStatus);
  if (cause instanceof RequestTimeoutError) return cause.idle ? 'stalled transfer' : 'timeout';
  if (cause instanceof NetworkError) {
    const code = (cause.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : 'network error';
  }
  return cause.name;
}

/**
 * `retrying 2/4 after 503 (in 1.2 s): GET /v1/external/models/status` (the path only: no
 * query, so no pre-signed signature).
 *
 * @internal
 */
export function retryLine(e: RetryEvent): string {
  let where = e.url;
  try {
    where = new URL(e.url).pathname;
  } catch {
    // Not a URL: the redacted text as it is.
  }
  return `retrying ${e.attempt}/${e.maxAttempts} after ${retryCause(e.cause)} (in ${(e.delayMs / 1000).toFixed(1)} s): ${e.method} ${where}`;
}
