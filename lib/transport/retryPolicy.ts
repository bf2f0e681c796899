/** The one place that decides what is retried and after how long. */
/**
 * The one place that decides what is retried and after how long.
 *
 * @packageDocumentation
 */
import { backoffMs, retryAfterOf } from '../core/trainingRules';
import {
  asyncScheduler,
  defer,
  identity,
  mergeMap,
  race,
  retry,
  throwError,
  timer,
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { ResolvedRetryOptions } from '../core/settings';
import { ApiError, DeadlineExceededError, NetworkError, PredictionOneError, RateLimitError, ResultArchiveError } from '../core/errors';
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
  // A failure whose own retries already ran (the key exchange) is never retried again around it.
  if (typeof err === 'object' && err !== null && spent.has(err)) return false;
  if (err instanceof NetworkError) return idempotent || !err.sent;
  // 429: the service refused the request before acting on it, so even a POST may go again.
  if (err instanceof RateLimitError) return true;
  if (!idempotent) return false;
  if (err instanceof ApiError && err.httpStatus === 408) return true;
  // A corrupt or cut archive (CRC mismatch, truncation) is worth one more download.
  if (err instanceof ResultArchiveError) return true;
  return err instanceof PredictionOneError && err.retryable;
}

/** Errors that already used their call's retry budget. */
const spent = new WeakSet<object>();

/**
 * Marks `err` as the end of a call that had its own retries (the key exchange), so a call that
 * needed it does not retry it again: one logical call sends at most `maxAttempts` requests
 * for each thing it needs, instead of `maxAttempts²`. Returns `err`.
 *
 * @internal
 */
export function budgetSpent<E>(err: E): E {
  if (typeof err === 'object' && err !== null) spent.add(err);
  return err;
}

/**
 * Delay before retry number `attempt` (1-based): the server's `Retry-After` when it gave one
 * (capped at `maxDelayMs`), else full-jitter exponential backoff.
 *
 * @internal
 */
export function backoffDelayMs(attempt: number, err: unknown, options: ResolvedRetryOptions): number {
  return backoffMs(attempt, retryAfterOf(err), options);
}

/** What a retry needs to know about the request it repeats. @internal */
export interface RetriedRequest {
  readonly method: string;
  readonly url: string;
  readonly idempotent: boolean;
}

/**
 * Retries the source on transient failures, per the client's resolved policy: RxJS
 * `retry({ count: maxAttempts - 1, delay })`, whose `delay` asks {@link isRetryable}, computes
 * {@link backoffDelayMs}, reports `onRetry` and waits on `scheduler`. The source must be cold
 * (each subscription sends a fresh request).
 *
 * With a finite `deadlineMs`, the whole logical call (every attempt and wait) ends at the
 * deadline with {@link DeadlineExceededError}, aborting the attempt in flight; a retry whose wait
 * would end past the deadline is not started.
 *
 * @internal
 */
export function retryTransient<T>(
  request: RetriedRequest,
  options: ResolvedRetryOptions,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  const { maxAttempts, deadlineMs } = options;
  const hasDeadline = Number.isFinite(deadlineMs);
  if (maxAttempts <= 1 && !hasDeadline) return identity;
  // Without a deadline a call keeps nothing of its own: one `retry` for every subscription (a
  // poll subscribes once every few seconds per training), no `defer` and state per call; and
  // without an `onRetry` hook to name the request, one for every request of these options.
  if (!hasDeadline) return options.onRetry === undefined ? sharedRetry(request.idempotent, options, scheduler) : retryOf(request, options, scheduler);
  return (source) =>
    defer(() => {
      // One call's state: the attempts started and the last failure (for the deadline's error).
      const call = { attempts: 1, lastError: undefined as unknown };
      const deadlineAt = scheduler.now() + deadlineMs;
      const expired = (): DeadlineExceededError =>
        new DeadlineExceededError(`${request.method} ${redactUrl(request.url)}`, deadlineMs, call.attempts, call.lastError);
      const retried$ =
        maxAttempts <= 1
          ? source
          : source.pipe(
              retry({
                count: maxAttempts - 1,
                delay: (err: unknown, retryCount: number) => {
                  if (!isRetryable(err, request.idempotent)) return throwError(() => err);
                  const delayMs = backoffDelayMs(retryCount, err, options);
                  call.lastError = err;
                  // The next attempt could not even start in time: end now with what we know.
                  if (scheduler.now() + delayMs >= deadlineAt) return throwError(expired);
                  const wait$ = retryWait$(request, options, scheduler, err, retryCount, delayMs);
                  call.attempts++;
                  return wait$;
                },
              }),
            );
      // The deadline races the call: whichever ends first wins, and the other is unsubscribed.
      return race(retried$, timer(Math.max(0, deadlineMs), scheduler).pipe(mergeMap(() => throwError(expired))));
    });
}

/** The `retry` of `request` without a deadline. */
function retryOf<T>(request: RetriedRequest, options: ResolvedRetryOptions, scheduler: SchedulerLike): MonoTypeOperatorFunction<T> {
  return retry({
    count: options.maxAttempts - 1,
    delay: (err: unknown, retryCount: number) =>
      isRetryable(err, request.idempotent)
        ? retryWait$(request, options, scheduler, err, retryCount, backoffDelayMs(retryCount, err, options))
        : throwError(() => err),
  });
}

/** Per resolved options (one client's) on their scheduler, the `retry` of the requests that are not idempotent and of those that are. */
const sharedRetries = new WeakMap<ResolvedRetryOptions, { scheduler: SchedulerLike; retries: MonoTypeOperatorFunction<unknown>[] }>();

/** The one `retry` of every request of `options` on `scheduler` that is (or is not) idempotent: made once, not per request. */
function sharedRetry<T>(idempotent: boolean, options: ResolvedRetryOptions, scheduler: SchedulerLike): MonoTypeOperatorFunction<T> {
  let shared = sharedRetries.get(options);
  if (shared?.scheduler !== scheduler) sharedRetries.set(options, (shared = { scheduler, retries: [] }));
  // The request's method and URL are read by the `onRetry` report only, which these options have not.
  return (shared.retries[+idempotent] ??= retryOf({ method: '', url: '', idempotent }, options, scheduler)) as MonoTypeOperatorFunction<T>;
}

/** The wait of `delayMs` before retry number `retryCount` (1-based) of `request` after `err`, reported to `onRetry`. */
function retryWait$(
  request: RetriedRequest,
  options: ResolvedRetryOptions,
  scheduler: SchedulerLike,
  err: unknown,
  retryCount: number,
  delayMs: number,
): Observable<unknown> {
  options.onRetry?.({
    attempt: retryCount + 1,
    maxAttempts: options.maxAttempts,
    delayMs,
    method: request.method,
    url: redactUrl(request.url),
    cause: err instanceof Error ? err : new Error(String(err)),
  });
  return timer(delayMs, scheduler);
}
