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
import { retryTransient, type RetriedRequest } from './retryPolicy';
import { buildUrl } from './url';
import type { PredictionOneClient } from './client';
import type { CredentialType } from './credentials';

/** One API call. @internal */
export interface ApiCall {
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

/** `null` means the endpoint answers with an empty (or ignorable) body. */
type Expect = t.Mixed | null;
type Result<C extends Expect> = C extends t.Mixed ? t.TypeOf<C> : void;

/** Per client and key, the headers of a body-less call, shared by every such request (a client may hold one key per credential type). */
const sharedHeaders = new WeakMap<PredictionOneClient, Map<string, Record<string, string>>>();

/**
 * One API call, ready to send, and how its response is read: subscribing sends it. It is the
 * request itself (method, headers, body, timeout; the URL is built when read, so thousands of
 * trainings in flight do not each keep theirs) and what the retry policy needs, in one object
 * with prototype methods rather than closures: a status call is kept per training in flight.
 */
class ApiExchange<C extends Expect> extends Observable<Result<C>> implements HttpRequest, RetriedRequest, ResponseReader<Result<C>> {
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  readonly idempotent: boolean;

  constructor(
    private readonly client: PredictionOneClient,
    key: string,
    private readonly call: ApiCall,
    private readonly codec: C,
  ) {
    super(subscribeApiExchange);
    if (call.json !== undefined) {
      this.headers = { accept: 'application/json', ...client.config.headers, ...keyHeader(key), 'content-type': 'application/json' };
      this.body = JSON.stringify(call.json);
    } else {
      this.headers = sharedHeadersOf(client, key);
      this.body = undefined;
    }
    this.timeoutMs = client.config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.idempotent = call.idempotent ?? call.method !== 'POST';
  }

  get method(): HttpMethod {
    return this.call.method;
  }

  get url(): string {
    return buildUrl(this.client.baseUrl, this.call.path, this.call.query);
  }

  /** @internal */
  send(subscriber: Subscriber<Result<C>>): TeardownLogic {
    return exchangeWith(this.client.http, this, this, subscriber);
  }

  async read(response: FetchResponse): Promise<Result<C>> {
    const { client, codec } = this;
    const maxBytes = client.config.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
    // Only an error needs the path: no URL parsing per request.
    const bytes = await readBodyBounded(response, maxBytes, () => `Response of ${this.method} ${new URL(this.url).pathname}`);
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
    headers = { accept: 'application/json', ...client.config.headers, ...keyHeader(key) };
    byKey.set(key, headers);
  }
  return headers;
}

/** `x-api-key`, or nothing when a proxy adds the key (`ClientConfig.keyAddedByProxy`). */
function keyHeader(key: string): Record<string, string> {
  return key === '' ? {} : { 'x-api-key': key };
}

function subscribeApiExchange<C extends Expect>(this: Observable<Result<C>>, subscriber: Subscriber<Result<C>>): TeardownLogic {
  return (this as ApiExchange<C>).send(subscriber);
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
  const exchange = new ApiExchange(client, key, call, codec);
  return exchange.pipe(retryTransient(exchange, client.config.retry, client.scheduler));
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
    return client.limiter.run(exchange).pipe(retryTransient(exchange, client.config.retry, client.scheduler));
  }
  const attempt = (refreshed: boolean): Observable<Result<C>> =>
    client.credentials.apiKey$(keyType).pipe(
      switchMap((key) =>
        client.limiter.run(new ApiExchange(client, key, call, codec)).pipe(
          catchError((err: unknown) => {
            if (!refreshed && err instanceof AuthError && err.apiMessage === 'Inactive_credential.' && client.credentials.canRefresh(keyType)) {
              client.credentials.invalidate(key, keyType);
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
