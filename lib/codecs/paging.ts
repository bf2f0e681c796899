/** Codec of the paging metadata of the listing endpoints. */
import type * as t from 'io-ts';
import { IntegerLike, struct } from './lenient';

/**
 * Paging metadata of the listing endpoints (List Models, List Data Sets).
 *
 * ## Example
 * ```ts
 * const { offset, limit, total }: Paging = page.metadata;
 * ```
 */
export interface Paging {
  /** Position of the first item of this page. */
  readonly offset: number;
  /** Most items per page, as asked (`limit`). */
  readonly limit: number;
  /** Items in the whole listing. */
  readonly total: number;
}

/**
 * Codec of {@link Paging}: three integers, each possibly sent as a numeric string.
 *
 * ## Example
 * ```ts
 * Paging.is({ offset: 0, limit: 30, total: 2 }); // true
 * ```
 */
export const Paging: t.Type<Paging, unknown> = struct<Paging>('Paging', { offset: IntegerLike, limit: IntegerLike, total: IntegerLike }, {});
