/** Offset and limit pagination as a lazy stream of items. */
/**
 * Offset/limit pagination as a lazy stream of items, in constant stack and memory per page.
 *
 * @packageDocumentation
 */
import { Observable, lastValueFrom, type Subscription } from 'rxjs';
import { AbortError, ValidationError } from '../core/errors';
import { abortOn } from './abortOn';
import { LISTING_DEFAULTS } from '../core/defaults';

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
  /** The page size the service says it used (`metadata.limit`), when it says one. */
  readonly limit?: number;
}

/**
 * The offset of the page after `page`, or `undefined` when `page` was the last: it was empty,
 * short (fewer items than the smaller of the asked and the echoed `limit`), or reached `total`.
 * A `total` alone never keeps the listing going, so a service that claims more than it has
 * cannot make it request forever.
 *
 * @internal
 */
export function nextOffset(page: Page<unknown>, offset: number, limit: number): number | undefined {
  const count = page.items.length;
  const pageLimit = page.limit !== undefined && page.limit > 0 ? Math.min(limit, page.limit) : limit;
  const next = offset + count;
  return count === 0 || count < pageLimit || next >= page.total ? undefined : next;
}

/**
 * Emits the items of page after page. The next page is requested only once every item of the
 * current one was delivered and the subscriber is still there, so `take(n)` sends no request
 * it does not need. Stops at `total`, or at an empty or short page (see {@link nextOffset}).
 *
 * A loop, not a chain: one page subscription is open at a time and nothing grows with the page
 * count (no nested `concat`/`expand` per page), so 10,000 pages complete, unsubscribing at any
 * page tears down one request, and a page that arrives synchronously does not deepen the stack.
 *
 * @internal
 */
export function paginate<T>(fetchPage: (offset: number, limit: number) => Observable<Page<T>>, options: ListOptions = {}): Observable<T> {
  return new Observable<T>((subscriber) => {
    const { limit, start } = checked(options);
    let inner: Subscription | undefined;
    let offset: number | undefined = start;
    // Trampoline: a page that completes synchronously asks for the next one through `pending`
    // instead of calling `request` from inside itself.
    let running = false;
    let pending = false;
    const request = (): void => {
      pending = true;
      if (running) return;
      running = true;
      while (pending && !subscriber.closed && offset !== undefined) {
        pending = false;
        const at: number = offset;
        let last: Page<T> | undefined;
        inner = fetchPage(at, limit).subscribe({
          next: (page) => {
            last = page;
            for (const item of page.items) {
              if (subscriber.closed) return;
              subscriber.next(item);
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            offset = last === undefined ? undefined : nextOffset(last, at, limit);
            if (offset === undefined) subscriber.complete();
            else request();
          },
        });
      }
      running = false;
    };
    request();
    return () => inner?.unsubscribe();
  }).pipe(abortOn(options.signal));
}

/** Page size and start, or a {@link ValidationError}. */
function checked(options: ListOptions): { limit: number; start: number } {
  const limit = options.pageSize ?? LISTING_DEFAULTS.pageSize;
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
 * Stops like {@link paginate} (see {@link nextOffset}).
 *
 * @internal
 */
export async function* paginateAsync<T>(
  fetchPage: (offset: number, limit: number) => Observable<Page<T>>,
  options: ListOptions = {},
): AsyncGenerator<T, void, undefined> {
  const { limit, start } = checked(options);
  const signal = options.signal;
  for (let offset: number | undefined = start; offset !== undefined;) {
    const page = await lastValueFrom(fetchPage(offset, limit).pipe(abortOn(signal)));
    for (const item of page.items) {
      // The consumer may have aborted while it worked on the previous item.
      if (signal?.aborted) throw new AbortError(signal.reason);
      yield item;
    }
    offset = nextOffset(page, offset, limit);
  }
}
