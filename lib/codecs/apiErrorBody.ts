/** Codec of the service's documented error body. */
import type * as t from 'io-ts';
import { NumberLike, TextLike, struct } from './lenient';

/**
 * The error body the service documents: `{ code, error, message }`. Each field may be absent or
 * `null`; the code may come as a number or a numeric string.
 *
 * @internal
 */
export interface ApiErrorBody {
  /** The documented numeric code (`4001000204`). */
  readonly code?: number;
  /** The error name (`PREDA_EXTERNAL_BAD_REQUEST`). */
  readonly error?: string;
  /** The message (`invalid_api_key.`). */
  readonly message?: string;
}

/**
 * Codec of {@link ApiErrorBody}, lenient on every field.
 *
 * ## Example
 * ```ts
 * ApiErrorBody.is({ code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' }); // true
 * ```
 * @internal
 */
export const ApiErrorBody: t.Type<ApiErrorBody, unknown> = struct<ApiErrorBody>('ApiErrorBody', {}, { code: NumberLike, error: TextLike, message: TextLike });
