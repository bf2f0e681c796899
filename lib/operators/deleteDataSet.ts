/** Operator: Delete Data Set. */
/**
 * Delete Data Set.
 *
 * @packageDocumentation
 */
import { OperatorFunction, concatMap, defer, map } from 'rxjs';
import type { DataSetId } from '../codecs/ids';
import { ValidationError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { segment } from '../transport/url';

/**
 * Deletes each data set id that comes in, one at a time, and emits the id once deleted.
 *
 * **Errors**: {@link index!ValidationError} (an id that is not an integer), {@link index!ApiError} (e.g.
 * an unknown id), {@link index!AuthError}, {@link index!NetworkError}.
 *
 * **Cancellation**: unsubscribing aborts the request in flight.
 *
 * ## Example
 * ```ts
 * of(asDataSetId(7)).pipe(deleteDataSet$(client)).subscribe((id) => console.log('deleted', id)); // deleted 7
 * ```
 *
 * @param client - The client.
 * @returns An operator from data set ids to deleted data set ids.
 */
export function deleteDataSet$(client: PredictionOneClient): OperatorFunction<DataSetId | number, DataSetId> {
  return concatMap((id) =>
    defer(() => {
      if (!Number.isInteger(id)) throw new ValidationError('data set id', [`expected an integer, got ${String(id)}`]);
      return callApi$(client, { operation: 'deleteDataSet', method: 'DELETE', path: `/v1/external/data-sets/${segment(id)}` }, null).pipe(
        map(() => id as DataSetId),
      );
    }),
  );
}
