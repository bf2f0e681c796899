/**
 * Calls to the documented API endpoints: URL building, the `x-api-key` header, JSON bodies,
 * bounded decoding, credential refresh and retries, in one place.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { Observable, catchError, defer, switchMap, throwError, type Subscriber, type TeardownLogic } from 'rxjs';
import { DEFAULTS } from '../core/config';
import { AuthError, DecodeError } from '../core/errors';
import { decodeOrThrow } from '../codecs/decode';
import { readBodyBounded, utf8 } from './body';
import { exchangeWith, type HttpMethod, type HttpRequest, type ResponseReader } from './request';
import type { FetchResponse } from './fetchLike';
import { retryTransient } from './retryPolicy';
import { buildUrl } from './url';
import type { PredictionOneClient } from './client';

/** One API call. @internal */
export interface ApiCall {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as `application/json`. */
  readonly json?: unknown;
  /** Default: every method but POST. */
  readonly idempotent?: boolean;
}

/** `null` means the endpoint answers with an empty (or ignorable) body. */
type Expect = t.Mixed | null;
type Result<C extends Expect> = C extends t.Mixed ? t.TypeOf<C> : void;

/** Per client, the headers of a body-less call with its static key, shared by every such request. */
const sharedHeaders = new WeakMap<PredictionOneClient, { key: string; headers: Record<string, string> }>();

function httpRequest(client: PredictionOneClient, key: string, call: ApiCall): HttpRequest {
  let headers: Record<string, string>;
  let body: string | undefined;
  if (call.json !== undefined) {
    headers = { accept: 'application/json', ...client.config.headers, 'x-api-key': key, 'content-type': 'application/json' };
    body = JSON.stringify(call.json);
  } else {
    // Thousands of trainings in flight each keep a status request: they share one headers object.
    let shared = sharedHeaders.get(client);
    if (shared?.key !== key) {
      shared = { key, headers: { accept: 'application/json', ...client.config.headers, 'x-api-key': key } };
      sharedHeaders.set(client, shared);
    }
    headers = shared.headers;
  }
  const timeoutMs = client.config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  return { method: call.method, url: buildUrl(client.baseUrl, call.path, call.query), headers, body, timeoutMs };
}

/**
 * One API request and how its response is read: subscribing sends it. An object with a
 * prototype method rather than a closure, since a status call is kept per training in flight.
 */
class ApiExchange<C extends Expect> extends Observable<Result<C>> implements ResponseReader<Result<C>> {
  constructor(
    private readonly client: PredictionOneClient,
    private readonly request: HttpRequest,
    private readonly codec: C,
  ) {
    super(subscribeApiExchange);
  }

  /** @internal */
  send(subscriber: Subscriber<Result<C>>): TeardownLogic {
    return exchangeWith(this.client.http, this.request, this, subscriber);
  }

  async read(response: FetchResponse): Promise<Result<C>> {
    const { client, request, codec } = this;
    const maxBytes = client.config.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
    // Only an error needs the path: no URL parsing per request.
    const bytes = await readBodyBounded(response, maxBytes, () => `Response of ${request.method} ${new URL(request.url).pathname}`);
    if (codec === null) return undefined as Result<C>;
    const text = utf8(bytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const kind = text.trim() === '' ? 'an empty body' : /^\s*</.test(text) ? 'HTML or XML' : 'text that is not JSON';
      throw new DecodeError(codec.name, [`(root): expected JSON, got ${kind}`], text, client.http.secrets());
    }
    return decodeOrThrow(codec, json, text, client.http.secrets()) as Result<C>;
  }
}

function subscribeApiExchange<C extends Expect>(this: Observable<Result<C>>, subscriber: Subscriber<Result<C>>): TeardownLogic {
  return (this as ApiExchange<C>).send(subscriber);
}

function send$<C extends Expect>(client: PredictionOneClient, request: HttpRequest, codec: C): Observable<Result<C>> {
  return new ApiExchange(client, request, codec);
}

/**
 * Calls an endpoint with an explicit key (Get API Key sends the secret key), with retries.
 *
 * @internal
 */
export function callApiWithKey$<C extends Expect>(
  client: PredictionOneClient,
  key: string,
  call: ApiCall,
  codec: C,
): Observable<Result<C>> {
  const request = httpRequest(client, key, call);
  return defer(() => send$(client, request, codec)).pipe(
    retryTransient({ method: call.method, url: request.url, idempotent: call.idempotent ?? call.method !== 'POST' }, client.config.retry, client.scheduler),
  );
}

/**
 * Calls an endpoint with the client's API key. Each subscription sends a fresh request. When
 * the service answers `Inactive_credential.` and the key came from a secret key, the key is
 * exchanged again and the call is made once more.
 *
 * @internal
 */
export function callApi$<C extends Expect>(client: PredictionOneClient, call: ApiCall, codec: C): Observable<Result<C>> {
  const idempotent = call.idempotent ?? call.method !== 'POST';
  const staticKey = client.credentials.staticKey();
  if (staticKey !== undefined) {
    // A static key is never refreshed (a refused one is final), so the request is built once
    // and each subscription (each poll) sends it afresh, without a key lookup per call.
    const request = httpRequest(client, staticKey, call);
    return client.limiter
      .run(send$(client, request, codec))
      .pipe(retryTransient({ method: call.method, url: request.url, idempotent }, client.config.retry, client.scheduler));
  }
  const attempt = (refreshed: boolean): Observable<Result<C>> =>
    client.credentials.apiKey$().pipe(
      switchMap((key) =>
        client.limiter.run(send$(client, httpRequest(client, key, call), codec)).pipe(
          catchError((err: unknown) => {
            if (!refreshed && err instanceof AuthError && err.apiMessage === 'Inactive_credential.' && client.credentials.canRefresh()) {
              client.credentials.invalidate(key);
              return attempt(true);
            }
            return throwError(() => err);
          }),
        ),
      ),
    );
  const url = buildUrl(client.baseUrl, call.path, call.query);
  return defer(() => attempt(false)).pipe(retryTransient({ method: call.method, url, idempotent }, client.config.retry, client.scheduler));
}
