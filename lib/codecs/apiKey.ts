/** Codec of the Get API Key response. */
import type * as t from 'io-ts';
import { TextLike, struct } from './lenient';

/**
 * Response of Get API Key (`GET /v1/external/api-key`): an API key made from a secret key, and
 * when it stops working.
 *
 * ## Example
 * ```ts
 * ApiKeyResponse.decode({ api_key: 'k', end_date: null }); // Right({ api_key: 'k' })
 * ```
 */
export interface ApiKeyResponse {
  /** The API key to send as `x-api-key`: a secret, never log it. */
  readonly api_key: string;
  /** When the key stops working (ISO 8601 expected); absent when the service sent none or `null`. */
  readonly end_date?: string;
}

/**
 * Codec of {@link ApiKeyResponse}: `api_key` required, `end_date` may be absent or `null` (the
 * key is then treated as long-lived, like an `end_date` that does not parse).
 *
 * ## Example
 * ```ts
 * ApiKeyResponse.is({ api_key: 'k', end_date: '2026-12-01T00:00:00Z' }); // true
 * ```
 */
export const ApiKeyResponse: t.Type<ApiKeyResponse, unknown> = struct<ApiKeyResponse>('ApiKeyResponse', { api_key: TextLike }, { end_date: TextLike });
