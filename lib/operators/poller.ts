/** The one status poller (trainings, retraining jobs, prediction APIs): one hand-written run per resource, shared by RxJS's `share` with a `ReplaySubject`, on the client's scheduler, applying the rules of lib/core/trainingRules.ts. */
import {
  Observable,
  ReplaySubject,
  defer,
  share,
  subscribeOn,
  takeUntil,
  throwError,
  type Observer,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
  type Unsubscribable,
} from 'rxjs';
import { PollTimeoutError, type PollResource } from '../core/errors';
import { resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import { isStatusChange, pollWaitMs, statusClassOf } from '../core/trainingRules';
import type { PollOptions } from '../core/config';

/**
 * Which run the poller uses: `'hand-written'` ({@link StatusRun}: one object and one scheduled
 * action per run) or `'plain'` (the same rules as plain RxJS composition, `defer` rounds
 * repeated by `repeat({ delay: () => timer(...) })`: the baseline bench:scale and the heap probe
 * measure beside it in the same run, docs/PERFORMANCE.md). Read when a run starts; only the
 * benches and the specs change it. The plain composition lives in `./pollerPlain`, which no
 * entry imports (the library does not ship its baseline): loading that module fills `plain`.
 *
 * @internal
 */
export const pollerRun: { mode: 'hand-written' | 'plain'; plain?: PlainBaseline } = { mode: 'hand-written' };

/** The plain composition of the poller's runs (`./pollerPlain`), set when that module is loaded. @internal */
export interface PlainBaseline {
  /** A watch's run as `defer` rounds repeated with a `timer` delay. */
  run$<Raw, T>(watch: StatusWatch<Raw, T>): Observable<T>;
  /** A shared entry's stream: `share` with the reset hooks unregistering the entry. */
  shared$<Raw, T>(entry: StatusWatch<Raw, T>): Observable<T>;
  /** `passOrHandle` as `concatMap`. */
  passOrHandle<In, H extends In, Out>(
    handles: (value: In) => value is H,
    handle: (value: H) => Observable<Out>,
  ): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>>;
}

/** The plain baseline, when `pollerRun.mode` is `'plain'`. @internal */
export function plainBaseline(): PlainBaseline {
  const plain = pollerRun.plain;
  if (plain === undefined) throw new Error("pollerRun.mode 'plain' needs lib/operators/pollerPlain loaded first (the benches' baseline)");
  return plain;
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
 * whether it is done, and its stream: the hand-written {@link StatusRun}, or (the bench's
 * baseline, {@link pollerRun}) plain RxJS: one round per request (`defer`), repeated with a
 * `timer` delay (`repeat`), on the client's scheduler, where a first delay is a first round that
 * sends nothing, so every wait, the first one included, is `repeat`'s.
 */
export class StatusWatch<Raw, T> {
  /** The latest value emitted (`undefined`: none yet). */
  latest: T | undefined;
  private requests = 0;
  private done = false;

  constructor(
    readonly policy: PollPolicy<Raw, T>,
    readonly id: string,
    readonly scheduler: SchedulerLike,
    readonly firstDelayMs: number,
  ) {}

  /** Requests on the schedule until done. */
  run$(): Observable<T> {
    if (pollerRun.mode === 'plain') return plainBaseline().run$(this);
    return new Observable<T>((subscriber) => new StatusRun(this, subscriber).start());
  }

  /** What an answer says: its value when news, else {@link NOT_NEWS}; throws its failure. */
  answer(raw: Raw): T | typeof NOT_NEWS {
    const { policy, id, latest } = this;
    const value = policy.toValue(raw, id);
    const failure = policy.failureOf(value, id);
    if (failure !== undefined) throw failure;
    if (policy.isDone(value)) this.done = true;
    if (!isStatusChange(latest === undefined ? undefined : policy.statusOf(latest), policy.statusOf(value))) return NOT_NEWS;
    this.latest = value;
    return value;
  }

  /** The run ended (done, failed, or its subscriber left): called before its subscriber hears of the end. */
  released(): void {
    // A watch of its own is not registered anywhere: a shared entry overrides this.
  }

  /** Whether the latest answer was final (done): the run completes. */
  get isDone(): boolean {
    return this.done;
  }

  /** Counts a request sent (each run sends its own). */
  countRequest(): void {
    this.requests++;
  }

  /** The wait before the next round: the first delay, then the rules' wait after each request; `undefined` (the run completes) once done. */
  nextWaitMs(): number | undefined {
    if (this.done) return undefined;
    return this.requests === 0 ? this.firstDelayMs : pollWaitMs(this.requests, this.policy.options);
  }
}

/** What {@link StatusWatch.answer} returns for an answer that repeats the last status. */
export const NOT_NEWS: unique symbol = Symbol('not news');

/**
 * One subscription's run, hand-written because bench:scale shows the plain composition misses
 * issue 21's CPU, memory and saturation targets (docs/PERFORMANCE.md, "One engine: the
 * in-memory poller"): it is the observer of its own requests and keeps ONE scheduled action,
 * rescheduled for every wait, so a waiting training holds this object, its action and the
 * platform timer, and nothing new is allocated per wait but the request. Built on the public
 * `Observable` constructor and `SchedulerAction.schedule` only; what an answer means, and each
 * wait, are {@link StatusWatch}'s (the rules of lib/core/trainingRules.ts).
 */
class StatusRun<Raw, T> implements Observer<Raw>, Unsubscribable {
  private inFlight: Subscription | undefined;
  private wait: Subscription | undefined;
  /** The scheduled action of the last wait, scheduled again for the next one (one per run, not one per wait). */
  private action: SchedulerAction<StatusRun<Raw, T>> | undefined;
  private ended = false;

  constructor(
    private readonly watch: StatusWatch<Raw, T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  /** Starts the run (the first delay's wait, or the first request); returns its teardown (the run itself). */
  start(): Unsubscribable {
    // Before the first request, the watch's wait is the first delay.
    const firstDelayMs = this.watch.nextWaitMs() ?? 0;
    if (firstDelayMs > 0) this.schedule(firstDelayMs);
    else this.poll();
    return this;
  }

  /** The teardown: the subscriber left. */
  unsubscribe(): void {
    this.end();
  }

  /** Sends one request; `action` is the wait's, kept for the next wait. */
  poll(action?: SchedulerAction<StatusRun<Raw, T>>): void {
    this.wait = undefined;
    if (action !== undefined) this.action = action;
    if (this.ended) return;
    this.watch.countRequest();
    let request: Subscription;
    try {
      request = this.watch.policy.poll$(this.watch.id).subscribe(this);
    } catch (err) {
      this.error(err);
      return;
    }
    // A request that answered synchronously has already moved on (its subscription is closed).
    if (!request.closed && !this.ended) this.inFlight = request;
  }

  next(raw: Raw): void {
    if (this.ended) return;
    let value: T | typeof NOT_NEWS;
    try {
      value = this.watch.answer(raw);
    } catch (err) {
      this.error(err);
      return;
    }
    if (value !== NOT_NEWS) this.subscriber.next(value);
    if (this.watch.isDone && !this.ended) {
      this.end();
      this.subscriber.complete();
    }
  }

  error(err: unknown): void {
    if (this.ended) return;
    this.end();
    this.subscriber.error(err);
  }

  /** The request ended: wait for the next one on the schedule (none once done). */
  complete(): void {
    this.inFlight = undefined;
    if (this.ended) return;
    const waitMs = this.watch.nextWaitMs();
    if (waitMs !== undefined) {
      this.schedule(waitMs);
    } else {
      this.end();
      this.subscriber.complete();
    }
  }

  /** Waits `waitMs`, then polls (through the last wait's action when there is one). */
  private schedule(waitMs: number): void {
    this.wait = this.action === undefined ? this.watch.scheduler.schedule<StatusRun<Raw, T>>(pollAgain, waitMs, this) : this.action.schedule(this, waitMs);
  }

  /** Stops the request in flight and the wait, and releases the watch (idempotent). */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const { inFlight, wait, action } = this;
    this.inFlight = this.wait = this.action = undefined;
    this.watch.released();
    inFlight?.unsubscribe();
    wait?.unsubscribe();
    action?.unsubscribe();
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

/** The subject a run is shared through: it replays the latest status to a late subscriber. */
function replayLatest<T>(): ReplaySubject<T> {
  return new ReplaySubject<T>(1);
}

/** The hand-written run's share: replay the latest status, reset at once on every end (the run unregisters its entry itself). */
const SHARE_RESET = { connector: replayLatest, resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true } as const;

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
 * `ReplaySubject(1)` connector). The entry is unregistered when the run ends or its last
 * subscriber leaves, before its subscribers hear of the end, so one that subscribes again from
 * the completion starts a new entry (and a new run): by the hand-written run as it ends (one
 * field, no closure per entry), by the share's reset hooks on the plain composition.
 */
class SharedEntry<Raw, T> extends StatusWatch<Raw, T> {
  readonly shared$: Observable<T>;

  constructor(
    private readonly registry: Map<string, unknown>,
    policy: PollPolicy<Raw, T>,
    id: string,
    scheduler: SchedulerLike,
    firstDelayMs: number,
  ) {
    super(policy, id, scheduler, firstDelayMs);
    this.shared$ = pollerRun.mode === 'plain' ? plainBaseline().shared$(this) : this.run$().pipe(share<T>(SHARE_RESET));
  }

  /** Unregisters this entry (if it is still the registered one). */
  override released(): void {
    if (this.registry.get(this.id) === this) this.registry.delete(this.id);
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
