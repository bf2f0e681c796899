/**
 * The one place that decides what is retried and after how long.
 *
 * @packageDocumentation
 */
import { Observable, asyncScheduler, type MonoTypeOperatorFunction, type Observer, type SchedulerAction, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { RETRY_DEFAULTS, type RetryOptions } from '../core/config';
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
export function backoffDelayMs(attempt: number, err: unknown, options: RetryOptions = {}): number {
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  if (err instanceof ApiError && err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, maxDelayMs);
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling * random());
}

/** The default options, one object for every call site (a `= {}` default allocates per call). */
const NO_OPTIONS: RetryOptions = Object.freeze({});

/** What a retry needs to know about the request it repeats. @internal */
export interface RetriedRequest {
  readonly method: string;
  readonly url: string;
  readonly idempotent: boolean;
}

/**
 * Retries the source on transient failures, per {@link RetryOptions}. The source must be cold
 * (each subscription sends a fresh request).
 *
 * What `retry({ count: maxAttempts - 1, delay })` does, as one object per call site and one per
 * subscription (no closures): every training in flight keeps its status call for its whole run
 * (see docs/PERFORMANCE.md).
 *
 * @internal
 */
export function retryTransient<T>(request: RetriedRequest, options: RetryOptions = NO_OPTIONS, scheduler?: SchedulerLike): MonoTypeOperatorFunction<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts);
  const deadline = options.deadlineMs !== undefined && Number.isFinite(options.deadlineMs);
  return (source) => (maxAttempts <= 1 && !deadline ? source : new Retrying(source, request, options, maxAttempts - 1, scheduler ?? asyncScheduler));
}

/** A source with its retry policy: each subscription is one {@link RetryRun}. */
class Retrying<T> extends Observable<T> {
  constructor(
    readonly origin: Observable<T>,
    readonly request: RetriedRequest,
    readonly options: RetryOptions,
    readonly retries: number,
    readonly scheduler: SchedulerLike,
  ) {
    super(subscribeRetrying);
  }
}

function subscribeRetrying<T>(this: Observable<T>, subscriber: Subscriber<T>): RetryRun<T> {
  const run = new RetryRun(this as Retrying<T>, subscriber);
  run.attempt();
  return run;
}

/**
 * One subscription of {@link Retrying}: the observer of each attempt, the attempt count, the
 * backoff timer and the call's deadline.
 */
class RetryRun<T> implements Observer<T> {
  private failures = 0;
  private current: Subscription | undefined;
  private timer: Subscription | undefined;
  private deadline: Subscription | undefined;
  /** When the deadline passes (scheduler time), `Infinity` without one. */
  private readonly deadlineAt: number;
  private lastError: unknown;

  constructor(
    private readonly retrying: Retrying<T>,
    private readonly subscriber: Subscriber<T>,
  ) {
    const { deadlineMs } = retrying.options;
    const { scheduler } = retrying;
    if (deadlineMs !== undefined && Number.isFinite(deadlineMs)) {
      this.deadlineAt = scheduler.now() + deadlineMs;
      this.deadline = scheduler.schedule<RetryRun<T>>(deadlinePassed, Math.max(0, deadlineMs), this);
    } else {
      this.deadlineAt = Number.POSITIVE_INFINITY;
    }
  }

  attempt(): void {
    this.timer = undefined;
    this.current = undefined;
    const current = this.retrying.origin.subscribe(this);
    // An attempt that ended synchronously (or failed into a scheduled retry) has nothing left to cancel.
    if (!current.closed) this.current = current;
  }

  next(value: T): void {
    this.subscriber.next(value);
  }

  complete(): void {
    this.deadline?.unsubscribe();
    this.subscriber.complete();
  }

  error(err: unknown): void {
    const { request, options, retries, scheduler } = this.retrying;
    if (this.failures >= retries || !isRetryable(err, request.idempotent)) {
      this.deadline?.unsubscribe();
      this.subscriber.error(err);
      return;
    }
    const retry = ++this.failures;
    let delayMs: number;
    try {
      delayMs = backoffDelayMs(retry, err, options);
      if (scheduler.now() + delayMs >= this.deadlineAt) {
        // The next attempt could not even start in time: end now with what we know.
        this.failures--;
        this.lastError = err;
        this.expire();
        return;
      }
      options.onRetry?.({
        attempt: retry + 1,
        maxAttempts: retries + 1,
        delayMs,
        method: request.method,
        url: redactUrl(request.url),
        cause: err instanceof Error ? err : new Error(String(err)),
      });
    } catch (thrown) {
      this.deadline?.unsubscribe();
      this.subscriber.error(thrown);
      return;
    }
    this.lastError = err;
    if (!this.subscriber.closed) this.timer = scheduler.schedule<RetryRun<T>>(retryNow, delayMs, this);
  }

  /** The deadline passed: stop the attempt in flight or the backoff wait, and fail. */
  expire(): void {
    const { request, options } = this.retrying;
    const attempts = this.failures + 1;
    this.unsubscribe();
    this.subscriber.error(new DeadlineExceededError(`${request.method} ${redactUrl(request.url)}`, options.deadlineMs ?? 0, attempts, this.lastError));
  }

  unsubscribe(): void {
    this.deadline?.unsubscribe();
    this.deadline = undefined;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.current?.unsubscribe();
    this.current = undefined;
  }
}

function retryNow<T>(this: SchedulerAction<RetryRun<T>>, run?: RetryRun<T>): void {
  run?.attempt();
}

function deadlinePassed<T>(this: SchedulerAction<RetryRun<T>>, run?: RetryRun<T>): void {
  run?.expire();
}
