/**
 * Calls to the documented API endpoints: URL building, the `x-api-key` header, JSON bodies,
 * bounded decoding, credential refresh and retries, in one place.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { Observable, catchError, defer, switchMap, throwError } from 'rxjs';
import { DEFAULTS } from '../core/config';
import { AuthError, DecodeError } from '../core/errors';
import { decodeOrThrow } from '../codecs/decode';
import { readBodyBounded, utf8 } from './body';
import { exchangeOne$, type HttpMethod, type HttpRequest } from './request';
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

function httpRequest(client: PredictionOneClient, key: string, call: ApiCall): HttpRequest {
  const headers: Record<string, string> = { accept: 'application/json', ...client.config.headers, 'x-api-key': key };
  let body: string | undefined;
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.json);
  }
  const timeoutMs = client.config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  return { method: call.method, url: buildUrl(client.baseUrl, call.path, call.query), headers, body, timeoutMs };
}

function send$<C extends Expect>(client: PredictionOneClient, request: HttpRequest, codec: C): Observable<Result<C>> {
  const maxBytes = client.config.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  // Only an error needs the path: no URL parsing per request.
  const what = () => `Response of ${request.method} ${new URL(request.url).pathname}`;
  return exchangeOne$<Result<C>>(client.http, request, async (response) => {
    const bytes = await readBodyBounded(response, maxBytes, what);
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
  });
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
