/** The undici Node transport. */
/**
 * The default Node transport: `undici.request` on a keep-alive connection pool. About twice
 * the request rate of node-fetch (cross-fetch) and three times Node's own `fetch` for the small
 * JSON exchanges that polling makes (see `docs/PERFORMANCE.md`).
 *
 * undici is an optional peer dependency (a browser app does not install it): it is loaded on the
 * first request, and {@link createNodeClient} falls back to Node's HTTP stack when it is missing.
 *
 * @packageDocumentation
 */
import type { Dispatcher } from 'undici';
import type { FetchInit, FetchLike, FetchResponse } from 'prediction-one-rx';
import { MissingPeerError, isModuleNotFound } from '../core/optionalPeers';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link createUndiciFetch}.
 *
 * ## Example
 * ```ts
 * const fetch = createUndiciFetch({ connections: 64 });
 * ```
 */
export interface UndiciFetchOptions {
  /** Most connections per origin. Default 256. */
  readonly connections?: number;
  /** How long an idle connection is kept (the server's `Keep-Alive: timeout` wins when shorter). Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Requests sent on one connection before their responses arrive. Default 1 (no pipelining: safe with any server). */
  readonly pipelining?: number;
  /** Use this dispatcher (an undici `Agent`, `Pool`, `ProxyAgent`, a mock) instead of making one; the options above are then ignored. */
  readonly dispatcher?: UndiciDispatcherLike;
}

/**
 * An undici dispatcher (`Agent`, `Pool`, `ProxyAgent`, `MockAgent`), as a structural type of
 * our own so the published types do not name undici (an optional peer).
 *
 * ## Example
 * ```ts
 * import { Agent } from 'undici';
 * const dispatcher: UndiciDispatcherLike = new Agent({ connections: 16 });
 * ```
 */
export interface UndiciDispatcherLike {
  dispatch(options: object, handler: object): boolean;
  close(): Promise<void>;
}

/**
 * A {@link FetchLike} with a `close()` that releases its connections.
 *
 * ## Example
 * ```ts
 * const fetch: UndiciFetch = createUndiciFetch();
 * await fetch.close();
 * ```
 */
export type UndiciFetch = FetchLike & {
  /** Closes the pool once requests in flight have finished. */
  close(): Promise<void>;
};

type UndiciResponse = Dispatcher.ResponseData;
type UndiciBody = NonNullable<Dispatcher.RequestOptions['body']>;

/** What the transport reads of response headers. */
interface ResponseHeaders {
  get(name: string): string | null;
}

/** undici's headers are a plain object with lower-case names: `name` read as fetch's `Headers.get` would. */
function headerOf(raw: UndiciResponse['headers'], name: string): string | null {
  // The transport asks in lower case: no new string per lookup then.
  const value = raw[name] ?? raw[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

class UndiciFetchResponse implements FetchResponse, ResponseHeaders {
  readonly status: number;
  /** undici's body: a Node `Readable`, hence an async iterable of `Buffer`s. */
  readonly body: UndiciResponse['body'];
  /** The headers as fetch's `Headers` reads them: the response itself (no object per request). */
  readonly headers: ResponseHeaders = this;
  private readonly raw: UndiciResponse['headers'];
  constructor(res: UndiciResponse) {
    this.status = res.statusCode;
    this.raw = res.headers;
    this.body = res.body;
  }
  get(name: string): string | null {
    return headerOf(this.raw, name);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.arrayBuffer();
  }
  /** Decoded from undici's chunks as they are (its `arrayBuffer()` copies them into a new buffer first). */
  text(): Promise<string> {
    return this.body.text();
  }
}

/**
 * A fetch for Node on `undici.request`: connections are pooled and kept alive, request bodies
 * may be `ReadableStream`s (streamed uploads, never collected in memory), the response body is
 * undici's Node stream (read chunk by chunk by the transport), and the `AbortSignal` aborts the
 * request or the body being read. Redirects are never followed (`undici.request` follows none):
 * a 3xx comes back as it is, and the client refuses it for an API call (`RedirectError`, so a
 * key never reaches another host) or follows it itself, without a key, for a pre-signed transfer.
 *
 * **Errors**: rejects with undici's errors (connection refused, reset, aborted), or an `Error`
 * naming undici when it is not installed; the client
 * turns them into {@link index!NetworkError}, HTTP statuses into {@link index!ApiError} subclasses.
 *
 * **Cancellation**: aborting `init.signal` destroys the request (or its body stream) and frees
 * the connection.
 *
 * ## Example
 * ```ts
 * import { createClient } from 'prediction-one-rx';
 * import { createUndiciFetch } from 'prediction-one-rx/node';
 * const fetch = createUndiciFetch({ connections: 64 });
 * const client = createClient({ baseUrl, apiKey, fetch, streamUploads: true });
 * // ... later, when done with the client:
 * await fetch.close();
 * ```
 *
 * @param options - Pool settings.
 * @returns A fetch to give to `createClient` (with `close()`).
 * @see {@link createNodeClient}, which uses it by default.
 */
export function createUndiciFetch(options: UndiciFetchOptions = {}): UndiciFetch {
  let dispatcher = options.dispatcher as Dispatcher | undefined;
  // Loaded on the first request; later requests do not wait on the import again.
  let loaded: UndiciModule | undefined;
  const send = (undici: UndiciModule, url: string, init: FetchInit): Promise<FetchResponse> => {
    dispatcher ??= new undici.Agent({
      connections: options.connections ?? LIBRARY_DEFAULTS.node.connections,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? LIBRARY_DEFAULTS.node.keepAliveTimeoutMs,
      pipelining: options.pipelining ?? LIBRARY_DEFAULTS.node.pipelining,
    });
    return undici
      .request(url, {
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        // A WHATWG ReadableStream is an async iterable in Node: undici streams it chunk by chunk.
        body: init.body as UndiciBody | undefined,
        signal: abortSignalOf(init),
        dispatcher,
      })
      .then(toFetchResponse);
  };
  // Loaded on the first request; later requests do not wait on the import again (and allocate no promise of ours).
  const fetch: FetchLike = (url, init) => {
    if (loaded !== undefined) return send(loaded, url, init);
    return loadUndici().then((undici) => send((loaded = undici), url, init));
  };
  // Nothing to close before the first request made the pool.
  return Object.assign(fetch, { close: async () => dispatcher?.close() });
}

function toFetchResponse(res: UndiciResponse): FetchResponse {
  return new UndiciFetchResponse(res);
}

/**
 * The signal undici listens on: from the client's own `init`, an event emitter told of the
 * abort by a callback (undici takes an `EventEmitter` as `signal`; an `AbortSignal` listener
 * costs Node far more per request); from anyone else's `init`, its `AbortSignal`.
 */
function abortSignalOf(init: FetchInit): Dispatcher.RequestOptions['signal'] {
  // A method of the client's init (FetchInit.onAbort), called on it: a spread copy lacks it.
  if (typeof init.onAbort !== 'function') return init.signal;
  const signal = new AbortEmitter();
  init.onAbort(() => signal.abort());
  return signal as unknown as Dispatcher.RequestOptions['signal'];
}

/**
 * The smallest `EventEmitter` undici's `signal` option needs: `aborted`, `reason`, and `on`
 * (checked), `once` and `removeListener` (used) for `'abort'`. undici adds one listener per
 * request: it is held in a field, an array only from a second one.
 */
class AbortEmitter {
  aborted = false;
  reason: unknown = undefined;
  private listener: (() => void) | undefined;
  private more: (() => void)[] | undefined;

  on(event: string, listener: () => void): this {
    if (event !== 'abort') return this;
    if (this.listener === undefined) this.listener = listener;
    else (this.more ??= []).push(listener);
    return this;
  }

  once(event: string, listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(event: string, listener: () => void): this {
    if (event !== 'abort') return this;
    if (this.listener === listener) {
      this.listener = this.more?.shift();
    } else {
      const i = this.more ? this.more.indexOf(listener) : -1;
      if (i >= 0) this.more!.splice(i, 1);
    }
    return this;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const { listener, more } = this;
    this.listener = this.more = undefined;
    listener?.();
    more?.forEach((l) => l());
  }
}

type UndiciModule = typeof import('undici');
let undici: Promise<UndiciModule> | undefined;

/**
 * Loads undici once. **Errors**: an `Error` naming the package to install when it is missing.
 *
 * @internal
 */
export function loadUndici(): Promise<UndiciModule> {
  undici ??= import('undici').catch((err: unknown) => {
    undici = undefined;
    if (!isModuleNotFound(err)) throw err;
    throw new MissingPeerError('createUndiciFetch (prediction-one-rx/node)', ['undici'], false, { cause: err });
  });
  return undici;
}

/** Whether undici can be loaded (cached), without throwing. @internal */
export function undiciAvailable(): Promise<boolean> {
  return loadUndici().then(
    () => true,
    () => false,
  );
}
