/**
 * Train Status Check, polled until the training ends.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, SchedulerLike, Subscriber, Subscription, type SchedulerAction } from 'rxjs';
import { TrainingStatus } from '../codecs/trainingStatus';
import type { ExternalProcessId } from '../codecs/ids';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';
import { DecodeError, PollTimeoutError, TrainingFailedError } from '../core/errors';
import type { QueuedEvent, StatusEvent, TrainingEvent } from '../core/events';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { handleWith, isRef, type ExternalProcessRef, type Handler } from './handleOrPass';
import { PollLoop } from './pollEvery';
import { LeanSubscriber } from './leanSubscriber';

/**
 * The status logic, pure: polls `poll$` on the schedule, drops repeated statuses, fails on a
 * failure status, and races a whole-run deadline. Marble-tested with a cold `poll$`.
 *
 * @internal
 */
export function watchStatus(
  poll$: Observable<StatusEvent>,
  id: string,
  options: PollOptions,
  scheduler: SchedulerLike,
): Observable<StatusEvent> {
  return new StatusWatch<StatusEvent>(poll$, id, options, scheduler, false);
}

/**
 * One training's status run as an object: the poll, the id, the schedule. `raw` polls answer
 * the API's {@link TrainingStatus}, turned into a {@link StatusEvent} in the loop (one step
 * less than `map(toEvent)` per training in flight).
 */
class StatusWatch<In extends StatusEvent | TrainingStatus> extends Observable<StatusEvent> {
  constructor(
    readonly poll$: Observable<In>,
    readonly id: string,
    readonly options: PollOptions,
    readonly scheduler: SchedulerLike,
    readonly raw: boolean,
  ) {
    super(subscribeStatusWatch);
  }
}

function subscribeStatusWatch(this: Observable<StatusEvent>, subscriber: Subscriber<StatusEvent>): StatusRun<StatusEvent | TrainingStatus> {
  const watch = this as StatusWatch<StatusEvent | TrainingStatus>;
  const run = new StatusRun(subscriber, watch);
  run.start();
  // A whole-run deadline (timeout({ each }) would reset on every value).
  const maxWaitMs = watch.options.maxWaitMs ?? POLL_DEFAULTS.maxWaitMs;
  if (Number.isFinite(maxWaitMs) && !subscriber.closed) run.arm(maxWaitMs);
  return run;
}

/**
 * The state of one status run, in one object with the poll loop (see docs/PERFORMANCE.md):
 * drops repeated statuses, fails on a failure status, ends on a terminal one, owns the deadline.
 */
class StatusRun<In extends StatusEvent | TrainingStatus> extends PollLoop<In, StatusEvent> {
  private last: StatusEvent | undefined;
  private deadline: Subscription | undefined;

  constructor(
    subscriber: Subscriber<StatusEvent>,
    private readonly watch: StatusWatch<In>,
  ) {
    super(subscriber, watch.poll$, watch.options, watch.scheduler);
  }

  next(value: In): void {
    const { subscriber, watch, options } = this;
    let e: StatusEvent;
    try {
      e = watch.raw ? toEvent(watch.id as ExternalProcessId, value as TrainingStatus, options.terminalStatuses ?? POLL_DEFAULTS.terminalStatuses) : (value as StatusEvent);
    } catch (err) {
      subscriber.error(err);
      return;
    }
    const failed = (options.failureStatuses ?? POLL_DEFAULTS.failureStatuses).includes(e.status);
    const last = this.last;
    if (last === undefined || last.status !== e.status) {
      this.last = e;
      if (failed) {
        subscriber.error(new TrainingFailedError(watch.id, e.status));
        return;
      }
      subscriber.next(e);
    }
    if (e.terminal || failed) subscriber.complete();
  }

  arm(maxWaitMs: number): void {
    this.deadline = this.scheduler.schedule<StatusRun<In>>(expireRun, maxWaitMs, this);
  }

  expire(): void {
    const last = this.last;
    const maxWaitMs = this.options.maxWaitMs ?? POLL_DEFAULTS.maxWaitMs;
    this.subscriber.error(new PollTimeoutError(this.watch.id, maxWaitMs, last && { status: last.status, updatedDatetime: last.updatedDatetime }));
  }

  override unsubscribe(): void {
    this.deadline?.unsubscribe();
    this.deadline = undefined;
    super.unsubscribe();
  }
}

function expireRun<In extends StatusEvent | TrainingStatus>(this: SchedulerAction<StatusRun<In>>, run?: StatusRun<In>): void {
  run?.expire();
}

/**
 * The status stream of one training through the client.
 *
 * @internal
 */
export function trainingStatus$(client: PredictionOneClient, id: string, options: PollOptions = {}): Observable<StatusEvent> {
  // Layered only when the client has poll defaults: the defaults proper are read where used.
  const clientPoll = client.config.poll;
  const o = clientPoll === undefined ? options : { ...clientPoll, ...options };
  const poll$ = callApi$(
    client,
    { method: 'GET', path: '/v1/external/models/results', query: { external_process_id: id } },
    TrainingStatus,
  );
  return new StatusWatch<TrainingStatus>(poll$, id, o, client.scheduler, true);
}

function toEvent(id: ExternalProcessId, s: TrainingStatus, terminalStatuses: readonly string[]): StatusEvent {
  const terminal = terminalStatuses.includes(s.status);
  // Strict where we rely on a field: a finished training without a result URL is unusable.
  if (terminal && !s.result_url) {
    throw new DecodeError('TrainingStatus', [`result_url: expected string when status is '${s.status}', got undefined`], JSON.stringify(s));
  }
  return {
    type: 'status',
    externalProcessId: id,
    status: s.status,
    createdDatetime: s.created_datetime,
    updatedDatetime: s.updated_datetime,
    terminal,
    resultUrl: terminal ? s.result_url : undefined,
  };
}

/**
 * Shares one source among every subscriber: one subscription upstream, the latest value
 * replayed to late subscribers, and a fresh start once everyone left or the source ended.
 * What `share({ connector: () => new ReplaySubject(1), resetOnError, resetOnComplete,
 * resetOnRefCountZero })` does, with one object of fields per source instead of a subject and
 * its subscriptions (it is kept by every training in flight).
 *
 * @internal
 */
export function shareLatest<T>(onReset?: () => void): (source: Observable<T>) => Observable<T> {
  return (source) => new SharedLatest(source, onReset);
}

/**
 * The state of {@link shareLatest} as one object with prototype methods (closures would cost
 * a function and a context each, per training in flight).
 *
 * @internal
 */
class SharedLatest<T> extends Observable<T> {
  /** One subscriber (the usual case) or several: an array only when a second one joins. */
  private subscribers: Subscriber<T> | Subscriber<T>[] | undefined;
  private connection: Subscription | undefined;
  private generation = 0;
  private hasLatest = false;
  private latest: T | undefined;

  constructor(
    private readonly origin: Observable<T>,
    private readonly resetHook?: () => void,
  ) {
    super(subscribeShared);
  }

  /** Called whenever the shared run ends (last subscriber left, error or completion). */
  protected onReset(): void {
    this.resetHook?.();
  }

  join(subscriber: Subscriber<T>): ShareMember<T> {
    const subscribers = this.subscribers;
    if (subscribers === undefined) this.subscribers = subscriber;
    else if (Array.isArray(subscribers)) subscribers.push(subscriber);
    else this.subscribers = [subscribers, subscriber];
    if (this.hasLatest) subscriber.next(this.latest as T);
    if (this.connection === undefined) this.connect();
    return new ShareMember(this, subscriber, this.generation);
  }

  leave(subscriber: Subscriber<T>, joined: number): void {
    if (joined !== this.generation) return;
    const subscribers = this.subscribers;
    if (subscribers === subscriber) this.subscribers = undefined;
    else if (Array.isArray(subscribers)) {
      const i = subscribers.indexOf(subscriber);
      if (i >= 0) subscribers.splice(i, 1);
      if (subscribers.length === 0) this.subscribers = undefined;
    }
    if (this.subscribers === undefined && this.connection !== undefined) {
      const upstream = this.connection;
      this.reset();
      upstream.unsubscribe();
    }
  }

  emit(generation: number, value: T): void {
    if (generation !== this.generation) return;
    this.latest = value;
    this.hasLatest = true;
    const subscribers = this.subscribers;
    if (subscribers === undefined) return;
    if (!Array.isArray(subscribers)) subscribers.next(value);
    else for (const s of subscribers.slice()) s.next(value);
  }

  end(generation: number, failed: boolean, err: unknown): void {
    if (generation !== this.generation) return;
    const left = this.reset();
    for (const s of left === undefined ? [] : Array.isArray(left) ? left : [left]) {
      if (failed) s.error(err);
      else s.complete();
    }
  }

  private reset(): Subscriber<T> | Subscriber<T>[] | undefined {
    const left = this.subscribers;
    this.subscribers = undefined;
    this.connection = undefined;
    this.generation++;
    this.hasLatest = false;
    this.latest = undefined;
    this.onReset();
    return left;
  }

  private connect(): void {
    const current = ++this.generation;
    // Marks the connection as pending, so a subscriber joining synchronously does not connect twice.
    this.connection = Subscription.EMPTY;
    const upstream = this.origin.subscribe(new ShareConnection(this, current));
    if (current === this.generation) this.connection = upstream;
    else upstream.unsubscribe();
  }
}

function subscribeShared(this: Observable<unknown>, subscriber: Subscriber<unknown>): ShareMember<unknown> {
  return (this as SharedLatest<unknown>).join(subscriber);
}

/** One subscriber's place in a {@link SharedLatest}; unsubscribing leaves it. */
class ShareMember<T> {
  constructor(
    private readonly shared: SharedLatest<T>,
    private readonly subscriber: Subscriber<T>,
    private readonly joined: number,
  ) {}

  unsubscribe(): void {
    this.shared.leave(this.subscriber, this.joined);
  }
}

/** The one upstream subscriber of a {@link SharedLatest} run. */
class ShareConnection<T> extends LeanSubscriber<T> {
  constructor(
    private readonly shared: SharedLatest<T>,
    private readonly generation: number,
  ) {
    super();
  }

  protected override _next(value: T): void {
    this.shared.emit(this.generation, value);
  }

  protected override _error(err: unknown): void {
    this.unsubscribe();
    this.shared.end(this.generation, true, err);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.shared.end(this.generation, false, undefined);
  }
}

/** Per client: by training id, the shared status streams (more than one only if watched with different options). */
type Registry = Map<string, SharedStatus | SharedStatus[]>;
const registries = new WeakMap<PredictionOneClient, Registry>();
const optionsKeys = new WeakMap<PollOptions, string>();

function optionsKey(options: PollOptions): string {
  let key = optionsKeys.get(options);
  if (key === undefined) {
    // Functions (random) cannot be compared; two calls that differ only in them share a poller.
    key = JSON.stringify(options, (_, v: unknown) => (typeof v === 'function' ? undefined : v));
    optionsKeys.set(options, key);
  }
  return key;
}

/**
 * The registry entry of one training: its shared status stream, which drops itself from the
 * registry when its run ends. The options key is computed only when two option objects meet
 * on one id (the same object, the usual case, needs none).
 */
class SharedStatus extends SharedLatest<StatusEvent> {
  constructor(
    private readonly registry: Registry,
    private readonly id: string,
    readonly options: PollOptions,
    origin: Observable<StatusEvent>,
  ) {
    super(origin);
  }

  matches(options: PollOptions): boolean {
    return options === this.options || optionsKey(options) === optionsKey(this.options);
  }

  protected override onReset(): void {
    // A stale poller (kept by a caller and resubscribed) must not drop its successor.
    const { registry, id } = this;
    const found = registry.get(id);
    if (found === this) registry.delete(id);
    else if (Array.isArray(found)) {
      const i = found.indexOf(this);
      if (i >= 0) found.splice(i, 1);
      if (found.length === 1) registry.set(id, found[0]);
    }
  }
}

/**
 * The status stream of one training, shared: every subscriber to the same
 * `externalProcessId` (with the same options) through the same client uses one poller and
 * one request per tick; a late subscriber gets the latest status at once; polling stops when
 * the last subscriber leaves. {@link pollStatus$} uses it, so two components showing one
 * training cost one poller.
 *
 * **Errors**: as {@link pollStatus$}.
 *
 * **Cancellation**: the poller stops (aborting its request) when the last subscriber leaves.
 *
 * ## Example
 * ```ts
 * const a = sharedStatus$(client, id).subscribe((s) => header.show(s.status));
 * const b = sharedStatus$(client, id).subscribe((s) => sidebar.show(s.status)); // same poller
 * ```
 *
 * @param client - The client.
 * @param externalProcessId - The training to watch.
 * @param options - Poll schedule (defaults: the client's).
 * @returns Distinct statuses until a terminal one.
 */
export function sharedStatus$(client: PredictionOneClient, externalProcessId: string, options: PollOptions = {}): Observable<StatusEvent> {
  let registry = registries.get(client);
  if (!registry) registries.set(client, (registry = new Map()));
  const found = registry.get(externalProcessId);
  if (found !== undefined && !Array.isArray(found) && found.matches(options)) return found;
  if (Array.isArray(found)) for (const entry of found) if (entry.matches(options)) return entry;
  const created = new SharedStatus(registry, externalProcessId, options, trainingStatus$(client, externalProcessId, options));
  if (found === undefined) registry.set(externalProcessId, created);
  else if (Array.isArray(found)) found.push(created);
  else registry.set(externalProcessId, [found, created]);
  return created;
}

/**
 * Watches trainings: on a `queued` event (or a bare `{ externalProcessId }`) it polls Train
 * Status Check and emits a `status` event for each distinct status, with the server's
 * timestamps; it moves on after a terminal status (`finished`, whose event carries
 * `resultUrl`). Other events pass through.
 *
 * The default schedule polls at once, then after 1 s, doubling up to 30 s; unknown statuses
 * count as still running; a whole-run deadline (`maxWaitMs`, default 24 h) ends with
 * {@link PollTimeoutError}. Transient errors of a poll are retried by the client's retry policy.
 * Subscribers watching the same training through the same client share one poller
 * ({@link sharedStatus$}).
 *
 * **Errors**: {@link TrainingFailedError} (status `failed` or one of `failureStatuses`),
 * {@link PollTimeoutError}, {@link ApiError}, {@link AuthError}, {@link NetworkError},
 * {@link DecodeError} (including `finished` without `result_url`).
 *
 * **Cancellation**: unsubscribing aborts the request in flight and clears the timer. The
 * training itself goes on at the service (the API has no cancel endpoint).
 *
 * ## Example
 * ```ts
 * of({ externalProcessId }).pipe(pollStatus$(client, { maxDelayMs: 10_000 })).subscribe((e) => {
 *   if (e.type === 'status') console.log(e.status, e.updatedDatetime);
 * });
 * // waiting 2026-11-27T07:00:00Z
 * // running 2026-11-27T07:00:01Z
 * // finished 2026-11-27T07:00:03Z
 * ```
 *
 * @param client - The client.
 * @param options - The schedule and status names; defaults come from the client's `poll`.
 * @returns An operator from queued trainings to status events.
 */
export function pollStatus$(
  client: PredictionOneClient,
  options: PollOptions = {},
): OperatorFunction<TrainingEvent | ExternalProcessRef, TrainingEvent> {
  return handleWith(new StatusHandler(client, options));
}

/** What {@link pollStatus$} handles and how, as one object (it is kept per training in flight). */
class StatusHandler implements Handler<TrainingEvent | ExternalProcessRef, QueuedEvent | ExternalProcessRef, StatusEvent> {
  constructor(
    private readonly client: PredictionOneClient,
    private readonly options: PollOptions,
  ) {}

  handles(value: TrainingEvent | ExternalProcessRef): value is QueuedEvent | ExternalProcessRef {
    return isRef(value) || value.type === 'queued';
  }

  handle(input: QueuedEvent | ExternalProcessRef): Observable<StatusEvent> {
    return sharedStatus$(this.client, input.externalProcessId, this.options);
  }
}
