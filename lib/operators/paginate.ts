/**
 * Offset/limit pagination as a lazy stream of items.
 *
 * @packageDocumentation
 */
import { EMPTY, Observable, concat, concatMap, defer, from, lastValueFrom } from 'rxjs';
import { AbortError, ValidationError } from '../core/errors';
import { abortOn } from './abortOn';

/**
 * Options of the listings ({@link models$}, {@link dataSets$}, {@link models}, {@link dataSets}).
 *
 * ## Example
 * ```ts
 * models$(client, { pageSize: 100 }).pipe(take(250));
 * for await (const m of models(client, { pageSize: 100, signal })) console.log(m.name);
 * ```
 */
export interface ListOptions {
  /** Items per request (`limit`). Default 30, the service's default. */
  readonly pageSize?: number;
  /** Where to start (`offset`). Default 0. */
  readonly offset?: number;
  /** Stops the listing: the page request in flight is aborted, and it fails with {@link AbortError}. */
  readonly signal?: AbortSignal;
}

/** One page as the listing endpoints answer it. @internal */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

/**
 * Emits the items of page after page. The next page is requested only once every item of the
 * current one was delivered and the subscriber is still there, so `take(n)` sends no request
 * it does not need. Stops at `total`, or at an empty page (a service whose `total` lies must
 * not make this loop forever).
 *
 * @internal
 */
export function paginate<T>(fetchPage: (offset: number, limit: number) => Observable<Page<T>>, options: ListOptions = {}): Observable<T> {
  return defer(() => {
    const { limit, start } = checked(options);
    const page$ = (offset: number): Observable<T> =>
      fetchPage(offset, limit).pipe(
        concatMap((page) => {
          const next = offset + page.items.length;
          const more = page.items.length > 0 && next < page.total;
          // `from` stops emitting as soon as the subscriber is closed, and `concat` never
          // subscribes to the next page after that: unsubscribing ends the requests.
          return concat(from(page.items), more ? defer(() => page$(next)) : EMPTY);
        }),
      );
    return page$(start);
  }).pipe(abortOn(options.signal));
}

/** Page size and start, or a {@link ValidationError}. */
function checked(options: ListOptions): { limit: number; start: number } {
  const limit = options.pageSize ?? 30;
  const start = options.offset ?? 0;
  const issues: string[] = [];
  if (!Number.isInteger(limit) || limit < 1) issues.push(`pageSize must be an integer >= 1, got ${limit}`);
  if (!Number.isInteger(start) || start < 0) issues.push(`offset must be an integer >= 0, got ${start}`);
  if (issues.length > 0) throw new ValidationError('list options', issues);
  return { limit, start };
}

/**
 * The same listing as an async iterable: a page is requested when the consumer has taken
 * every item of the one before, so `break` after the first items sends no further request.
 * Stops at `total` or at an empty page, like {@link paginate}.
 *
 * @internal
 */
export async function* paginateAsync<T>(fetchPage: (offset: number, limit: number) => Observable<Page<T>>, options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
  const { limit, start } = checked(options);
  const signal = options.signal;
  for (let offset = start; ; ) {
    const page = await lastValueFrom(fetchPage(offset, limit).pipe(abortOn(signal)));
    for (const item of page.items) {
      // The consumer may have aborted while it worked on the previous item.
      if (signal?.aborted) throw new AbortError(signal.reason);
      yield item;
    }
    const next = offset + page.items.length;
    if (page.items.length === 0 || next >= page.total) return;
    offset = next;
  }
}
