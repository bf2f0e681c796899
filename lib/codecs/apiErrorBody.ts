import * as t from 'io-ts';

/**
 * The error body the service documents: `{ code, error, message }`. Decoded leniently: each
 * field is optional and the code may come as a number or a numeric string.
 *
 * ## Example
 * ```ts
 * ApiErrorBody.is({ code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' }); // true
 * ```
 * @internal
 */
export const ApiErrorBody = t.partial(
  {
    code: t.union([t.number, t.string]),
    error: t.string,
    message: t.string,
  },
  'ApiErrorBody',
);
/** @internal */
export type ApiErrorBody = t.TypeOf<typeof ApiErrorBody>;
