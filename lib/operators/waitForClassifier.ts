/**
 * Wait until a prediction API runs.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, concatMap, map } from 'rxjs';
import { ClassifierListResponse, type Classifier } from '../codecs/classifier';
import type { ClassifierId } from '../codecs/ids';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';
import { ClassifierFailedError, WaitTimeoutError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { watchUntil } from './watchUntil';

const CLASSIFIER_TERMINAL = ['running'];
const CLASSIFIER_FAILURE = ['failed', 'terminating', 'terminated'];

/** A listed classifier, or a stand-in when it is no longer listed. */
function missing(id: string): Classifier {
  return { classifier_id: id as ClassifierId, status: 'missing' };
}

/**
 * The status stream of one classifier (polling List Classifiers: the API has no endpoint for
 * one classifier).
 *
 * @internal
 */
export function classifierStatus$(client: PredictionOneClient, id: string, options: PollOptions = {}): Observable<Classifier> {
  const o = { ...POLL_DEFAULTS, ...client.config.poll, terminalStatuses: CLASSIFIER_TERMINAL, failureStatuses: CLASSIFIER_FAILURE, ...options };
  const poll$ = callApi$(client, { method: 'GET', keyType: 'deploy', path: '/v1/external/classifiers' }, ClassifierListResponse).pipe(
    map((res) => res.classifiers.find((c) => c.classifier_id === id) ?? missing(id)),
  );
  return watchUntil(
    poll$,
    {
      statusOf: (c) => c.status,
      isDone: (c) => o.terminalStatuses.includes(c.status),
      failureOf: (c) => (c.status === 'missing' || o.failureStatuses.includes(c.status) ? new ClassifierFailedError(id, c.status) : undefined),
      onTimeout: (last, waitedMs) => new WaitTimeoutError('classifier', id, waitedMs, last?.status),
    },
    o,
    client.scheduler,
  );
}

/**
 * Waits for prediction APIs to run: for each `{ classifierId }` in (a {@link CreatedClassifier}
 * fits), polls List Classifiers and emits the classifier each time its status changes, ending
 * after `running` (whose value carries the inference `url`). Unknown statuses (`building`,
 * `updating`, …) keep the wait going; `maxWaitMs` is a whole-run deadline.
 *
 * **Errors**: {@link ClassifierFailedError} (status `failed`, `terminating`, `terminated`, one
 * of `failureStatuses`, or `missing` when the classifier is no longer listed),
 * {@link WaitTimeoutError}, {@link ApiError}, {@link AuthError}, {@link NetworkError},
 * {@link DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the poll in flight and clears the timer.
 *
 * ## Example
 * ```ts
 * of(created).pipe(waitForClassifier$(client, { maxWaitMs: 600_000 }), last())
 *   .subscribe((c) => console.log(c.url)); // https://…/inference/…
 * ```
 *
 * @param client - The client.
 * @param options - Schedule and status names (`terminalStatuses` default `['running']`).
 * @returns An operator from classifier refs to classifier snapshots.
 */
export function waitForClassifier$(
  client: PredictionOneClient,
  options: PollOptions = {},
): OperatorFunction<{ readonly classifierId: string }, Classifier> {
  return concatMap((ref) => classifierStatus$(client, ref.classifierId, options));
}
