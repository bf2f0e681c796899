/** Wait until a prediction API runs. */
/**
 * Wait until a prediction API runs.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, concatMap } from 'rxjs';
import { ClassifierListResponse, type Classifier } from '../codecs/classifier';
import type { ClassifierId } from '../codecs/ids';
import type { PollOptions } from '../core/config';
import { ClassifierFailedError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { StatusPolicy, sharedPoll$ } from './poller';

const CLASSIFIER_TERMINAL = Object.freeze(['running']);
const CLASSIFIER_FAILURE = Object.freeze(['failed', 'terminating', 'terminated']);

/**
 * How the poller reads prediction APIs: List Classifiers (the API has no endpoint for one
 * classifier), the one asked for picked out, or a `missing` stand-in when it is not listed.
 */
class ClassifierPolicy extends StatusPolicy<ClassifierListResponse, Classifier> {
  readonly resource = 'classifier';

  constructor(
    private readonly client: PredictionOneClient,
    options: PollOptions | undefined,
  ) {
    super(StatusPolicy.optionsOver(client.poll, CLASSIFIER_TERMINAL, CLASSIFIER_FAILURE, options));
  }

  poll$(): Observable<ClassifierListResponse> {
    return callApi$(this.client, { operation: 'classifiers', method: 'GET', keyType: 'deploy', path: '/v1/external/classifiers' }, ClassifierListResponse);
  }

  toValue(res: ClassifierListResponse, id: string): Classifier {
    return res.classifiers.find((c) => c.classifier_id === id) ?? { classifier_id: id as ClassifierId, status: 'missing' };
  }

  override failureOf(c: Classifier, id: string): Error | undefined {
    return c.status === 'missing' ? this.failed(id, c) : super.failureOf(c, id);
  }

  protected failed(id: string, c: Classifier): Error {
    return new ClassifierFailedError(id, c.status);
  }
}

/**
 * The status stream of one classifier (shared like a training's).
 *
 * @internal
 */
export function classifierStatus$(client: PredictionOneClient, id: string, options?: PollOptions): Observable<Classifier> {
  return sharedPoll$(client.shares, new ClassifierPolicy(client, options), id, client.scheduler);
}

/**
 * Waits for prediction APIs to run: for each `{ classifierId }` in (a {@link CreatedClassifier}
 * fits), polls List Classifiers and emits the classifier each time its status changes, ending
 * after `running` (whose value carries the inference `url`). Unknown statuses (`building`,
 * `updating`, …) keep the wait going; `maxWaitMs` is a whole-run deadline.
 *
 * **Errors**: {@link ClassifierFailedError} (status `failed`, `terminating`, `terminated`, one
 * of `failureStatuses`, or `missing` when the classifier is no longer listed),
 * {@link index!PollTimeoutError} (`resource: 'classifier'`), {@link index!ApiError}, {@link index!AuthError}, {@link index!NetworkError},
 * {@link index!DecodeError}.
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
export function waitForClassifier$(client: PredictionOneClient, options?: PollOptions): OperatorFunction<{ readonly classifierId: string }, Classifier> {
  const policy = new ClassifierPolicy(client, options);
  return concatMap((ref) => sharedPoll$(client.shares, policy, ref.classifierId, client.scheduler));
}
