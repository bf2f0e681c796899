/** Train Status Check, polled until the training ends, with one poller per training and client. */
/**
 * Train Status Check, polled until the training ends, with one poller per training and client.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction } from 'rxjs';
import type { ExternalProcessId } from '../codecs/ids';
import { TrainingStatus } from '../codecs/trainingStatus';
import type { PollOptions } from '../core/config';
import { DecodeError, TrainingFailedError } from '../core/errors';
import type { QueuedEvent, StatusEvent, TrainingEvent } from '../core/events';
import { resolveConsumerPoll, type ResolvedPollOptions } from '../core/pollOptions';
import type { PredictionOneClient } from '../transport/client';
import { isRef, passOrHandle, type ExternalProcessRef } from './passOrHandle';
import { StatusPolicy, sharedPoll$, type PollConsumer } from './poller';
import { trainingStatus$ } from './trainingStatusRequest';

/**
 * One Train Status Check answer as a status event (`resultUrl` only when terminal).
 *
 * @internal
 */
export function toStatusEvent(s: TrainingStatus, id: string, terminalStatuses: readonly string[]): StatusEvent {
  const terminal = terminalStatuses.includes(s.status);
  // Strict where we rely on a field: a finished training without a result URL is unusable.
  if (terminal && !s.result_url) {
    throw new DecodeError('TrainingStatus', [`result_url: expected string when status is '${s.status}', got undefined`], JSON.stringify(s));
  }
  return {
    type: 'status',
    externalProcessId: id as ExternalProcessId,
    status: s.status,
    createdDatetime: s.created_datetime,
    updatedDatetime: s.updated_datetime,
    terminal,
    resultUrl: terminal ? s.result_url : undefined,
  };
}

/** How the poller reads trainings: Train Status Check answers, turned into status events. */
class TrainingPolicy extends StatusPolicy<TrainingStatus, StatusEvent> {
  readonly resource = 'training';

  constructor(
    private readonly client: PredictionOneClient,
    options: ResolvedPollOptions,
  ) {
    super(options);
  }

  poll$(id: string): Observable<TrainingStatus> {
    return trainingStatus$(this.client, id);
  }

  toValue(s: TrainingStatus, id: string): StatusEvent {
    return toStatusEvent(s, id, this.options.terminalStatuses);
  }

  protected failed(id: string, e: StatusEvent): Error {
    return new TrainingFailedError(id, e.status);
  }
}

/** Per client, the policy of each resolved schedule (resolved options are interned by value). */
const policies = new WeakMap<PredictionOneClient, WeakMap<ResolvedPollOptions, TrainingPolicy>>();

/**
 * The policy for `options` over the client's poll defaults, and the caller's own first delay and
 * deadline: resolved once per call of an operator. Trainings with equal schedules share one
 * policy whatever their first delays and deadlines.
 */
function policyOf(client: PredictionOneClient, options: PollOptions | undefined): { policy: TrainingPolicy; consumer: PollConsumer } {
  const { schedule, firstDelayMs, maxWaitMs } = resolveConsumerPoll(client.poll, options);
  let byOptions = policies.get(client);
  if (byOptions === undefined) policies.set(client, (byOptions = new WeakMap()));
  let policy = byOptions.get(schedule);
  if (policy === undefined) byOptions.set(schedule, (policy = new TrainingPolicy(client, schedule)));
  return { policy, consumer: { firstDelayMs, maxWaitMs } };
}

/**
 * The status stream of one training, shared: every subscriber to the same
 * `externalProcessId` (with the same schedule) through the same client uses one poller and
 * one request per tick, whatever its own `maxWaitMs`; a late subscriber gets the latest status
 * at once; polling stops when the last subscriber leaves. {@link pollStatus$} uses it, so two
 * components showing one training cost one poller.
 *
 * Each subscriber's `maxWaitMs` counts from its own subscription and ends only that
 * subscription (with {@link PollTimeoutError}).
 *
 * **Errors**: as {@link pollStatus$}.
 *
 * **Cancellation**: the poller stops (aborting its request) when the last subscriber leaves.
 *
 * ## Example
 * ```ts
 * const a = sharedStatus$(client, id).subscribe((s) => header.show(s.status));
 * const b = sharedStatus$(client, id, { maxWaitMs: 60_000 }).subscribe((s) => sidebar.show(s.status)); // same poller
 * ```
 *
 * @param client - The client.
 * @param externalProcessId - The training to watch.
 * @param options - Poll schedule and this subscriber's deadline (defaults: the client's).
 * @returns Distinct statuses until a terminal one.
 */
export function sharedStatus$(client: PredictionOneClient, externalProcessId: string, options?: PollOptions): Observable<StatusEvent> {
  const { policy, consumer } = policyOf(client, options);
  return sharedPoll$(client.shares, policy, externalProcessId, client.scheduler, consumer);
}

/** What {@link pollStatus$} acts on: a `queued` event or a bare reference (one function for every call). */
function isQueuedOrRef(value: TrainingEvent | ExternalProcessRef): value is QueuedEvent | ExternalProcessRef {
  return isRef(value) || value.type === 'queued';
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
 * ({@link sharedStatus$}), whatever their deadlines.
 *
 * **Errors**: {@link TrainingFailedError} (status `failed` or one of `failureStatuses`),
 * {@link PollTimeoutError}, {@link ApiError}, {@link AuthError}, {@link NetworkError},
 * {@link DecodeError} (including `finished` without `result_url`), {@link ValidationError}
 * (thrown at once for options that make no sense, e.g. a negative delay).
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
export function pollStatus$(client: PredictionOneClient, options?: PollOptions): OperatorFunction<TrainingEvent | ExternalProcessRef, TrainingEvent> {
  const { policy, consumer } = policyOf(client, options);
  return passOrHandle(isQueuedOrRef, (input) => sharedPoll$(client.shares, policy, input.externalProcessId, client.scheduler, consumer));
}
