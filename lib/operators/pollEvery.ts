/**
 * The polling schedule as a pure operator: the I/O is a parameter, so marble tests swap the
 * network for a cold Observable.
 *
 * @packageDocumentation
 */
import { Observable, SchedulerLike, asyncScheduler, repeat, takeWhile, timer } from 'rxjs';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';

/**
 * The wait before poll number `n + 1` (0-based `n` counts the polls done): `minDelayMs`
 * multiplied by `multiplier` per poll, capped at `maxDelayMs`, with optional full jitter.
 *
 * ## Example
 * ```ts
 * [0, 1, 2, 3, 4, 5].map((n) => pollDelayMs(n, {})); // [1000, 2000, 4000, 8000, 16000, 30000]
 * ```
 *
 * @param n - Polls done so far, minus one.
 * @param options - The schedule.
 * @returns Milliseconds to wait.
 */
export function pollDelayMs(n: number, options: PollOptions): number {
  const min = options.minDelayMs ?? POLL_DEFAULTS.minDelayMs;
  const max = Math.max(min, options.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs);
  const multiplier = options.multiplier ?? POLL_DEFAULTS.multiplier;
  const interval = Math.min(max, min * multiplier ** n);
  if ((options.jitter ?? POLL_DEFAULTS.jitter) === 'none') return interval;
  return Math.round(interval * (options.random ?? Math.random)());
}

/**
 * Subscribes to `poll$` (one request), waits, and does it again, until `isDone` says a value
 * is the last one. The next poll is scheduled only after the previous one completed, so slow
 * responses never pile up. Errors of `poll$` end the stream (retries belong inside `poll$`).
 *
 * **Cancellation**: unsubscribing cancels the pending timer and the poll in flight.
 *
 * ## Example
 * ```ts
 * pollEvery(status$, (s) => s.status === 'finished', { minDelayMs: 500 }).subscribe(console.log);
 * ```
 *
 * @param poll$ - One poll; cold, emits the response and completes.
 * @param isDone - True for the value that ends polling (it is emitted).
 * @param options - The schedule (`firstDelayMs`, `minDelayMs`, `maxDelayMs`, `multiplier`, `jitter`).
 * @param scheduler - For the timers. Default `asyncScheduler`.
 * @returns Every poll's value, up to and including the last.
 */
export function pollEvery<T>(
  poll$: Observable<T>,
  isDone: (value: T) => boolean,
  options: PollOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let n = 0;
    const polls$ = poll$.pipe(repeat({ delay: () => timer(pollDelayMs(n++, options), scheduler) }));
    const firstDelayMs = options.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
    const start = () => polls$.pipe(takeWhile((value) => !isDone(value), true)).subscribe(subscriber);
    if (firstDelayMs <= 0) return start();
    let inner: { unsubscribe(): void } | undefined;
    const action = scheduler.schedule(() => (inner = start()), firstDelayMs);
    return () => {
      action.unsubscribe();
      inner?.unsubscribe();
    };
  });
}

/**
 * Errors with `onTimeout()` if `source` has not completed within `maxWaitMs`: a whole-run
 * deadline (RxJS `timeout({ each })` would reset on every value).
 *
 * @internal
 */
export function withDeadline<T>(
  source: Observable<T>,
  maxWaitMs: number,
  onTimeout: () => Error,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  if (!Number.isFinite(maxWaitMs)) return source;
  return new Observable<T>((subscriber) => {
    const subscription = source.subscribe(subscriber);
    subscription.add(scheduler.schedule(() => subscriber.error(onTimeout()), maxWaitMs));
    return subscription;
  });
}
