/** Operator: List Models, as a lazy paged stream. */
/**
 * List Models as a lazy, auto-paginated stream.
 *
 * @packageDocumentation
 */
import { Observable, map } from 'rxjs';
import { ModelListResponse, type ModelSummary } from '../codecs/model';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { paginate, paginateAsync, type ListOptions, type Page } from './paginate';

/**
 * Every model of the account, one value per model, oldest first. Pages of `pageSize` are
 * requested one at a time over `offset`/`limit`, and only as the consumer takes items:
 * `models$(client).pipe(take(5))` sends one request.
 *
 * **Errors**: {@link index!ValidationError} (bad `pageSize`/`offset`), {@link index!ApiError},
 * {@link index!AuthError}, {@link index!NetworkError}, {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the page request in flight and requests no more;
 * so does `options.signal`, which then errors with {@link index!AbortError}.
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
  return paginate((offset, limit) => page$(client, offset, limit), options);
}

/**
 * Every model of the account as an async iterable, for `for await` (the Promise-style twin of
 * {@link models$}): pages are requested lazily, one when the loop has taken every model of
 * the previous one, so `break` sends no further request.
 *
 * **Errors** (thrown by the loop): those of {@link models$}; {@link index!AbortError} when
 * `options.signal` fires (the page request in flight is aborted).
 *
 * **Cancellation**: `break`/`return` in the loop, or `options.signal`.
 *
 * ## Example
 * ```ts
 * for await (const m of models(client, { pageSize: 100 })) {
 *   console.log(m.model_id, m.name);
 * }
 * ```
 *
 * @param client - The client.
 * @param options - Page size, start offset and an `AbortSignal`.
 * @returns The models, lazily.
 */
export function models(client: PredictionOneClient, options: ListOptions = {}): AsyncIterableIterator<ModelSummary> {
  return paginateAsync((offset, limit) => page$(client, offset, limit), options);
}

/** One page of List Models. */
function page$(client: PredictionOneClient, offset: number, limit: number): Observable<Page<ModelSummary>> {
  return callApi$(client, { operation: 'models', method: 'GET', path: '/v1/external/models', query: { offset, limit } }, ModelListResponse).pipe(
    map((res) => ({ items: res.models, total: res.metadata.total, limit: res.metadata.limit })),
  );
}
