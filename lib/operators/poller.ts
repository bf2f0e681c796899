/** The one status poller (trainings, retraining jobs, prediction APIs): RxJS (`share` with a `ReplaySubject`, repeatOnSchedule for the waits) on the client's scheduler, applying the rules of lib/core/trainingRules.ts. */
import { EMPTY, Observable, ReplaySubject, defer, filter, map, repeat, share, subscribeOn, takeUntil, throwError, timer, type SchedulerLike } from 'rxjs';
import { PollTimeoutError, type PollResource } from '../core/errors';
import { resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import { isStatusChange, pollWaitMs, statusClassOf } from '../core/trainingRules';
import type { PollOptions } from '../core/config';
import { repeatOnSchedule } from './repeatOnSchedule';

/**
 * How the poller repeats its rounds: `'scheduled'` ({@link repeatOnSchedule}, one scheduler action
 * per run) or `'plain'` (RxJS's `repeat({ delay: () => timer(...) })`, the baseline bench:scale
 * measures beside it in the same run). Read when a run starts; only the benches change it.
 *
 * @internal
 */
export const pollerRepeat: { mode: 'scheduled' | 'plain' } = { mode: 'scheduled' };

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
    return statusClassOf(value.status, this.options) === 'done';
  }

  failureOf(value: T, id: string): Error | undefined {
    return statusClassOf(value.status, this.options) === 'failed' ? this.failed(id, value) : undefined;
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
 * @internal
 */
export function statusRun$<Raw, T>(
  policy: PollPolicy<Raw, T>,
  id: string,
  scheduler: SchedulerLike,
  firstDelayMs: number = policy.options.firstDelayMs,
): Observable<T> {
  return defer(() => new StatusWatch(policy, id, scheduler, firstDelayMs).run$());
}

/**
 * What one run knows between its requests: how many it sent, the latest value it emitted and
 * whether it is done. Its stream is RxJS: one round per request (`defer`), repeated after each
 * wait by {@link repeatOnSchedule} (one scheduler action per run, rescheduled for every wait) on the
 * client's scheduler. A first delay is a first round that sends nothing, so every wait, the first
 * one included, is the repeat's.
 */
class StatusWatch<Raw, T> {
  /** The latest value emitted (`undefined`: none yet). */
  latest: T | undefined;
  private requests = 0;
  private done = false;
  private firstDelayPending: boolean;

  constructor(
    readonly policy: PollPolicy<Raw, T>,
    readonly id: string,
    readonly scheduler: SchedulerLike,
    private readonly firstDelayMs: number,
  ) {
    this.firstDelayPending = firstDelayMs > 0;
  }

  /** Requests on the schedule until done. */
  run$(): Observable<T> {
    const rounds$ = defer(() => this.round$());
    if (pollerRepeat.mode === 'plain') return rounds$.pipe(repeat({ delay: () => this.wait$() }));
    return rounds$.pipe(repeatOnSchedule(() => this.nextWaitMs(), this.scheduler));
  }

  /** One round: nothing when it is the first delay's, else one request. */
  private round$(): Observable<T> {
    if (this.firstDelayPending) {
      this.firstDelayPending = false;
      return EMPTY;
    }
    this.requests++;
    return this.poll$();
  }

  /** One request: its value when its status is news; a failure status is the stream's error. */
  private poll$(): Observable<T> {
    return this.policy.poll$(this.id).pipe(
      map((raw) => this.answer(raw)),
      filter((value): value is T => value !== NOT_NEWS),
    );
  }

  /** What an answer says: its value when news, else {@link NOT_NEWS}; throws its failure. */
  private answer(raw: Raw): T | typeof NOT_NEWS {
    const { policy, id, latest } = this;
    const value = policy.toValue(raw, id);
    const failure = policy.failureOf(value, id);
    if (failure !== undefined) throw failure;
    if (policy.isDone(value)) this.done = true;
    if (!isStatusChange(latest === undefined ? undefined : policy.statusOf(latest), policy.statusOf(value))) return NOT_NEWS;
    this.latest = value;
    return value;
  }

  /** The wait before the next round: the first delay, then the rules' wait after each request; `undefined` (the run completes) once done. */
  private nextWaitMs(): number | undefined {
    if (this.done) return undefined;
    return this.requests === 0 ? this.firstDelayMs : pollWaitMs(this.requests, this.policy.options);
  }

  /** {@link nextWaitMs} as a `timer`, for the plain baseline. */
  private wait$(): Observable<unknown> {
    const waitMs = this.nextWaitMs();
    return waitMs === undefined ? EMPTY : timer(waitMs, this.scheduler);
  }
}

/** What {@link StatusWatch.answer} returns for an answer that repeats the last status. */
const NOT_NEWS: unique symbol = Symbol('not news');

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

/** The subject a run is shared through: it replays the latest status to a late subscriber. */
function replayLatest<T>(): ReplaySubject<T> {
  return new ReplaySubject<T>(1);
}

/** What a share's reset hook returns to reset at once (an `ObservableInput` that emits synchronously). */
const RESET_NOW: readonly unknown[] = [true];

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
  return Number.isFinite(maxWaitMs)
    ? defer(() => entryOf(owner, policy, id, scheduler, firstDelayMs).withDeadline$(maxWaitMs))
    : defer(() => entryOf(owner, policy, id, scheduler, firstDelayMs).shared$);
}

/** The registered shared run, created when none is (with the first delay of the consumer creating it). */
function entryOf<Raw, T>(owner: object, policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike, firstDelayMs: number): SharedEntry<Raw, T> {
  let bySchedule = registries.get(owner);
  if (bySchedule === undefined) registries.set(owner, (bySchedule = new Map()));
  // One key string per schedule, not per id: thousands of trainings in flight share it.
  const scheduleKey = `${policy.resource}\u0000${shareKeyOf(policy.options)}`;
  let registry = bySchedule.get(scheduleKey);
  if (registry === undefined) bySchedule.set(scheduleKey, (registry = new Map()));
  const found = registry.get(id) as SharedEntry<Raw, T> | undefined;
  if (found !== undefined) return found;
  const entry = new SharedEntry(registry, policy, id, scheduler, firstDelayMs);
  registry.set(id, entry);
  return entry;
}

/**
 * One registered shared run: its watch and its stream, shared by RxJS's `share` (a
 * `ReplaySubject(1)` connector). The share's reset hooks unregister the entry when the run
 * ends or its last subscriber leaves, before its subscribers hear of the end, so one that
 * subscribes again from the completion starts a new entry (and a new run).
 */
class SharedEntry<Raw, T> extends StatusWatch<Raw, T> {
  readonly shared$: Observable<T>;

  constructor(registry: Map<string, unknown>, policy: PollPolicy<Raw, T>, id: string, scheduler: SchedulerLike, firstDelayMs: number) {
    super(policy, id, scheduler, firstDelayMs);
    const ended = (): readonly unknown[] => {
      if (registry.get(id) === this) registry.delete(id);
      return RESET_NOW;
    };
    this.shared$ = this.run$().pipe(share<T>({ connector: replayLatest, resetOnError: ended, resetOnComplete: ended, resetOnRefCountZero: ended }));
  }

  /** The shared stream with a subscriber's own deadline: after `maxWaitMs` from subscription, {@link PollTimeoutError} naming the latest status. */
  withDeadline$(maxWaitMs: number): Observable<T> {
    const expired$ = throwError(() => this.timeoutError(maxWaitMs)).pipe(subscribeOn(this.scheduler, maxWaitMs));
    return this.shared$.pipe(takeUntil(expired$));
  }

  /** The error of a deadline that passed: it names the latest status (the last one its subscriber saw). */
  private timeoutError(maxWaitMs: number): PollTimeoutError {
    const { latest, policy } = this;
    return new PollTimeoutError(this.id, maxWaitMs, latest === undefined ? undefined : policy.lastStatusOf(latest), policy.resource);
  }
}
