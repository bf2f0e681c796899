/** The minimal fetch shape the transport needs, so `cross-fetch`, the platform `fetch`, or any test double can be injected. */
/**
 * The minimal fetch shape the transport needs, so `cross-fetch`, the platform `fetch`, or any
 * test double can be injected.
 *
 * @packageDocumentation
 */
import type { RequestOperation } from './operation';

/**
 * Request options the transport passes to the injected fetch.
 *
 * ## Example
 * ```ts
 * const logging: FetchLike = (url, init: FetchInit) => { console.log(init.method, redactUrl(url)); return fetch(url, init); };
 * ```
 */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  /**
   * Text or bytes for ordinary requests; a `ReadableStream` for streamed uploads (only when
   * `ClientConfig.streamUploads` is on), sent with `duplex: 'half'`.
   */
  body?: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  signal: AbortSignal;
  /** Required by fetch implementations that accept streamed request bodies. */
  duplex?: 'half';
  /**
   * Always `'manual'` from the client: no request is sent to a redirect's target by the
   * transport (the client refuses API redirects, so a key never reaches another host, and
   * follows pre-signed ones itself). A fetch that ignores it is caught by `redirected` / `url`.
   */
  redirect?: 'manual';
  /**
   * What the request is, set by the client on every request it sends: the documented operation,
   * the attempt and the training it concerns. A fetch wrapper (the fleet gate of
   * `prediction-one-rx/bullmq`, Angular's `HttpClient` bridge, your own tracing) reads it instead
   * of recognising a request by its URL or body.
   *
   * ## Example
   * ```ts
   * const traced: FetchLike = (url, init) => { if (init.operation?.name === 'createModel') log('training', init.operation.trainingId); return fetch(url, init); };
   * ```
   */
  readonly operation?: RequestOperation;
  /**
   * Set by the client: registers a callback called once when the request is aborted (at once if
   * it already was), as an alternative to listening on {@link FetchInit.signal}. A transport that
   * uses it (the Node entry's undici fetch) never reads `signal`, which is then never made:
   * listening on an `AbortSignal` costs Node about 2 KB and 5-20 µs per request, about half of
   * the client's own cost of a status poll. A method of the client's `init` object, so a wrapper
   * that spreads `init` does not copy it and its fetch uses `signal`, aborted as before.
   *
   * ## Example
   * ```ts
   * const fetch: FetchLike = (url, init) => { const cancel = new EventEmitter(); init.onAbort?.(() => cancel.emit('abort')); return send(url, init, cancel); };
   * ```
   */
  onAbort?(callback: () => void): void;
}

/**
 * The parts of a fetch `Response` the transport reads.
 *
 * ## Example
 * ```ts
 * const res: FetchResponse = await fetch(url);
 * ```
 */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** A WHATWG `ReadableStream` (browsers, Node's fetch) or an async-iterable Node stream (node-fetch). */
  readonly body: unknown;
  arrayBuffer(): Promise<ArrayBuffer>;
  /**
   * fetch's `text()`: the whole body decoded as UTF-8 (a leading BOM dropped). Optional: when
   * present, a body of declared length within the limit is read with it, without a byte copy.
   */
  text?(): Promise<string>;
  /** fetch's flag: the transport followed a redirect to get this response. */
  readonly redirected?: boolean;
  /** fetch's final URL (after any redirect the transport followed); `''` or absent when unknown. */
  readonly url?: string;
  /** fetch's response type: `'opaqueredirect'` is a browser's answer to `redirect: 'manual'`. */
  readonly type?: string;
}

/**
 * A `fetch`-compatible function: the platform `fetch` and `cross-fetch` fit as they are.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, fetch: globalThis.fetch });
 * ```
 */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;
