/** Retrain Status Check, polled until the retraining ends. */
/**
 * Retrain Status Check, polled until the retraining ends.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction } from 'rxjs';
import type { RetrainJobId } from '../codecs/ids';
import { RetrainJobStatus } from '../codecs/retrainJob';
import type { PollOptions } from '../core/config';
import { RetrainFailedError } from '../core/errors';
import { statusClassOf } from '../core/trainingRules';
import type { RetrainEvent, RetrainJobRef, RetrainStatusEvent, RetrainUploadedEvent } from '../core/retrainEvents';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { segment } from '../transport/url';
import { isBareRef, passOrHandle } from './passOrHandle';
import { StatusPolicy, sharedPoll$ } from './poller';

/** Statuses that end a retraining successfully unless the caller names others. */
const RETRAIN_TERMINAL = Object.freeze(['job_finished']);
/** Statuses that end a retraining with {@link RetrainFailedError} unless the caller names others. */
const RETRAIN_FAILURE = Object.freeze(['failed', 'error', 'job_failed']);

/** @internal */
export function isRetrainRef(value: unknown): value is RetrainJobRef {
  return isBareRef(value, 'retrainJobId');
}

/** How the poller reads retraining jobs: Retrain Status Check answers, turned into events. */
class RetrainPolicy extends StatusPolicy<RetrainJobStatus, RetrainStatusEvent> {
  readonly resource = 'retrainJob';

  constructor(
    private readonly client: PredictionOneClient,
    options: PollOptions | undefined,
  ) {
    super(StatusPolicy.optionsOver(client.poll, RETRAIN_TERMINAL, RETRAIN_FAILURE, options));
  }

  poll$(id: string): Observable<RetrainJobStatus> {
    return callApi$(
      this.client,
      { operation: 'retrainStatus', method: 'GET', keyType: 'retrain', path: `/v1/external/retrain_jobs/${segment(id)}` },
      RetrainJobStatus,
    );
  }

  toValue(s: RetrainJobStatus, id: string): RetrainStatusEvent {
    return {
      type: 'retrainStatus',
      retrainJobId: id as RetrainJobId,
      status: s.status,
      modelId: s.model_id,
      message: s.message ?? undefined,
      terminal: statusClassOf(s.status, this.options) === 'done',
      downloadUrl: s.download_url ?? undefined,
    };
  }

  protected failed(id: string, e: RetrainStatusEvent): Error {
    return new RetrainFailedError(id, e.status, e.message);
  }
}

/**
 * The status stream of one retraining job through the client (shared like a training's).
 *
 * @internal
 */
export function retrainJobStatus$(client: PredictionOneClient, id: string, options?: PollOptions): Observable<RetrainStatusEvent> {
  return sharedPoll$(client.shares, new RetrainPolicy(client, options), id, client.scheduler);
}

/**
 * Watches retraining jobs: on a `retrainUploaded` event (or a bare `{ retrainJobId }`) it polls
 * Retrain Status Check and emits a `retrainStatus` event per distinct status, until
 * `job_finished` (or a status named in `terminalStatuses`); other events pass through.
 *
 * The schedule is the client's `poll` (first poll at once, then `minDelayMs` doubling up to
 * `maxDelayMs`), but terminal and failure statuses are the retraining ones: `job_finished`,
 * and `failed` / `error` / `job_failed`. Unknown statuses count as still running; `maxWaitMs`
 * is a whole-run deadline. Transient poll errors are retried by the client's retry policy.
 *
 * **Errors**: {@link RetrainFailedError} (with the service's `message`), {@link index!PollTimeoutError} (`resource: 'retrainJob'`),
 * {@link index!ApiError} (`Not found retrain job.`, `This model may be deleted.`), {@link index!AuthError},
 * {@link index!NetworkError}, {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the poll in flight and clears the timer; the job goes
 * on at the service.
 *
 * ## Example
 * ```ts
 * of({ retrainJobId }).pipe(retrainStatus$(retrainClient, { maxWaitMs: 3_600_000 })).subscribe((e) => {
 *   if (e.type === 'retrainStatus') console.log(e.status);
 * });
 * // waiting
 * // running
 * // job_finished
 * ```
 *
 * @param client - A client holding the job's retrain API key.
 * @param options - Schedule and status names.
 * @returns An operator from uploaded jobs to status events.
 */
export function retrainStatus$(client: PredictionOneClient, options?: PollOptions): OperatorFunction<RetrainEvent | RetrainJobRef, RetrainEvent> {
  const policy = new RetrainPolicy(client, options);
  return passOrHandle(
    (value: RetrainEvent | RetrainJobRef): value is RetrainUploadedEvent | RetrainJobRef => isRetrainRef(value) || value.type === 'retrainUploaded',
    (input) => sharedPoll$(client.shares, policy, input.retrainJobId, client.scheduler),
  );
}
