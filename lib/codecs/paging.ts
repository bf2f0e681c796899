import * as t from 'io-ts';

/**
 * Paging metadata of the listing endpoints.
 *
 * ## Example
 * ```ts
 * Paging.is({ offset: 0, limit: 30, total: 2 }); // true
 * ```
 */
export const Paging = t.type({ offset: t.number, limit: t.number, total: t.number }, 'Paging');
/** Paging metadata of the listing endpoints. */
export type Paging = t.TypeOf<typeof Paging>;
