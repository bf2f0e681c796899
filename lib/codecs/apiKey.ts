import * as t from 'io-ts';

/**
 * Response of Get API Key: the API key made from a secret key, and when it stops working.
 *
 * ## Example
 * ```ts
 * ApiKeyResponse.is({ api_key: 'k', end_date: '2026-12-01T00:00:00Z' }); // true
 * ```
 */
export const ApiKeyResponse = t.type({ api_key: t.string, end_date: t.string }, 'ApiKeyResponse');
/** Response of Get API Key. */
export type ApiKeyResponse = t.TypeOf<typeof ApiKeyResponse>;
