/**
 * One training's status run: Train Status Check polled on the schedule until the training ends.
 *
 * @packageDocumentation
 */
import { Observable, type SchedulerLike } from 'rxjs';
import { TrainingStatus } from '../codecs/trainingStatus';
import type { ExternalProcessId } from '../codecs/ids';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';
import { DecodeError, PollTimeoutError, TrainingFailedError } from '../core/errors';
import type { StatusEvent } from '../core/events';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { PollLoop, type PollSpec } from './pollEvery';

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
  const spec: StatusSpec<StatusEvent> = { poll$, id, options, scheduler, raw: false };
  return new Observable<StatusEvent>((subscriber) => {
    const run = new StatusRun(subscriber, spec);
    run.start();
    // The run is the teardown: unsubscribing stops it.
    return run;
  });
}

/**
 * What a status run needs: the poll, the training's id, the schedule, the scheduler. `raw`
 * polls answer the API's {@link TrainingStatus}, turned into a {@link StatusEvent} in the loop
 * (one step less than `map(toEvent)` per training in flight).
 *
 * @internal
 */
export interface StatusSpec<In extends StatusEvent | TrainingStatus> extends PollSpec<In> {
  readonly id: string;
  readonly raw: boolean;
}

/**
 * The state of one status run, in one object with the poll loop (see docs/PERFORMANCE.md):
 * drops repeated statuses, fails on a failure status, ends on a terminal one, and keeps the
 * whole-run deadline on its own entry of the timer queue: the entry waits for whichever comes
 * first, the next poll or the deadline, and for the deadline while a poll is in flight.
 *
 * @internal
 */
export class StatusRun<In extends StatusEvent | TrainingStatus> extends PollLoop<In, StatusEvent, StatusSpec<In>> {
  private last: StatusEvent | undefined;
  /** When the run times out, on the scheduler's clock (`Infinity`: never). */
  private deadlineAt = Number.POSITIVE_INFINITY;

  /** The whole-run deadline (timeout({ each }) would reset on every value), then the first poll. */
  override start(): void {
    const maxWaitMs = this.options.maxWaitMs ?? POLL_DEFAULTS.maxWaitMs;
    if (Number.isFinite(maxWaitMs)) this.deadlineAt = this.spec.scheduler.now() + Math.max(0, maxWaitMs);
    super.start();
  }

  /** The next poll, or the deadline if it comes first. */
  protected override wake(delayMs: number): void {
    super.wake(Math.min(delayMs, this.untilDeadline()));
  }

  /** While a poll is in flight, the entry waits for the deadline (which cancels the poll). */
  protected override polling(): void {
    const left = this.untilDeadline();
    if (left !== Number.POSITIVE_INFINITY) super.wake(left);
  }

  override ring(): void {
    // While a poll is in flight only the deadline rings.
    if (this.busy || this.spec.scheduler.now() >= this.deadlineAt) this.expire();
    else super.ring();
  }

  next(value: In): void {
    const { spec, options } = this;
    let e: StatusEvent;
    try {
      e = spec.raw ? toEvent(spec.id as ExternalProcessId, value as TrainingStatus, options.terminalStatuses ?? POLL_DEFAULTS.terminalStatuses) : (value as StatusEvent);
    } catch (err) {
      this.fail(err);
      return;
    }
    const failed = (options.failureStatuses ?? POLL_DEFAULTS.failureStatuses).includes(e.status);
    const last = this.last;
    if (last === undefined || last.status !== e.status) {
      this.last = e;
      if (failed) {
        this.fail(new TrainingFailedError(spec.id, e.status));
        return;
      }
      this.emit(e);
    }
    if (e.terminal || failed) this.finish();
  }

  private untilDeadline(): number {
    const deadlineAt = this.deadlineAt;
    return deadlineAt === Number.POSITIVE_INFINITY ? deadlineAt : Math.max(0, deadlineAt - this.spec.scheduler.now());
  }

  private expire(): void {
    const last = this.last;
    const maxWaitMs = this.options.maxWaitMs ?? POLL_DEFAULTS.maxWaitMs;
    this.fail(new PollTimeoutError(this.spec.id, maxWaitMs, last && { status: last.status, updatedDatetime: last.updatedDatetime }));
  }
}

/**
 * One Train Status Check of `id` (with the client's retries), as the poll of a status run.
 *
 * @internal
 */
export function statusPoll$(client: PredictionOneClient, id: string): Observable<TrainingStatus> {
  return callApi$(client, { method: 'GET', path: '/v1/external/models/results', query: { external_process_id: id } }, TrainingStatus);
}

/**
 * The schedule of a run: `options` over the client's poll defaults, layered only when the client
 * has some (the defaults proper are read where used).
 *
 * @internal
 */
export function runOptions(client: PredictionOneClient, options: PollOptions): PollOptions {
  const clientPoll = client.config.poll;
  return clientPoll === undefined ? options : { ...clientPoll, ...options };
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
