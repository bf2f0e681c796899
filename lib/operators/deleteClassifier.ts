/** Operator: Delete Classifier. */
/**
 * Delete Classifier.
 *
 * @packageDocumentation
 */
import { OperatorFunction, concatMap, defer, map } from 'rxjs';
import type { ClassifierId } from '../codecs/ids';
import { ValidationError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { segment } from '../transport/url';

/**
 * Deletes each classifier id that comes in, one at a time, and emits the id once deleted.
 *
 * **Errors**: {@link index!ValidationError} (an empty id), {@link index!ApiError} (`Not found classifier.`),
 * {@link index!AuthError}, {@link index!NetworkError}.
 *
 * **Cancellation**: unsubscribing aborts the request in flight.
 *
 * ## Example
 * ```ts
 * of(classifierId).pipe(deleteClassifier$(client)).subscribe((id) => console.log('deleted', id));
 * ```
 *
 * @param client - The client.
 * @returns An operator from classifier ids to deleted ids.
 */
export function deleteClassifier$(client: PredictionOneClient): OperatorFunction<ClassifierId | string, ClassifierId> {
  return concatMap((id) =>
    defer(() => {
      if (typeof id !== 'string' || id === '') throw new ValidationError('classifier id', ['expected a non-empty string']);
      return callApi$(
        client,
        { operation: 'deleteClassifier', method: 'DELETE', keyType: 'deploy', path: `/v1/external/classifiers/${segment(id)}` },
        null,
      ).pipe(map(() => id as ClassifierId));
    }),
  );
}
