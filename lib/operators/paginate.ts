/**
 * Offset/limit pagination as a lazy stream of items.
 *
 * @packageDocumentation
 */
import { EMPTY, Observable, concat, concatMap, defer, from } from 'rxjs';
import { ValidationError } from '../core/errors';

/**
 * Options of the listing streams ({@link models$}, {@link dataSets$}).
 *
 * ## Example
 * ```ts
 * models$(client, { pageSize: 100 }).pipe(take(250));
 * ```
 */
export interface ListOptions {
  /** Items per request (`limit`). Default 30, the service's default. */
  readonly pageSize?: number;
  /** Where to start (`offset`). Default 0. */
  readonly offset?: number;
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
  const limit = options.pageSize ?? 30;
  const start = options.offset ?? 0;
  return defer(() => {
    const issues: string[] = [];
    if (!Number.isInteger(limit) || limit < 1) issues.push(`pageSize must be an integer >= 1, got ${limit}`);
    if (!Number.isInteger(start) || start < 0) issues.push(`offset must be an integer >= 0, got ${start}`);
    if (issues.length > 0) throw new ValidationError('list options', issues);
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
  });
}
