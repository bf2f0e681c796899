/**
 * The polling schedule as a pure operator: the I/O is a parameter, so marble tests swap the
 * network for a cold Observable.
 *
 * @packageDocumentation
 */
import { Observable, asyncScheduler, type Observer, type SchedulerLike, type Subscription } from 'rxjs';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';
import { TimerQueue, type TimerEntry } from '../transport/timerQueue';

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
 * One object per run, and no timer of its own: every run waiting on a scheduler is an entry of
 * that scheduler's one timer queue, a queue with a single scheduler action (`repeat({ delay })`
 * would build a new inner chain and a timer per poll, which at thousands of jobs in flight
 * costs memory and CPU, see `docs/PERFORMANCE.md`).
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
    const loop = new UntilDone(subscriber, { poll$, options, scheduler }, isDone);
    loop.start();
    // The loop is the teardown (no closure per run).
    return loop;
  });
}

/**
 * What a {@link PollLoop} polls and when. `poll$` is read for every poll, so a long-lived spec
 * may build it then rather than keep it.
 *
 * @internal
 */
export interface PollSpec<T> {
  readonly poll$: Observable<T>;
  readonly options: PollOptions;
  readonly scheduler: SchedulerLike;
}

/**
 * Where a {@link PollLoop} delivers: a `Subscriber`, or an object of the same shape that owns
 * the loop (a shared status stream), which stops the loop when it no longer wants its values.
 *
 * @internal
 */
export interface PollSink<Out> {
  readonly closed: boolean;
  next(value: Out): void;
  error(err: unknown): void;
  complete(): void;
}

/**
 * The state of one polling run, and the observer of each poll: its place on the timer queue,
 * the poll in flight and the poll count, allocated once per run rather than once per poll.
 * Subclasses decide what a poll's value means (`next`); the base class owns the schedule and
 * the cancellation. Once stopped (unsubscribed, or after it delivered an error or completion)
 * it delivers nothing more.
 *
 * @internal
 */
export abstract class PollLoop<T, Out = T, S extends PollSpec<T> = PollSpec<T>> implements Observer<T>, TimerEntry {
  /** @internal Owned by the timer queue while the next poll waits. */
  dueAt = 0;
  /** @internal */
  seq = 0;
  /** @internal */
  slot = -1;
  private n = 0;
  private inFlight: Subscription | undefined;
  private stopped = false;

  constructor(
    protected readonly sink: PollSink<Out>,
    protected readonly spec: S,
  ) {}

  /** What to do with a poll's value: emit, drop, end the run. */
  abstract next(value: T): void;

  /** The schedule. */
  protected get options(): PollOptions {
    return this.spec.options;
  }

  /** The scheduler's timer queue (looked up, not kept: one field less per run). */
  protected get timers(): TimerQueue {
    return TimerQueue.of(this.spec.scheduler);
  }

  /** True while a poll is in flight. */
  protected get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** True once the run is stopped or its sink closed: nothing is to be delivered. */
  protected get over(): boolean {
    return this.stopped || this.sink.closed;
  }

  /** The first poll, now or after `firstDelayMs`. */
  start(): void {
    const firstDelayMs = this.options.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
    if (firstDelayMs <= 0) this.poll();
    else this.wake(firstDelayMs);
  }

  /** Rings this loop in `delayMs` (a subclass may ring it earlier). */
  protected wake(delayMs: number): void {
    this.timers.add(this, delayMs);
  }

  /** A poll is in flight (it ended neither synchronously nor the run): a subclass may set a timer. */
  protected polling(): void {
    // Nothing by default: the next wait starts when the poll ends.
  }

  /** The wait is over (the timer queue calls it). */
  ring(): void {
    this.poll();
  }

  poll(): void {
    this.inFlight = undefined;
    let inFlight: Subscription;
    try {
      inFlight = this.spec.poll$.subscribe(this);
    } catch (err) {
      this.fail(err);
      return;
    }
    // A poll that ended synchronously has nothing left to cancel.
    if (!this.over && !inFlight.closed) {
      this.inFlight = inFlight;
      this.polling();
    }
  }

  /** Delivers a value (nothing once the run is over). */
  protected emit(value: Out): void {
    if (!this.over) this.sink.next(value);
  }

  /** Stops the run and ends the sink with `err`. */
  protected fail(err: unknown): void {
    if (this.over) return;
    this.unsubscribe();
    this.sink.error(err);
  }

  /** Stops the run and completes the sink. */
  protected finish(): void {
    if (this.over) return;
    this.unsubscribe();
    this.sink.complete();
  }

  error(err: unknown): void {
    this.fail(err);
  }

  /** The poll ended without a final value: wait, then poll again. */
  complete(): void {
    // The finished poll's subscriber is closed: drop it rather than keep it until the next poll.
    this.inFlight = undefined;
    if (!this.over) this.wake(pollDelayMs(this.n++, this.options));
  }

  unsubscribe(): void {
    this.stopped = true;
    this.timers.remove(this);
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    inFlight?.unsubscribe();
  }
}

/** {@link pollEvery}'s loop: every value is emitted, the one `isDone` picks ends the run. */
class UntilDone<T> extends PollLoop<T> {
  constructor(
    sink: PollSink<T>,
    spec: PollSpec<T>,
    private readonly isDone: (value: T) => boolean,
  ) {
    super(sink, spec);
  }

  next(value: T): void {
    let done: boolean;
    try {
      done = this.isDone(value);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.emit(value);
    if (done) this.finish();
  }
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
