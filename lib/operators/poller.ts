/**
 * The one poller: trainings, retraining jobs and prediction APIs are all watched by it. Built
 * from RxJS operators only (`defer`, `timer`, `repeat`, `takeWhile`, `distinctUntilChanged`,
 * `share` with a `ReplaySubject(1)`); every timer runs on the client's `SchedulerLike`, so the
 * TestScheduler drives the same code production runs.
 *
 * @packageDocumentation
 */
import {
  Observable,
  ReplaySubject,
  concatMap,
  defer,
  distinctUntilChanged,
  finalize,
  map,
  repeat,
  share,
  takeWhile,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { PollTimeoutError, type PollResource } from '../core/errors';
import { pollDelayMs, type ResolvedPollOptions } from '../core/pollOptions';

/**
 * Subscribes to `poll$` (one request), waits on the schedule, and does it again, until `isDone`
 * picks a value (it is emitted, then the stream completes). The next wait starts only when the
 * previous poll completed, so slow responses never pile up; errors of `poll$` end the stream
 * (retries belong inside `poll$`).
 *
 * @internal
 */
export function pollUntil<T>(
  poll$: Observable<T>,
  isDone: (value: T) => boolean,
  schedule: ResolvedPollOptions,
  scheduler: SchedulerLike,
): Observable<T> {
  const loop$ = poll$.pipe(
    // `count` is 1 before the second poll: the first wait is `minDelayMs`.
    repeat({ delay: (count) => timer(pollDelayMs(count - 1, schedule), scheduler) }),
    takeWhile((value) => !isDone(value), true),
  );
  return schedule.firstDelayMs > 0 ? timer(schedule.firstDelayMs, scheduler).pipe(concatMap(() => loop$)) : loop$;
}

/**
 * What the poller needs to know about one kind of resource, built once per operator call
 * (not per resource watched).
 *
 * @internal
 */
export interface PollPolicy<Raw, T> {
  /** What is polled (named by {@link PollTimeoutError}). */
  readonly resource: PollResource;
  /** Schedule and status names, resolved. */
  readonly options: ResolvedPollOptions;
  /** One request for the status of `id` (cold: each subscription sends one). */
  poll$(id: string): Observable<Raw>;
  /** The value a response stands for (it may throw, e.g. a `DecodeError`). */
  toValue(raw: Raw, id: string): T;
  /** The status string of a value (repeats are dropped). */
  statusOf(value: T): string;
  /** The value that ends the wait successfully (it is emitted). */
  isDone(value: T): boolean;
  /** The error a value ends the wait with, or `undefined`. */
  failureOf(value: T, id: string): Error | undefined;
  /** The status a {@link PollTimeoutError} reports for the last value seen. */
  lastStatusOf(value: T): { status: string; updatedDatetime?: string };
}

/**
 * The status run of one resource: distinct statuses, failing on a failure status, completing
 * after a done one. Not shared, no deadline: {@link sharedPoll$} adds both.
 *
 * @internal
 */
export function statusRun$<Raw, T>(policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike): Observable<T> {
  // The request is built for each poll (defer), not kept for the whole run; a failure status
  // ends the run at once (it is never a repeat of the previous status: that one went on).
  const values$ = defer(() => policy.poll$(id)).pipe(
    map((raw) => {
      const value = policy.toValue(raw, id);
      const failure = policy.failureOf(value, id);
      if (failure !== undefined) throw failure;
      return value;
    }),
  );
  return pollUntil(values$, (v) => policy.isDone(v), policy.options, scheduler).pipe(
    distinctUntilChanged((a, b) => policy.statusOf(a) === policy.statusOf(b)),
  );
}

/** What the shared entries are keyed on besides the id: the schedule and status names, never the deadline. */
const shareKeys = new WeakMap<ResolvedPollOptions, string>();

function shareKeyOf(options: ResolvedPollOptions): string {
  let key = shareKeys.get(options);
  if (key === undefined) {
    // `maxWaitMs` is each consumer's own; functions (random) cannot be compared.
    key = JSON.stringify(options, (k, v: unknown) => (k === 'maxWaitMs' || typeof v === 'function' ? undefined : v));
    shareKeys.set(options, key);
  }
  return key;
}

/** Per owner (a client), the shared runs in progress by resource and schedule, then by id. */
const registries = new WeakMap<object, Map<string, Map<string, Observable<unknown>>>>();

/**
 * The status stream of `id`, shared: every subscriber asking through the same `owner` (the
 * client) for the same resource, id and schedule uses one poller and one request per tick,
 * whatever its own deadline; a late subscriber gets the latest status at once; polling stops
 * when the last subscriber leaves or the run ends, and the next subscriber starts afresh.
 *
 * Each subscriber's deadline (`maxWaitMs`) counts from its own subscription and ends only its
 * own subscription, with {@link PollTimeoutError} naming the last status it saw.
 *
 * @internal
 */
export function sharedPoll$<Raw, T>(owner: object, policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike): Observable<T> {
  const shared$ = defer(() => entryOf(owner, policy, id, scheduler));
  const maxWaitMs = policy.options.maxWaitMs;
  return Number.isFinite(maxWaitMs) ? withDeadline(shared$, policy, id, maxWaitMs, scheduler) : shared$;
}

/** The registered shared run, created when none is. */
function entryOf<Raw, T>(owner: object, policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike): Observable<T> {
  let bySchedule = registries.get(owner);
  if (bySchedule === undefined) registries.set(owner, (bySchedule = new Map()));
  // One key string per schedule, not per id: thousands of trainings in flight share it.
  const scheduleKey = `${policy.resource}\u0000${shareKeyOf(policy.options)}`;
  let registry = bySchedule.get(scheduleKey);
  if (registry === undefined) bySchedule.set(scheduleKey, (registry = new Map()));
  const key = id;
  const found = registry.get(key) as Observable<T> | undefined;
  if (found !== undefined) return found;
  // Runs are counted so that a run ending while the next one starts (a subscriber that
  // resubscribes from the completion) does not unregister the next one.
  let runs = 0;
  const entry$ = defer(() => {
    const run = ++runs;
    return statusRun$(policy, id, scheduler).pipe(
      finalize(() => {
        if (runs === run && registry.get(key) === entry$) registry.delete(key);
      }),
    );
  }).pipe(share({ connector: () => new ReplaySubject<T>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }));
  registry.set(key, entry$);
  return entry$;
}

/**
 * `source` with a whole-run deadline from subscription (`timeout({ each })` would reset on
 * every value): after `maxWaitMs` this subscriber (only) gets {@link PollTimeoutError}.
 */
function withDeadline<Raw, T>(source: Observable<T>, policy: PollPolicy<Raw, T>, id: string, maxWaitMs: number, scheduler: SchedulerLike): Observable<T> {
  return new Observable<T>((subscriber) => {
    let last: T | undefined;
    const subscription = source.subscribe({
      next: (value) => {
        last = value;
        subscriber.next(value);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    // Added to the subscription: cleared when the run ends first, or when this subscriber leaves.
    subscription.add(
      scheduler.schedule(
        () => subscriber.error(new PollTimeoutError(id, maxWaitMs, last === undefined ? undefined : policy.lastStatusOf(last), policy.resource)),
        maxWaitMs,
      ),
    );
    return subscription;
  });
}
