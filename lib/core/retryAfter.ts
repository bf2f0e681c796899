/** The one parser of Retry-After headers. */
/**
 * The one parser of a server's "wait before retrying" headers: `retry-after-ms`, and
 * `Retry-After` as delta-seconds or an HTTP-date.
 *
 * @packageDocumentation
 */

/**
 * The longest wait a header can ask for: a day. Anything longer (or a date further out) is cut to this.
 *
 * @internal
 */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * How long a response asks the client to wait, in milliseconds, or `undefined` when it does
 * not say (no header, or only garbage). `retry-after-ms` (milliseconds, may be fractional)
 * wins over `Retry-After`, which is delta-seconds (`120`, `1.5`) or an HTTP-date (a date in
 * the past is `0`). Negative, non-finite or non-numeric values are ignored; the result is cut
 * to one day (86 400 000 ms). Header values come from the network: nothing else is trusted.
 *
 * Used by the error factory (`ApiError.retryAfterMs`, which the retry policy honours) and by
 * the fleet's 429 backoff, so both read the same header the same way.
 *
 * ## Example
 * ```ts
 * retryAfterMs({ get: (n) => (n === 'retry-after' ? '2' : null) }, Date.now()); // 2000
 * retryAfterMs(response.headers, Date.now()); // retry-after-ms: 250 -> 250
 * ```
 *
 * @param headers - The response's headers (anything with `get(name)`, case-insensitive).
 * @param nowMs - The current time, for an HTTP-date.
 * @returns Milliseconds to wait, from 0 to one day, or `undefined`.
 */
export function retryAfterMs(headers: { get(name: string): string | null }, nowMs: number): number | undefined {
  const ms = delta(headers.get('retry-after-ms'));
  if (ms !== undefined) return Math.min(Math.round(ms), MAX_RETRY_AFTER_MS);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = delta(value);
  if (seconds !== undefined) return Math.min(Math.round(seconds * 1000), MAX_RETRY_AFTER_MS);
  return httpDateDelay(value, nowMs);
}

/** A non-negative decimal number, or `undefined` (`Number()` alone would accept `''`, `0x10`, `1e3`, ` `). */
function delta(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed.length > 32 || !/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/** An HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`) as a delay from `nowMs`, or `undefined`. */
function httpDateDelay(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  // An HTTP-date names its weekday or month in letters; a bare number was handled above, and
  // `Date.parse` would take strings such as '2' or '-1' as years.
  if (trimmed.length > 64 || !/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}
