/**
 * The one place that decides what is retried and after how long.
 *
 * @packageDocumentation
 */
import { MonoTypeOperatorFunction, SchedulerLike, retry, throwError, timer } from 'rxjs';
import { RETRY_DEFAULTS, type RetryOptions } from '../core/config';
import { ApiError, NetworkError, PredictionOneError, RateLimitError, ResultArchiveError } from '../core/errors';
import { redactUrl } from '../core/redact';

/**
 * Whether `err` may succeed on a new attempt. Network errors, HTTP 408, 429 and 5xx are
 * transient; everything documented as a client error is not. A request that is not idempotent
 * (Create Model) is retried only when it provably was not acted on (the connection was refused,
 * or the service answered 429): resending after an ambiguous failure could train twice.
 *
 * @internal
 */
export function isRetryable(err: unknown, idempotent: boolean): boolean {
  if (err instanceof NetworkError) return idempotent || !err.sent;
  // 429: the service refused the request before acting on it, so even a POST may go again.
  if (err instanceof RateLimitError) return true;
  if (!idempotent) return false;
  if (err instanceof ApiError && err.httpStatus === 408) return true;
  // A corrupt or cut archive (CRC mismatch, truncation) is worth one more download.
  if (err instanceof ResultArchiveError) return true;
  return err instanceof PredictionOneError && err.retryable;
}

/**
 * Delay before retry number `attempt` (1-based): the server's `Retry-After` when it gave one
 * (capped at `maxDelayMs`), else full-jitter exponential backoff.
 *
 * @internal
 */
export function backoffDelayMs(attempt: number, err: unknown, options: RetryOptions = {}): number {
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  if (err instanceof ApiError && err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, maxDelayMs);
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling * random());
}

/**
 * Retries the source on transient failures, per {@link RetryOptions}. The source must be cold
 * (each subscription sends a fresh request).
 *
 * @internal
 */
export function retryTransient<T>(
  request: { method: string; url: string; idempotent: boolean },
  options: RetryOptions = {},
  scheduler?: SchedulerLike,
): MonoTypeOperatorFunction<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  return retry({
    count: Math.max(0, maxAttempts - 1),
    delay: (err: unknown, attempt: number) => {
      if (!isRetryable(err, request.idempotent)) return throwError(() => err);
      const delayMs = backoffDelayMs(attempt, err, options);
      options.onRetry?.({
        attempt,
        delayMs,
        method: request.method,
        url: redactUrl(request.url),
        cause: err instanceof Error ? err : new Error(String(err)),
      });
      return timer(delayMs, scheduler);
    },
  });
}
