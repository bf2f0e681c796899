/**
 * The minimal fetch shape the transport needs, so `cross-fetch`, the platform `fetch`, or any
 * test double can be injected.
 *
 * @packageDocumentation
 */

/** Request options the transport passes to the injected fetch. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  /**
   * `string | Uint8Array` for ordinary requests. When a transport that supports streaming
   * uploads is configured (see `ClientConfig.streamUploads`), an `AsyncIterable<Uint8Array>`.
   */
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  signal: AbortSignal;
  /** Required by fetch implementations that accept streamed request bodies. */
  duplex?: 'half';
}

/** The parts of a fetch `Response` the transport reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** A WHATWG `ReadableStream` (browsers, Node's fetch) or an async-iterable Node stream (node-fetch). */
  readonly body: unknown;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A `fetch`-compatible function. Declared bivariantly (method syntax) so the platform `fetch`,
 * `cross-fetch` and `node-fetch` all fit without casts.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, fetch: globalThis.fetch });
 * ```
 */
export type FetchLike = {
  bivarianceHack(url: string, init: FetchInit): Promise<FetchResponse>;
}['bivarianceHack'];
