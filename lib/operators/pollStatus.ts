/**
 * Train Status Check, polled until the training ends, with one poller per training and client.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, type SchedulerLike } from 'rxjs';
import type { PollOptions } from '../core/config';
import type { QueuedEvent, StatusEvent, TrainingEvent } from '../core/events';
import type { PredictionOneClient } from '../transport/client';
import { handleWith, isRef, type ExternalProcessRef, type Handler } from './handleOrPass';
import { SharedLatest } from './shareLatest';
import type { TrainingStatus } from '../codecs/trainingStatus';
import { runOptions, statusPoll$, StatusRun, type StatusSpec } from './watchStatus';
import type { PollSink } from './pollEvery';

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
 *
 * It is also its run's spec (the request is built for each poll, not kept) and its run's sink
 * (a run stops itself before it ends, and is stopped when the last subscriber leaves, so a
 * stale run never reaches the next one): a training in flight keeps this object and its
 * {@link StatusRun}, nothing else of ours but its subscribers.
 */
class SharedStatus extends SharedLatest<StatusEvent> implements StatusSpec<TrainingStatus>, PollSink<StatusEvent> {
  /** The schedule of the run (`requested` over the client's poll defaults). */
  readonly options: PollOptions;

  constructor(
    private readonly client: PredictionOneClient,
    readonly id: string,
    /** The options the entry was asked for, to match later callers against. */
    private readonly requested: PollOptions,
  ) {
    super();
    this.options = runOptions(client, requested);
  }

  /** One Train Status Check, built for each poll. */
  get poll$(): Observable<TrainingStatus> {
    return statusPoll$(this.client, this.id);
  }

  get scheduler(): SchedulerLike {
    return this.client.scheduler;
  }

  /** Polls answer the API's status, turned into events in the run. */
  get raw(): boolean {
    return true;
  }

  /** As a sink: closed when no run is on. */
  get closed(): boolean {
    return !this.running;
  }

  matches(options: PollOptions): boolean {
    return options === this.requested || optionsKey(options) === optionsKey(this.requested);
  }

  /** @internal A status of the run. */
  next(event: StatusEvent): void {
    this.emit(event);
  }

  /** @internal The run failed. */
  error(err: unknown): void {
    this.end(true, err);
  }

  /** @internal The run ended with a terminal status. */
  complete(): void {
    this.end(false, undefined);
  }

  /**
   * @internal Where a new subscriber goes. A run on: here. None: the entry registered for this
   * training and these options, which is this one unless its run ended and the registry let it
   * go; a caller who kept the Observable and subscribes again then joins (or creates) the
   * registered entry, so one training still has one poller.
   */
  override target(): SharedLatest<StatusEvent> {
    return this.running ? this : (sharedStatus$(this.client, this.id, this.requested) as SharedStatus);
  }

  /** A run is a {@link StatusRun} with this entry as spec and sink: no Observable, no subscriber. */
  protected open(): StatusRun<TrainingStatus> {
    return new StatusRun<TrainingStatus>(this, this);
  }

  protected override onReset(): void {
    // Only this entry leaves the registry: entries for other options of the training stay.
    const { id } = this;
    const registry = registries.get(this.client);
    const found = registry?.get(id);
    if (registry === undefined || found === undefined) return;
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
 * training cost one poller. An Observable kept after its run stopped and subscribed again
 * joins the poller running for that training then (or starts the one later callers share).
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
  const created = new SharedStatus(client, externalProcessId, options);
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
