/** Operator: List Classifiers. */
/**
 * List Classifiers.
 *
 * @packageDocumentation
 */
import { Observable, concatMap, from } from 'rxjs';
import { ClassifierListResponse, type Classifier } from '../codecs/classifier';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';

/**
 * Every prediction API (classifier) of the account, one value each (the endpoint has no
 * paging). Each carries its inference `api_key`: do not log whole values.
 *
 * **Errors**: {@link index!ApiError}, {@link index!AuthError}, {@link index!NetworkError}, {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request.
 *
 * ## Example
 * ```ts
 * classifiers$(client).pipe(filter((c) => c.status === 'running')).subscribe((c) => console.log(c.classifier_id, c.url));
 * ```
 *
 * @param client - The client.
 * @returns The classifiers.
 */
export function classifiers$(client: PredictionOneClient): Observable<Classifier> {
  return callApi$(client, { operation: 'classifiers', method: 'GET', keyType: 'deploy', path: '/v1/external/classifiers' }, ClassifierListResponse).pipe(
    concatMap((res) => from(res.classifiers)),
  );
}
