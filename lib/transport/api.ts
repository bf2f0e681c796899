/** Calls to the documented API endpoints. */
/**
 * Calls to the documented API endpoints: URL building, the `x-api-key` header, JSON bodies,
 * bounded decoding, and the client's one request chain (retries, credential refresh, limiter,
 * interceptors), in one place.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { Observable, catchError, defer, switchMap, throwError, type MonoTypeOperatorFunction } from 'rxjs';
import { AuthError, DecodeError, ValidationError } from '../core/errors';
import { decodeOrThrow } from '../codecs/decode';
import { readTextBounded } from './body';
import {
  exchangeWith,
  logicalCall$,
  type CallState,
  type Deadlines,
  type ExchangeContext,
  type HttpMethod,
  type HttpRequest,
  type ResponseReader,
} from './request';
import type { FetchResponse } from './fetchLike';
import { retryTransient, type RetriedRequest } from './retryPolicy';
import { buildUrl, insecureHttpIssue } from './url';
import type { PredictionOneClient } from './client';
import type { CredentialType } from './credentials';
import type { OperationName, RequestOperation } from '../core/operation';
import type { InterceptedCall, Interceptor, InterceptorNext } from '../core/interceptor';
import { redactUrl } from '../core/redact';
import type { RequestLimiter } from './limiter';

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

/** The URL of `call`: an inference URL as given, an API path joined to the client's base URL. */
function urlOf(client: PredictionOneClient, call: ApiCall | UrlCall): string {
  return 'url' in call ? call.url : buildUrl(client.baseUrl, call.path, call.query);
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
    return urlOf(this.client, this.call);
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

  get deadlines(): Deadlines {
    return this.client.http.deadlines;
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

  read(response: FetchResponse): Promise<Result<C>> {
    // Only an error needs the path: no URL parsing per request.
    return readTextBounded(response, this.client.settings.maxResponseBytes, () => `Response of ${this.method} ${new URL(this.url).pathname}`).then((text) =>
      this.decode(text),
    );
  }

  private decode(text: string): Result<C> {
    const codec = this.codec;
    if (codec === null) return undefined as Result<C>;
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
 * What one call site is, for the chain (one per `callApi$` … call, shared by every
 * subscription): its exchange when its key is known (a static key, an explicit key, or the key
 * the credentials stage resolved), whether the client's limits count it, and its retry operator.
 * It is the retry policy's view of the request too.
 */
class Route implements RetriedRequest {
  readonly idempotent: boolean;
  /** The retry budget's operator, made once for every subscription (its state is per subscription). */
  readonly retry: MonoTypeOperatorFunction<unknown>;

  constructor(
    readonly client: PredictionOneClient,
    readonly call: ApiCall | UrlCall,
    readonly codec: Expect,
    /** Undefined: the credentials stage resolves the key of `keyType` for each attempt. */
    readonly exchange: ApiExchange<Expect> | undefined,
    /** Counted by the client's `limits` (calls to the API with the client's key). */
    readonly limited: boolean,
    readonly keyType: CredentialType,
    retry?: MonoTypeOperatorFunction<unknown>,
  ) {
    this.idempotent = call.idempotent ?? call.method !== 'POST';
    this.retry = retry ?? retryTransient(this, client.settings.retry, client.scheduler);
  }

  get method(): HttpMethod {
    return this.call.method;
  }

  get url(): string {
    return urlOf(this.client, this.call);
  }

  /** This call with `key`: what the credentials stage hands on. */
  withKey(key: string): Route {
    return new Route(this.client, this.call, this.codec, new ApiExchange(this.client, key, this.call, this.codec), this.limited, this.keyType, this.retry);
  }
}

/** The rest of the chain after a library stage. */
type Next = (route: Route, state: CallState) => Observable<unknown>;
/** A library stage of the chain (the retry budget, the credentials, the limiter): given the rest of the chain, the chain from it on. */
type Stage = (next: Next) => Next;

/**
 * The client's request chain, composed once per client: called with a call and its state on
 * each subscription of the call. @internal
 */
export type RequestChain = Next;

/** Retry budget: each retry subscribes to the rest of the chain again (a new attempt). */
const retryStage: Stage = (next) => (route, state) => next(route, state).pipe(route.retry);

/**
 * Credentials and refresh: a call without a known key gets the client's key of its type (a key
 * exchange is its own `getApiKey` call) and, when the service answers `Inactive_credential.` and
 * the key came from a secret key, the key is exchanged again and the attempt made once more.
 */
const credentialsStage: Stage = (next) => (route, state) => {
  if (route.exchange !== undefined) return next(route, state);
  const { credentials } = route.client;
  const keyType = route.keyType;
  const attempt = (refreshed: boolean): Observable<unknown> =>
    credentials.apiKey$(keyType).pipe(
      switchMap((key) =>
        next(route.withKey(key), state).pipe(
          catchError((err: unknown) => {
            if (!refreshed && err instanceof AuthError && err.apiMessage === 'Inactive_credential.' && credentials.canRefresh(keyType)) {
              credentials.invalidate(key, keyType);
              return attempt(true);
            }
            return throwError(() => err);
          }),
        ),
      ),
    );
  return defer(() => attempt(false));
};

/** Limiter: a call the client's `limits` count waits for a slot and a token. */
const limiterStage =
  (limiter: RequestLimiter): Stage =>
  (next) =>
  (route, state) =>
    route.limited ? limiter.run(next(route, state)) : next(route, state);

/**
 * The end of the library's stages without user interceptors: the attempt (number `++state.n`
 * of its call) goes to the exchange, whose tracing hook wraps the fetch.
 */
const send: Next = (route, state) =>
  new Observable<unknown>((subscriber) => {
    const exchange = route.exchange!;
    return exchangeWith(exchange, exchange, exchange, subscriber, exchange.operationOf(++state.n, state.call));
  });

/** The end of the library's stages with user interceptors: the attempt goes through `user`. */
const intercepted =
  (user: InterceptorNext<unknown>): Next =>
  (route, state) =>
    new Observable<unknown>((subscriber) => {
      const exchange = route.exchange!;
      return user(new Attempt(exchange, exchange.operationOf(++state.n, state.call), NO_HEADERS)).subscribe(subscriber);
    });

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * One attempt as an interceptor sees it ({@link InterceptedCall}): plain fields, and the exchange
 * (its key and URL) in a private one, so neither `JSON.stringify`, `util.inspect` nor a walk of
 * its properties reaches it.
 */
class Attempt implements InterceptedCall {
  readonly #exchange: ApiExchange<Expect>;
  readonly #operation: RequestOperation;
  readonly operation: OperationName;
  readonly method: string;
  readonly attempt: number;
  readonly trainingId?: string;
  readonly call: number;
  readonly target: 'api' | 'inference';
  readonly url: string;

  constructor(
    exchange: ApiExchange<Expect>,
    operation: RequestOperation,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    this.#exchange = exchange;
    this.#operation = operation;
    this.operation = operation.name;
    this.method = exchange.method;
    this.attempt = operation.attempt;
    this.trainingId = operation.trainingId;
    this.call = operation.call!;
    this.target = exchange.endpoint;
    this.url = redactUrl(exchange.url).split('?')[0];
  }

  withHeaders(headers: Readonly<Record<string, string>>): InterceptedCall {
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'x-api-key'))
      throw new ValidationError('interceptor headers', ['x-api-key is the client’s']);
    return new Attempt(this.#exchange, this.#operation, { ...this.headers, ...headers });
  }

  /** Sends this attempt: the terminal of the user interceptors. */
  send(): Observable<unknown> {
    const exchange = this.#exchange;
    const request: HttpRequest =
      this.headers === NO_HEADERS
        ? exchange
        : {
            method: exchange.method,
            url: exchange.url,
            headers: { ...this.headers, ...exchange.headers },
            body: exchange.body,
            timeoutMs: exchange.timeoutMs,
            endpoint: exchange.endpoint,
          };
    return new Observable<unknown>((subscriber) => exchangeWith(exchange, request, exchange, subscriber, this.#operation));
  }
}

/** The terminal of the user interceptors: sends the attempt it is handed. */
const sendAttempt: InterceptorNext<unknown> = (call) => {
  if (!(call instanceof Attempt))
    return throwError(() => new ValidationError('interceptor call', ['next() takes the call the interceptor was given (or its withHeaders copy)']));
  return call.send();
};

/**
 * The interceptors composed in order (the first outermost), ending in `terminal`.
 *
 * @internal
 */
export function composeInterceptors<T>(interceptors: readonly Interceptor[], terminal: InterceptorNext<T>): InterceptorNext<T> {
  let next = terminal;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    const after = next;
    next = (call) => interceptor(call, after);
  }
  return next;
}

/**
 * The client's one ordered chain, outermost first: retry budget, credentials and refresh,
 * limiter, `interceptors` (`ClientConfig.interceptors`, the fleet gate among them), then the
 * exchange (tracing hook, fetch). Composed once per client; a stage with nothing to do (no
 * retries, no limits, no interceptors) is left out, so it costs nothing per request.
 *
 * @internal
 */
export function buildChain(client: PredictionOneClient, interceptors: readonly Interceptor[]): RequestChain {
  const { maxAttempts, deadlineMs } = client.settings.retry;
  const stages: Stage[] = [];
  if (maxAttempts > 1 || Number.isFinite(deadlineMs)) stages.push(retryStage);
  stages.push(credentialsStage);
  if (client.limiter.active) stages.push(limiterStage(client.limiter));
  let next: Next = interceptors.length === 0 ? send : intercepted(composeInterceptors(interceptors, sendAttempt));
  for (let i = stages.length - 1; i >= 0; i--) next = stages[i](next);
  return next;
}

/** The logical call of `route` through its client's chain: one chain run per subscription. */
function run$<T>(route: Route): Observable<T> {
  const { client, call } = route;
  const chain = client.chain;
  return logicalCall$(client.http, call.operation, 'trainingId' in call ? call.trainingId : undefined, true, (state) => chain(route, state)) as Observable<T>;
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
 * Calls an endpoint with an explicit key (Get API Key sends the secret key) through the client's
 * chain; not counted by the client's `limits`.
 *
 * @internal
 */
export function callApiWithKey$<C extends Expect>(client: PredictionOneClient, key: string, call: ApiCall, codec: C): Observable<Result<C>> {
  return run$(new Route(client, call, codec, new ApiExchange(client, key, call, codec), false, call.keyType ?? 'train'));
}

/**
 * Calls an endpoint with the client's API key of the call's `keyType` (default `train`) through
 * the client's chain. Each subscription sends a fresh request. When the service answers
 * `Inactive_credential.` and the key came from a secret key, the key of that type is exchanged
 * again and the call is made once more.
 *
 * @internal
 */
export function callApi$<C extends Expect>(client: PredictionOneClient, call: ApiCall, codec: C): Observable<Result<C>> {
  const keyType = call.keyType ?? 'train';
  const staticKey = client.credentials.staticKey(keyType);
  // A static key is never refreshed (a refused one is final), so the request is built once and
  // each subscription (each poll) sends it afresh, without a key lookup per call.
  const exchange = staticKey === undefined ? undefined : new ApiExchange(client, staticKey, call, codec);
  return run$(new Route(client, call, codec, exchange, true, keyType));
}

/**
 * Calls an endpoint outside the base URL (a prediction API's inference URL) with its own key,
 * through the client's chain (its interceptors see it as `target: 'inference'`), the same
 * exchange, error factory and retry policy as every API call; not counted by the client's
 * `limits` (they count calls to the API).
 *
 * @internal
 */
export function callUrl$<C extends t.Mixed>(client: PredictionOneClient, call: UrlCall, codec: C): Observable<t.TypeOf<C>> {
  // The endpoint's key obeys the same rule as the client's (`ClientConfig.allowInsecureHttp`).
  const insecure = call.key !== '' && !client.settings.allowInsecureHttp ? insecureHttpIssue(call.url) : undefined;
  if (insecure) return throwError(() => new ValidationError('endpoint URL', [insecure]));
  return run$(new Route(client, call, codec, new ApiExchange(client, call.key, call, codec), false, 'train'));
}
