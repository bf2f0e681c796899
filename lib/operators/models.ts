/**
 * List Models as a lazy, auto-paginated stream.
 *
 * @packageDocumentation
 */
import { Observable, map } from 'rxjs';
import { ModelListResponse, type ModelSummary } from '../codecs/model';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { paginate, type ListOptions } from './paginate';

/**
 * Every model of the account, one value per model, oldest first. Pages of `pageSize` are
 * requested one at a time over `offset`/`limit`, and only as the consumer takes items:
 * `models$(client).pipe(take(5))` sends one request.
 *
 * **Errors**: {@link ValidationError} (bad `pageSize`/`offset`), {@link ApiError},
 * {@link AuthError}, {@link NetworkError}, {@link DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the page request in flight and requests no more.
 *
 * ## Example
 * ```ts
 * models$(client, { pageSize: 50 }).pipe(toArray()).subscribe((all) => console.log(all.length));
 * // 73
 * ```
 *
 * @param client - The client.
 * @param options - Page size and start offset.
 * @returns The models.
 */
export function models$(client: PredictionOneClient, options: ListOptions = {}): Observable<ModelSummary> {
  return paginate(
    (offset, limit) =>
      callApi$(client, { method: 'GET', path: '/v1/external/models', query: { offset, limit } }, ModelListResponse).pipe(
        map((res) => ({ items: res.models, total: res.metadata.total })),
      ),
    options,
  );
}
