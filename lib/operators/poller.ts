/**
 * The one poller: trainings, retraining jobs and prediction APIs are all watched by it. One
 * run per resource ({@link statusRun$}: the public `Observable` constructor and
 * `SchedulerLike.schedule`), shared by RxJS's `share` with a `ReplaySubject(1)`; every timer
 * runs on the client's `SchedulerLike`, so the TestScheduler drives the same code production runs.
 *
 * @packageDocumentation
 */
import {
  Observable,
  ReplaySubject,
  defer,
  share,
  type Observer,
  type SchedulerAction,
  type ShareConfig,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
  type Unsubscribable,
} from 'rxjs';
import { PollTimeoutError, type PollResource } from '../core/errors';
import { pollDelayMs, resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import type { PollOptions } from '../core/config';

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
 * The part of a {@link PollPolicy} every resource shares: values carry a `status`, terminal and
 * failure statuses come from the resolved options, and a failure is the resource's own
 * `StatusFailedError`. A resource adds how it asks (`poll$`), what an answer stands for
 * (`toValue`) and its failure error (`failed`).
 *
 * @internal
 */
export abstract class StatusPolicy<Raw, T extends { readonly status: string; readonly updatedDatetime?: string }> implements PollPolicy<Raw, T> {
  abstract readonly resource: PollResource;

  constructor(readonly options: ResolvedPollOptions) {}

  /**
   * The options of a resource whose status names are not the training's: `base` (the client's
   * schedule), then the resource's own terminal and failure statuses, then the caller's options.
   */
  static optionsOver(
    base: ResolvedPollOptions,
    terminalStatuses: readonly string[],
    failureStatuses: readonly string[],
    options: PollOptions | undefined,
  ): ResolvedPollOptions {
    return resolvePollOptions(resolvePollOptions(base, { terminalStatuses, failureStatuses }), options);
  }

  abstract poll$(id: string): Observable<Raw>;
  abstract toValue(raw: Raw, id: string): T;
  /** The error of `value`, a failure status of `id`. */
  protected abstract failed(id: string, value: T): Error;

  statusOf(value: T): string {
    return value.status;
  }

  isDone(value: T): boolean {
    return this.options.terminalStatuses.includes(value.status);
  }

  failureOf(value: T, id: string): Error | undefined {
    return this.options.failureStatuses.includes(value.status) ? this.failed(id, value) : undefined;
  }

  lastStatusOf(value: T): { status: string; updatedDatetime?: string } {
    return { status: value.status, updatedDatetime: value.updatedDatetime };
  }
}

/**
 * The status run of one resource: after `firstDelayMs`, one request (`policy.poll$(id)`), then
 * a wait on the schedule counted from the end of that request, and again, until a value is
 * done (emitted, then the stream completes) or fails (the stream errors, no more polls).
 * Only distinct statuses are emitted. Errors of a request end the run (retries belong inside
 * `poll$`). Unsubscribing cancels the request in flight and the wait. Not shared, no deadline:
 * {@link sharedPoll$} adds both.
 *
 * **Why not plain RxJS operators.** This run was `timer(firstDelay)` + `concatMap` +
 * `defer(poll$)` + `map` + `repeat({ delay: timer })` + `takeWhile` + `distinctUntilChanged` +
 * `finalize`. Measured by `bench:scale` on a quiet machine (2026-11-29), 10,000 trainings
 * waiting at 5 s held 24.0 KiB RSS and 10.0 KiB of heap each and cost 1.80x the bare loop's CPU
 * per poll, against the targets of 10 KiB and 1.6x: each waiting training kept eight
 * operator subscribers, their closures and `Subscription` arrays. This run is one object and
 * one scheduled action per training, built on the public `Observable` constructor and
 * `SchedulerLike.schedule` only (no subclass, nothing from `rxjs/internal`); sharing, replay and
 * deadlines stay RxJS's (`share` with a `ReplaySubject`). The figures before and after are in
 * docs/PERFORMANCE.md.
 *
 * @internal
 */
export function statusRun$<Raw, T>(
  policy: PollPolicy<Raw, T>,
  id: string,
  scheduler: SchedulerLike,
  firstDelayMs: number = policy.options.firstDelayMs,
): Observable<T> {
  const source: RunSource<Raw, T> = { policy, id, scheduler, firstDelayMs };
  return new Observable<T>((subscriber) => new StatusRun(source, subscriber).start());
}

/** What a run polls and how: shared by every run of one shared entry. */
interface RunSource<Raw, T> {
  readonly policy: PollPolicy<Raw, T>;
  readonly id: string;
  readonly scheduler: SchedulerLike;
  readonly firstDelayMs: number;
  /** Told once when a run ends (completes, fails or loses its subscriber), before its subscriber hears of it. */
  ended?(): void;
}

/** What {@link statusRun$} keeps for one subscription: the whole state of a waiting run (and its teardown). */
class StatusRun<Raw, T> implements Observer<Raw>, Unsubscribable {
  /** Requests started so far. */
  private polls = 0;
  /** The status last emitted (`undefined`: none yet). */
  private lastStatus: string | undefined;
  private inFlight: Subscription | undefined;
  private wait: Subscription | undefined;
  /** The scheduled action of the last wait, scheduled again for the next one (one per run, not one per wait). */
  private action: SchedulerAction<StatusRun<Raw, T>> | undefined;
  private ended = false;

  constructor(
    private readonly source: RunSource<Raw, T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  /** Starts the run; returns its teardown (the run itself). */
  start(): Unsubscribable {
    const { firstDelayMs } = this.source;
    if (firstDelayMs > 0) this.schedule(firstDelayMs);
    else this.poll();
    return this;
  }

  /** The teardown: the subscriber left. */
  unsubscribe(): void {
    this.end();
  }

  /** Waits `delayMs`, then polls (through the last wait's action when there is one). */
  private schedule(delayMs: number): void {
    this.wait = this.action === undefined ? this.source.scheduler.schedule<StatusRun<Raw, T>>(pollAgain, delayMs, this) : this.action.schedule(this, delayMs);
  }

  /** Sends one request; `action` is the wait's, kept for the next wait. */
  poll(action?: SchedulerAction<StatusRun<Raw, T>>): void {
    this.wait = undefined;
    if (action !== undefined) this.action = action;
    if (this.ended) return;
    this.polls++;
    let request: Subscription;
    try {
      request = this.source.policy.poll$(this.source.id).subscribe(this);
    } catch (err) {
      this.error(err);
      return;
    }
    // A request that answered synchronously has already moved on (its subscription is closed).
    if (!request.closed && !this.ended) this.inFlight = request;
  }

  next(raw: Raw): void {
    if (this.ended) return;
    const { subscriber } = this;
    const { policy, id } = this.source;
    let value: T;
    try {
      value = policy.toValue(raw, id);
      const failure = policy.failureOf(value, id);
      if (failure !== undefined) throw failure;
    } catch (err) {
      this.error(err);
      return;
    }
    const status = policy.statusOf(value);
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      subscriber.next(value);
    }
    if (policy.isDone(value) && !this.ended) {
      this.end();
      subscriber.complete();
    }
  }

  error(err: unknown): void {
    if (this.ended) return;
    this.end();
    this.subscriber.error(err);
  }

  /** The request ended: wait for the next one on the schedule. */
  complete(): void {
    this.inFlight = undefined;
    if (this.ended) return;
    this.schedule(pollDelayMs(this.polls - 1, this.source.policy.options));
  }

  /** Stops the request in flight and the wait (idempotent); tells the owner once. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const { inFlight, wait, action } = this;
    this.inFlight = this.wait = this.action = undefined;
    inFlight?.unsubscribe();
    wait?.unsubscribe();
    action?.unsubscribe();
    this.source.ended?.();
  }
}

/** The scheduled callback of a wait: a plain function with the run as state, no closure per wait. */
function pollAgain<Raw, T>(this: SchedulerAction<StatusRun<Raw, T>>, run?: StatusRun<Raw, T>): void {
  run?.poll(this);
}

/** What the shared entries are keyed on besides the id: the schedule and status names, never a consumer's first delay or deadline. */
const shareKeys = new WeakMap<ResolvedPollOptions, string>();

function shareKeyOf(options: ResolvedPollOptions): string {
  let key = shareKeys.get(options);
  if (key === undefined) {
    // `firstDelayMs` and `maxWaitMs` are each consumer's own; functions (random) cannot be compared.
    key = JSON.stringify(options, (k, v: unknown) => (k === 'maxWaitMs' || k === 'firstDelayMs' || typeof v === 'function' ? undefined : v));
    shareKeys.set(options, key);
  }
  return key;
}

/** How a run is shared: replaying its latest status, reset when it ends or its last subscriber leaves (one object for every run). */
const SHARE_LATEST: ShareConfig<unknown> = {
  connector: () => new ReplaySubject<unknown>(1),
  resetOnError: true,
  resetOnComplete: true,
  resetOnRefCountZero: true,
};

/** Per owner (a client), the shared runs in progress by resource and schedule, then by id. */
const registries = new WeakMap<object, Map<string, Map<string, unknown>>>();

/**
 * What one consumer of a shared run brings of its own: when the run it starts makes its first
 * request, and its deadline. Defaults: the policy's `firstDelayMs` and `maxWaitMs`.
 *
 * @internal
 */
export interface PollConsumer {
  /** Wait before the first request of a run this consumer starts (a run in progress is joined as it is). */
  readonly firstDelayMs?: number;
  /** This consumer's whole-run deadline, from its subscription. */
  readonly maxWaitMs?: number;
}

/**
 * The status stream of `id`, shared: every subscriber asking through the same `owner` (the
 * client) for the same resource, id and schedule uses one poller and one request per tick,
 * whatever its own deadline and first delay; a late subscriber gets the latest status at once;
 * polling stops when the last subscriber leaves or the run ends, and the next subscriber starts
 * afresh.
 *
 * Each subscriber's deadline (`maxWaitMs`) counts from its own subscription and ends only its
 * own subscription, with {@link PollTimeoutError} naming the last status it saw. A subscriber's
 * `firstDelayMs` applies to a run it starts; joining a run in progress, it waits for that run's
 * next request.
 *
 * @internal
 */
export function sharedPoll$<Raw, T>(owner: object, policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike, consumer?: PollConsumer): Observable<T> {
  const firstDelayMs = consumer?.firstDelayMs ?? policy.options.firstDelayMs;
  const maxWaitMs = consumer?.maxWaitMs ?? policy.options.maxWaitMs;
  const shared$ = defer(() => entryOf(owner, policy, id, scheduler, firstDelayMs));
  return Number.isFinite(maxWaitMs) ? withDeadline(shared$, policy, id, maxWaitMs, scheduler) : shared$;
}

/** The registered shared run, created when none is (with the first delay of the consumer creating it). */
function entryOf<Raw, T>(owner: object, policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike, firstDelayMs: number): Observable<T> {
  let bySchedule = registries.get(owner);
  if (bySchedule === undefined) registries.set(owner, (bySchedule = new Map()));
  // One key string per schedule, not per id: thousands of trainings in flight share it.
  const scheduleKey = `${policy.resource}\u0000${shareKeyOf(policy.options)}`;
  let registry = bySchedule.get(scheduleKey);
  if (registry === undefined) bySchedule.set(scheduleKey, (registry = new Map()));
  const found = registry.get(id) as SharedEntry<Raw, T> | undefined;
  if (found !== undefined) return found.run$;
  const entry = new SharedEntry(registry, policy, id, scheduler, firstDelayMs);
  registry.set(id, entry);
  return entry.run$;
}

/**
 * One registered shared run: its source and its shared stream. A run unregisters its entry when
 * it ends, before its subscribers hear of the end, so one that subscribes again from the
 * completion starts a new entry (and a new run).
 */
class SharedEntry<Raw, T> implements RunSource<Raw, T> {
  readonly run$: Observable<T>;

  constructor(
    private readonly registry: Map<string, unknown>,
    readonly policy: PollPolicy<Raw, T>,
    readonly id: string,
    readonly scheduler: SchedulerLike,
    readonly firstDelayMs: number,
  ) {
    this.run$ = new Observable<T>((subscriber) => new StatusRun(this, subscriber).start()).pipe(share(SHARE_LATEST as ShareConfig<T>));
  }

  ended(): void {
    if (this.registry.get(this.id) === this) this.registry.delete(this.id);
  }
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
