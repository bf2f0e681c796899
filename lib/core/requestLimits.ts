/** The client-wide request limits of `ClientConfig.limits` (the limiter is in transport). */
/**
 * The client-wide request limits of `ClientConfig.limits` (the limiter is in transport).
 *
 * @packageDocumentation
 */

/**
 * Limits of the request gate. Both are off by default.
 *
 * ## Example
 * ```ts
 * createClient({ baseUrl, apiKey, limits: { maxInFlight: 64, maxPerSecond: 500 } });
 * ```
 */
export interface RequestLimits {
  /** Most requests in flight at once, across every pipeline of the client. */
  readonly maxInFlight?: number;
  /** Most requests started per second (bursts up to this many). */
  readonly maxPerSecond?: number;
}
