/** Operator: List Data Sets, as a lazy paged stream. */
/**
 * List Data Sets as a lazy, auto-paginated stream.
 *
 * @packageDocumentation
 */
import { Observable, map } from 'rxjs';
import { DataSetListResponse, type DataSetSummary } from '../codecs/dataSet';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { paginate, paginateAsync, type ListOptions, type Page } from './paginate';

/**
 * Every data set of the account, one value per data set, oldest first, paged lazily like
 * {@link models$}. Each `download_url` is pre-signed: do not log it.
 *
 * **Errors**: {@link index!ValidationError}, {@link index!ApiError}, {@link index!AuthError},
 * {@link index!NetworkError}, {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the page request in flight and requests no more;
 * so does `options.signal`, which then errors with {@link index!AbortError}.
 *
 * ## Example
 * ```ts
 * dataSets$(client).pipe(filter((d) => (d.data_count ?? 0) > 1000)).subscribe((d) => console.log(d.data_set_id));
 * ```
 *
 * @param client - The client.
 * @param options - Page size and start offset.
 * @returns The data sets.
 */
export function dataSets$(client: PredictionOneClient, options: ListOptions = {}): Observable<DataSetSummary> {
  return paginate((offset, limit) => page$(client, offset, limit), options);
}

/**
 * Every data set of the account as an async iterable, for `for await` (the Promise-style twin
 * of {@link dataSets$}), paged lazily like {@link models}.
 *
 * **Errors** (thrown by the loop): those of {@link dataSets$}; {@link index!AbortError} when
 * `options.signal` fires.
 *
 * **Cancellation**: `break`/`return` in the loop, or `options.signal`.
 *
 * ## Example
 * ```ts
 * for await (const d of dataSets(client, { signal: AbortSignal.timeout(30_000) })) console.log(d.data_set_id);
 * ```
 *
 * @param client - The client.
 * @param options - Page size, start offset and an `AbortSignal`.
 * @returns The data sets, lazily.
 */
export function dataSets(client: PredictionOneClient, options: ListOptions = {}): AsyncIterableIterator<DataSetSummary> {
  return paginateAsync((offset, limit) => page$(client, offset, limit), options);
}

/** One page of List Data Sets. */
function page$(client: PredictionOneClient, offset: number, limit: number): Observable<Page<DataSetSummary>> {
  return callApi$(client, { operation: 'dataSets', method: 'GET', path: '/v1/external/data-sets', query: { offset, limit } }, DataSetListResponse).pipe(
    map((res) => ({ items: res.data_sets, total: res.metadata.total, limit: res.metadata.limit })),
  );
}
