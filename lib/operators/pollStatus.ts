/**
 * Train Status Check, polled until the training ends.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, ReplaySubject, SchedulerLike, defer, distinctUntilChanged, finalize, map, share, tap } from 'rxjs';
import { TrainingStatus } from '../codecs/trainingStatus';
import type { ExternalProcessId } from '../codecs/ids';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';
import { DecodeError, PollTimeoutError, TrainingFailedError } from '../core/errors';
import type { QueuedEvent, StatusEvent, TrainingEvent } from '../core/events';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { handleOrPass, isRef, type ExternalProcessRef } from './handleOrPass';
import { pollEvery, withDeadline } from './pollEvery';

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
  const o = { ...POLL_DEFAULTS, ...options };
  return defer(() => {
    let last: StatusEvent | undefined;
    const statuses$ = pollEvery(poll$, (e) => e.terminal || o.failureStatuses.includes(e.status), o, scheduler).pipe(
      distinctUntilChanged((a, b) => a.status === b.status),
      tap((e) => {
        last = e;
        if (o.failureStatuses.includes(e.status)) throw new TrainingFailedError(id, e.status);
      }),
    );
    return withDeadline(
      statuses$,
      o.maxWaitMs,
      () => new PollTimeoutError(id, o.maxWaitMs, last && { status: last.status, updatedDatetime: last.updatedDatetime }),
      scheduler,
    );
  });
}

/**
 * The status stream of one training through the client.
 *
 * @internal
 */
export function trainingStatus$(client: PredictionOneClient, id: string, options: PollOptions = {}): Observable<StatusEvent> {
  const o = { ...POLL_DEFAULTS, ...client.config.poll, ...options };
  const poll$ = callApi$(
    client,
    { method: 'GET', path: '/v1/external/models/results', query: { external_process_id: id } },
    TrainingStatus,
  ).pipe(map((s) => toEvent(id as ExternalProcessId, s, o.terminalStatuses)));
  return watchStatus(poll$, id, o, client.scheduler);
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
 *
 * @internal
 */
export function shareLatest<T>(): (source: Observable<T>) => Observable<T> {
  return share<T>({
    connector: () => new ReplaySubject<T>(1),
    resetOnError: true,
    resetOnComplete: true,
    resetOnRefCountZero: true,
  });
}

const registries = new WeakMap<PredictionOneClient, Map<string, Observable<StatusEvent>>>();

function optionsKey(options: PollOptions): string {
  // Functions (random) cannot be compared; two calls that differ only in them share a poller.
  return JSON.stringify(options, (_, v: unknown) => (typeof v === 'function' ? undefined : v));
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
  const key = `${externalProcessId}\n${optionsKey(options)}`;
  let shared = registry.get(key);
  if (!shared) {
    const entries = registry;
    shared = trainingStatus$(client, externalProcessId, options).pipe(
      finalize(() => entries.delete(key)),
      shareLatest(),
    );
    registry.set(key, shared);
  }
  return shared;
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
  return handleOrPass(
    (value): value is QueuedEvent | ExternalProcessRef => isRef(value) || value.type === 'queued',
    (input) => sharedStatus$(client, input.externalProcessId, options),
  );
}
