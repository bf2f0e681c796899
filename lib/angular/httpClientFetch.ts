/** A fetch that sends the library's requests through Angular's HttpClient. */
/**
 * A {@link FetchLike} that sends every request through Angular's `HttpClient`, so the app's
 * interceptors (auth, logging, retry, test doubles) see the library's traffic.
 *
 * @packageDocumentation
 */
import type { HttpContext } from '@angular/common/http';
import type { Observable, Subscription } from 'rxjs';
import { ResponseTooLargeError, type FetchInit, type FetchLike, type FetchResponse } from 'prediction-one-rx';

/**
 * The options {@link httpClientFetch} passes to `HttpClient.request`: the full response
 * (`observe: 'response'`) as an `ArrayBuffer`, never from the SSR transfer cache (a cached
 * training status would never change). A request with a size limit asks for its events with
 * download progress instead (`observe: 'events'`, `reportProgress: true`), so it can be
 * cancelled as soon as the body passes the limit.
 *
 * ## Example
 * ```ts
 * const options: HttpClientFetchRequestOptions = { headers: {}, observe: 'response', responseType: 'arraybuffer', transferCache: false };
 * ```
 */
export interface HttpClientFetchRequestOptions {
  body?: string | ArrayBuffer;
  headers: Record<string, string>;
  context?: HttpContext;
  observe: 'response' | 'events';
  reportProgress?: boolean;
  responseType: 'arraybuffer';
  transferCache: false;
  /**
   * `'manual'` unless {@link HttpClientFetchOptions.manualRedirect} is off: Angular's fetch
   * backend then hands a redirect back instead of following it (the XHR backend cannot).
   */
  redirect?: 'manual';
}

/**
 * The events {@link httpClientFetch} reads when it asks for them (`HttpEvent<ArrayBuffer>`
 * fits): `type` 2 is the response header, 3 download progress, 4 the response; others are
 * ignored.
 *
 * ## Example
 * ```ts
 * const progress: HttpClientFetchEvent = { type: 3, loaded: 65_536 };
 * ```
 */
export type HttpClientFetchEvent =
  | { readonly type: 0 | 1 }
  | { readonly type: 2; readonly headers: { get(name: string): string | null } }
  | { readonly type: 3; readonly loaded: number }
  | ({ readonly type: 4 } & HttpClientFetchResponse)
  | { readonly type: 5 };

/**
 * The response fields {@link httpClientFetch} reads: `HttpResponse<ArrayBuffer>` fits.
 *
 * ## Example
 * ```ts
 * const res: HttpClientFetchResponse = { status: 200, headers: new HttpHeaders(), body: new ArrayBuffer(0) };
 * ```
 */
export interface HttpClientFetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ArrayBuffer | null;
  /** The final URL (after redirects the backend followed), when the backend says. */
  readonly url?: string | null;
  /** Whether the backend followed a redirect (Angular's fetch backend says). */
  readonly redirected?: boolean;
  /** fetch's response type (`'opaqueredirect'` for a browser's manual redirect), when the backend says. */
  readonly responseType?: string;
}

/**
 * The one method of Angular's `HttpClient` the adapter uses. `HttpClient` itself fits, and so
 * does any object with the same `request` overload (handy for tests without Angular).
 *
 * ## Example
 * ```ts
 * const http: HttpRequester = inject(HttpClient);
 * ```
 */
export interface HttpRequester {
  request(method: string, url: string, options: HttpClientFetchRequestOptions): Observable<HttpClientFetchResponse | HttpClientFetchEvent>;
}

/**
 * Options of {@link httpClientFetch}.
 *
 * ## Example
 * ```ts
 * const options: HttpClientFetchOptions = { context: () => new HttpContext().set(PREDICTION_ONE_REQUEST, 'api') };
 * ```
 */
export interface HttpClientFetchOptions {
  /** The `HttpContext` of each request, for interceptors that want to recognise it. */
  readonly context?: (url: string, init: FetchInit) => HttpContext | undefined;
  /**
   * The largest body accepted for a request, or `undefined` for no limit. `HttpClient` buffers
   * a whole body before it hands it over, so the limit is kept while the body downloads: the
   * request is cancelled once more has arrived (or the `content-length` says it will), and the
   * call fails with `ResponseTooLargeError`. {@link providePredictionOne} sets it to the
   * client's in-memory result limit for pre-signed downloads and `maxResponseBytes` for API calls.
   */
  readonly maxResponseBytes?: (url: string, init: FetchInit) => number | undefined;
  /**
   * Ask `HttpClient` not to follow redirects (`redirect: 'manual'`). Default true. Only
   * Angular's fetch backend (`provideHttpClient(withFetch())`) can honour it; the XHR backend
   * always follows redirects (and warns about the option in dev mode, so
   * {@link providePredictionOne} turns it off there). Either way a redirect the backend
   * followed is detected from the response's `url` / `redirected` and the API call fails with
   * `RedirectError` — but by then the request, with its key, has reached the other host. Use
   * `withFetch()` when the API host could ever redirect.
   */
  readonly manualRedirect?: boolean;
}

/**
 * Adapts Angular's `HttpClient` to the client's {@link FetchLike}: each request goes through
 * `http.request(method, url, { observe: 'response', responseType: 'arraybuffer' })`, so the
 * interceptors registered with `provideHttpClient(withInterceptors([...]))` run for every call
 * (API calls with their `x-api-key`, and also uploads to and downloads from pre-signed URLs).
 *
 * Error statuses come back as responses: an `HttpErrorResponse` with status 400, 401, 503...
 * becomes a {@link FetchResponse} with that status, headers and body, so the client still
 * raises its typed `ApiError`, `AuthError`, `RateLimitError` or `ServerError` (and honours
 * `Retry-After`). Status 0 (connection refused, CORS refusal, offline) rejects, which the
 * client reports as a `NetworkError`.
 *
 * Redirects: every request asks for `redirect: 'manual'` (see
 * {@link HttpClientFetchOptions.manualRedirect}), so with Angular's fetch backend a 3xx comes
 * back to the client, which refuses it for an API call (`RedirectError`, the key never leaves)
 * and follows it itself for a pre-signed transfer. The XHR backend follows redirects itself;
 * the client then still fails the API call when the response's URL shows it, but cannot stop
 * the request.
 *
 * Byte bodies are sent as `ArrayBuffer` (`HttpClient` would JSON-encode a `Uint8Array`);
 * streamed bodies are collected first, as `HttpClient` cannot stream a request.
 *
 * **Cancellation**: aborting `init.signal` (the client does when you unsubscribe) unsubscribes
 * the `HttpClient` request, which cancels the XHR or fetch underneath.
 *
 * ## Example
 * ```ts
 * import { HttpClient } from '@angular/common/http';
 * import { createClient } from 'prediction-one-rx';
 * import { httpClientFetch } from 'prediction-one-rx/angular';
 *
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'my-key', fetch: httpClientFetch(inject(HttpClient)) });
 * ```
 *
 * @param http - Angular's `HttpClient` (or anything with its `request` method).
 * @param options - See {@link HttpClientFetchOptions}.
 * @returns A fetch for `ClientConfig.fetch`.
 * @see {@link providePredictionOne}, which wires this up by default.
 */
export function httpClientFetch(http: HttpRequester, options: HttpClientFetchOptions = {}): FetchLike {
  return async (url: string, init: FetchInit): Promise<FetchResponse> => {
    throwIfAborted(init.signal);
    const body = await requestBody(init.body);
    throwIfAborted(init.signal);
    const requestOptions: HttpClientFetchRequestOptions = {
      headers: { ...init.headers },
      observe: 'response',
      responseType: 'arraybuffer',
      transferCache: false,
    };
    if (options.manualRedirect !== false) requestOptions.redirect = 'manual';
    if (body !== undefined) requestOptions.body = body;
    const context = options.context?.(url, init);
    if (context) requestOptions.context = context;
    const limit = options.maxResponseBytes?.(url, init);
    if (limit !== undefined) {
      requestOptions.observe = 'events';
      requestOptions.reportProgress = true;
    }

    return new Promise<FetchResponse>((resolve, reject) => {
      let subscription: Subscription | undefined;
      let done = false;
      const onAbort = () => {
        // Unsubscribing is how HttpClient cancels: its backend aborts the XHR / fetch.
        subscription?.unsubscribe();
        settle(() => reject(abortError(init.signal)));
      };
      const settle = (fn: () => void) => {
        if (done) return;
        done = true;
        init.signal.removeEventListener('abort', onAbort);
        fn();
      };
      init.signal.addEventListener('abort', onAbort);
      let response$: Observable<HttpClientFetchResponse | HttpClientFetchEvent>;
      try {
        response$ = http.request(init.method, url, requestOptions);
      } catch (err) {
        settle(() => reject(networkError(err)));
        return;
      }
      const tooLarge = () => {
        subscription?.unsubscribe();
        settle(() => reject(new ResponseTooLargeError(`${init.method} response`, limit ?? 0)));
      };
      subscription = response$.subscribe({
        next: (value) => {
          const res = limit === undefined ? (value as HttpClientFetchResponse) : fromEvent(value as HttpClientFetchEvent, limit, tooLarge);
          if (res) settle(() => resolve(toFetchResponse(res.status, res.headers, res.body, res)));
        },
        error: (err: unknown) =>
          settle(() => {
            if (isHttpErrorResponse(err) && (err.status > 0 || err.responseType === 'opaqueredirect'))
              resolve(toFetchResponse(err.status, err.headers, errorBytes(err.error), err));
            else reject(networkError(err));
          }),
        // A backend that completes without a response (Angular's fetch backend does when its
        // injector is destroyed mid-download) is a broken-off exchange, not a success.
        complete: () => settle(() => reject(new Error(`HttpClient completed without a response for ${init.method} request`))),
      });
      // `subscribe` may have settled synchronously (a test double, a cache interceptor).
      if (done) subscription.unsubscribe();
    });
  };
}

/**
 * The response in an event, if it is the response; cancels through `tooLarge` (and answers
 * nothing) when the body passes `limit`, announced by its header or counted as it arrives.
 */
function fromEvent(event: HttpClientFetchEvent, limit: number, tooLarge: () => void): HttpClientFetchResponse | undefined {
  const declared = event.type === 2 ? Number(event.headers.get('content-length')) : NaN;
  if ((event.type === 3 && event.loaded > limit) || (Number.isFinite(declared) && declared > limit)) {
    tooLarge();
    return undefined;
  }
  if (event.type !== 4) return undefined;
  if (event.body !== null && event.body.byteLength > limit) {
    tooLarge();
    return undefined;
  }
  return event;
}

/** The fields of Angular's `HttpErrorResponse` the adapter reads. */
interface HttpErrorLike {
  readonly name: 'HttpErrorResponse';
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly error: unknown;
  readonly message?: string;
  readonly url?: string | null;
  readonly redirected?: boolean;
  readonly responseType?: string;
}

// Duck-typed rather than `instanceof`, so this file needs Angular's types only, not its code.
function isHttpErrorResponse(err: unknown): err is HttpErrorLike {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'HttpErrorResponse' &&
    typeof (err as { status?: unknown }).status === 'number' &&
    typeof (err as { headers?: { get?: unknown } }).headers?.get === 'function'
  );
}

async function requestBody(body: FetchInit['body']): Promise<string | ArrayBuffer | undefined> {
  if (body === undefined || typeof body === 'string') return body;
  if (body instanceof Uint8Array) return exactBuffer(body);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // `getReader()` rather than `for await`: not every browser's ReadableStream is async-iterable.
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

/** The bytes of a view as an `ArrayBuffer` of exactly that length (a view may share a bigger one). */
function exactBuffer(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) return view.buffer;
  return view.slice().buffer;
}

/**
 * The body of an error response. With `responseType: 'arraybuffer'` it is an `ArrayBuffer`;
 * a backend or interceptor may hand over text or an already parsed object instead.
 */
function errorBytes(error: unknown): ArrayBuffer | null {
  if (error === null || error === undefined) return null;
  if (error instanceof ArrayBuffer) return error;
  if (ArrayBuffer.isView(error)) return exactBuffer(new Uint8Array(error.buffer, error.byteOffset, error.byteLength));
  const text = typeof error === 'string' ? error : error instanceof Error ? error.message : safeJson(error);
  return exactBuffer(new TextEncoder().encode(text));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

function toFetchResponse(
  status: number,
  headers: { get(name: string): string | null },
  body: ArrayBuffer | null,
  meta: { readonly url?: string | null; readonly redirected?: boolean; readonly responseType?: string },
): FetchResponse {
  const bytes = body ?? new ArrayBuffer(0);
  return {
    status,
    // What the client needs to see a redirect the backend followed (XHR's responseURL) or hands back opaque.
    url: meta.url ?? undefined,
    redirected: meta.redirected,
    type: meta.responseType,
    headers: { get: (name: string) => headers.get(name) },
    // No stream: the client falls back to `arrayBuffer()`, HttpClient has buffered the body.
    body: null,
    arrayBuffer: () => Promise.resolve(bytes),
  };
}

function networkError(err: unknown): Error {
  if (isHttpErrorResponse(err)) {
    const cause = err.error instanceof Error ? err.error : undefined;
    // The message names the URL; the client redacts it (pre-signed URLs carry secrets).
    return new Error(`HttpClient request failed without a response (status 0): ${cause?.message ?? 'network error'}`, { cause });
  }
  if (err instanceof Error) return err;
  return new Error(`HttpClient request failed: ${String(err)}`);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The request was aborted');
  err.name = 'AbortError';
  return err;
}
