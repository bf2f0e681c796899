/** Calls to the documented API endpoints. */
/**
 * Calls to the documented API endpoints: URL building, the `x-api-key` header, JSON bodies,
 * bounded decoding, credential refresh and retries, in one place.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { Observable, catchError, defer, switchMap, throwError } from 'rxjs';
import { AuthError, DecodeError, ValidationError } from '../core/errors';
import { decodeOrThrow } from '../codecs/decode';
import { readBodyBounded, utf8 } from './body';
import { exchangeWith, logicalCall$, type CallState, type ExchangeContext, type HttpMethod, type HttpRequest, type ResponseReader } from './request';
import type { FetchResponse } from './fetchLike';
import { retryTransient, type RetriedRequest } from './retryPolicy';
import { buildUrl, insecureHttpIssue } from './url';
import type { PredictionOneClient } from './client';
import type { CredentialType } from './credentials';
import type { OperationName, RequestOperation } from '../core/operation';

/** One API call. @internal */
export interface ApiCall {
  /** The documented operation: handed to the fetch, the fleet gate and the tracing hook. */
  readonly operation: OperationName;
  /** The training the call concerns (`external_process_id`), when known. */
  readonly trainingId?: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as `application/json`. */
  readonly json?: unknown;
  /** Default: every method but POST. */
  readonly idempotent?: boolean;
  /** The credential type of the key this endpoint takes (Get API Key's `credential_type`). Default `train`. */
  readonly keyType?: CredentialType;
}

/**
 * A call to an endpoint outside the API's base URL with its own key: a prediction API's
 * inference URL. @internal
 */
export interface UrlCall {
  readonly operation: OperationName;
  readonly method: HttpMethod;
  readonly url: string;
  /** The endpoint's key, sent as `x-api-key` and redacted from errors like the client's own. */
  readonly key: string;
  readonly json?: unknown;
  readonly idempotent?: boolean;
}

/** `null` means the endpoint answers with an empty (or ignorable) body. */
type Expect = t.Mixed | null;
type Result<C extends Expect> = C extends t.Mixed ? t.TypeOf<C> : void;

/** Per client and key, the headers of a body-less call, shared by every such request (a client may hold one key per credential type). */
const sharedHeaders = new WeakMap<PredictionOneClient, Map<string, Record<string, string>>>();

/**
 * One request to the service, ready to send, and how its response is read. It is the request
 * itself (method, headers, body, timeout; an API call's URL is built when read, so thousands of
 * trainings in flight do not each keep theirs) and what the retry policy needs, in one object:
 * {@link send$} makes it an Observable without subclassing one.
 */
class ApiExchange<C extends Expect> implements HttpRequest, RetriedRequest, ResponseReader<Result<C>>, ExchangeContext {
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  readonly idempotent: boolean;
  readonly endpoint: 'api' | 'inference';

  constructor(
    private readonly client: PredictionOneClient,
    key: string,
    private readonly call: ApiCall | UrlCall,
    private readonly codec: C,
  ) {
    if (call.json !== undefined) {
      this.headers = { accept: 'application/json', ...client.settings.headers, ...keyHeader(key), 'content-type': 'application/json' };
      this.body = JSON.stringify(call.json);
    } else {
      this.headers = sharedHeadersOf(client, key);
      this.body = undefined;
    }
    this.timeoutMs = client.settings.requestTimeoutMs;
    this.idempotent = call.idempotent ?? call.method !== 'POST';
    this.endpoint = 'url' in call ? 'inference' : 'api';
  }

  get method(): HttpMethod {
    return this.call.method;
  }

  get url(): string {
    const call = this.call;
    return 'url' in call ? call.url : buildUrl(this.client.baseUrl, call.path, call.query);
  }

  // The exchange context is the client's, with this exchange's secrets: no object per request.
  get fetch(): ExchangeContext['fetch'] {
    return this.client.http.fetch;
  }

  get scheduler(): ExchangeContext['scheduler'] {
    return this.client.http.scheduler;
  }

  get onRequest(): ExchangeContext['onRequest'] {
    return this.client.http.onRequest;
  }

  now(): number {
    return this.client.http.now();
  }

  /** The operation of this call's request number `attempt`. */
  operationOf(attempt: number, id: number): RequestOperation {
    const call = this.call;
    return 'trainingId' in call ? { name: call.operation, attempt, trainingId: call.trainingId, call: id } : { name: call.operation, attempt, call: id };
  }

  /** The secrets errors of this exchange redact: the client's, and the key of a call to another endpoint. */
  secrets(): readonly (string | undefined)[] {
    const call = this.call;
    const own = this.client.http.secrets();
    return 'url' in call ? [...own, call.key] : own;
  }

  async read(response: FetchResponse): Promise<Result<C>> {
    const { client, codec } = this;
    // Only an error needs the path: no URL parsing per request.
    const bytes = await readBodyBounded(response, client.settings.maxResponseBytes, () => `Response of ${this.method} ${new URL(this.url).pathname}`);
    if (codec === null) return undefined as Result<C>;
    const text = utf8(bytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const kind = text.trim() === '' ? 'an empty body' : /^\s*</.test(text) ? 'HTML or XML' : 'text that is not JSON';
      throw new DecodeError(codec.name, [`(root): expected JSON, got ${kind}`], text, this.secrets());
    }
    return decodeOrThrow(codec, json, text, this.secrets()) as Result<C>;
  }
}

/**
 * The one exchange: sends `request` through the client's transport on each subscription, as
 * request number `attempt.n + 1` of its call (the count is the call's, across retries and a
 * key refresh).
 */
function send$<C extends Expect>(request: ApiExchange<C>, attempt: CallState): Observable<Result<C>> {
  return new Observable<Result<C>>((subscriber) => exchangeWith(request, request, request, subscriber, request.operationOf(++attempt.n, attempt.call)));
}

/** A logical call of `call` (one value), made by `make` with its fresh state on each subscription. */
function apiCall$<T>(client: PredictionOneClient, call: ApiCall | UrlCall, make: (state: CallState) => Observable<T>): Observable<T> {
  return logicalCall$(client.http, call.operation, 'trainingId' in call ? call.trainingId : undefined, true, make);
}

/** The headers of a body-less call with `key`, one object per client for every such request. */
function sharedHeadersOf(client: PredictionOneClient, key: string): Record<string, string> {
  let byKey = sharedHeaders.get(client);
  if (byKey === undefined) {
    byKey = new Map();
    sharedHeaders.set(client, byKey);
  }
  let headers = byKey.get(key);
  if (headers === undefined) {
    // Exchanged keys are replaced on refresh: keep only the latest few, not every key ever held.
    if (byKey.size >= 4) byKey.clear();
    headers = { accept: 'application/json', ...client.settings.headers, ...keyHeader(key) };
    byKey.set(key, headers);
  }
  return headers;
}

/** `x-api-key`, or nothing when a proxy adds the key (`ClientConfig.keyAddedByProxy`). */
function keyHeader(key: string): Record<string, string> {
  return key === '' ? {} : { 'x-api-key': key };
}

/**
 * Calls an endpoint with an explicit key (Get API Key sends the secret key), with retries.
 *
 * @internal
 */
export function callApiWithKey$<C extends Expect>(client: PredictionOneClient, key: string, call: ApiCall, codec: C): Observable<Result<C>> {
  const exchange = new ApiExchange(client, key, call, codec);
  return apiCall$(client, call, (state) => send$(exchange, state).pipe(retryTransient(exchange, client.settings.retry, client.scheduler)));
}

/**
 * Calls an endpoint with the client's API key of the call's `keyType` (default `train`). Each
 * subscription sends a fresh request. When the service answers `Inactive_credential.` and the
 * key came from a secret key, the key of that type is exchanged again and the call is made once more.
 *
 * @internal
 */
export function callApi$<C extends Expect>(client: PredictionOneClient, call: ApiCall, codec: C): Observable<Result<C>> {
  const idempotent = call.idempotent ?? call.method !== 'POST';
  const keyType = call.keyType ?? 'train';
  const staticKey = client.credentials.staticKey(keyType);
  if (staticKey !== undefined) {
    // A static key is never refreshed (a refused one is final), so the request is built once
    // and each subscription (each poll) sends it afresh, without a key lookup per call.
    const exchange = new ApiExchange(client, staticKey, call, codec);
    // The chain, outermost first: retry budget, limiter, exchange (tracing hook, fetch).
    return apiCall$(client, call, (state) =>
      client.limiter.run(send$(exchange, state)).pipe(retryTransient(exchange, client.settings.retry, client.scheduler)),
    );
  }
  // The chain, outermost first: retry budget, credentials and refresh, limiter, exchange.
  const attempt = (refreshed: boolean, sent: CallState): Observable<Result<C>> =>
    client.credentials.apiKey$(keyType).pipe(
      switchMap((key) =>
        client.limiter.run(send$(new ApiExchange(client, key, call, codec), sent)).pipe(
          catchError((err: unknown) => {
            if (!refreshed && err instanceof AuthError && err.apiMessage === 'Inactive_credential.' && client.credentials.canRefresh(keyType)) {
              client.credentials.invalidate(key, keyType);
              return attempt(true, sent);
            }
            return throwError(() => err);
          }),
        ),
      ),
    );
  const url = buildUrl(client.baseUrl, call.path, call.query);
  return apiCall$(client, call, (sent) =>
    defer(() => attempt(false, sent)).pipe(retryTransient({ method: call.method, url, idempotent }, client.settings.retry, client.scheduler)),
  );
}

/**
 * Calls an endpoint outside the base URL (a prediction API's inference URL) with its own key,
 * through the same exchange, error factory and retry policy as every API call; not gated by the
 * client's `limits` (they count calls to the API).
 *
 * @internal
 */
export function callUrl$<C extends t.Mixed>(client: PredictionOneClient, call: UrlCall, codec: C): Observable<t.TypeOf<C>> {
  // The endpoint's key obeys the same rule as the client's (`ClientConfig.allowInsecureHttp`).
  const insecure = call.key !== '' && !client.settings.allowInsecureHttp ? insecureHttpIssue(call.url) : undefined;
  if (insecure) return throwError(() => new ValidationError('endpoint URL', [insecure]));
  const exchange = new ApiExchange(client, call.key, call, codec);
  return apiCall$(client, call, (state) => send$(exchange, state).pipe(retryTransient(exchange, client.settings.retry, client.scheduler)));
}
