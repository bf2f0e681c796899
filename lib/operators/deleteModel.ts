/** Operator: Delete Model. */
/**
 * Delete Model.
 *
 * @packageDocumentation
 */
import { OperatorFunction, concatMap, defer, map } from 'rxjs';
import type { ModelId } from '../codecs/ids';
import { ValidationError } from '../core/errors';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { segment } from '../transport/url';

/**
 * Deletes each model id that comes in, one at a time, and emits the id once deleted.
 *
 * **Errors**: {@link index!ValidationError} (an id that is not an integer), {@link index!ApiError} (e.g.
 * an unknown id), {@link index!AuthError}, {@link index!NetworkError}.
 *
 * **Cancellation**: unsubscribing aborts the request in flight (the service may still have
 * deleted the model).
 *
 * ## Example
 * ```ts
 * models$(client).pipe(filter((m) => m.name?.startsWith('tmp-') ?? false), map((m) => m.model_id), deleteModel$(client))
 *   .subscribe((id) => console.log('deleted', id));
 * ```
 *
 * @param client - The client.
 * @returns An operator from model ids to deleted model ids.
 */
export function deleteModel$(client: PredictionOneClient): OperatorFunction<ModelId | number, ModelId> {
  return concatMap((id) =>
    defer(() => {
      if (!Number.isInteger(id)) throw new ValidationError('model id', [`expected an integer, got ${String(id)}`]);
      return callApi$(client, { operation: 'deleteModel', method: 'DELETE', path: `/v1/external/models/${segment(id)}` }, null).pipe(map(() => id as ModelId));
    }),
  );
}
