/**
 * Requests to pre-signed storage URLs (uploads and result downloads). They carry no API key;
 * the URL itself is the secret, so errors only ever show it redacted.
 *
 * @packageDocumentation
 */
import { Observable, defer } from 'rxjs';
import { exchange$ } from './request';
import { retryTransient } from './retryPolicy';
import { bodyChunks } from './body';
import type { PredictionOneClient } from './client';
import type { FetchResponse } from './fetchLike';

/**
 * PUTs `body` to a pre-signed URL. Byte bodies are retried on transient failures; a streamed
 * body can be read only once, so it is not.
 *
 * @internal
 */
export function putPresigned$(
  client: PredictionOneClient,
  url: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
): Observable<void> {
  const replayable = body instanceof Uint8Array;
  return defer(() =>
    exchange$<void>(client.http, { method: 'PUT', url, headers: {}, body }, async (response, emit) => {
      // Storage answers with a small (often XML) body; drain it so the connection can be reused.
      for await (const chunk of bodyChunks(response)) void chunk;
      emit(undefined);
    }),
  ).pipe(retryTransient({ method: 'PUT', url, idempotent: replayable }, client.config.retry, client.scheduler));
}

/**
 * GETs a pre-signed URL, handing the streaming response to `consume`.
 *
 * @internal
 */
export function getPresigned$<T>(
  client: PredictionOneClient,
  url: string,
  consume: (response: FetchResponse, emit: (value: T) => void) => Promise<void>,
): Observable<T> {
  return defer(() => exchange$<T>(client.http, { method: 'GET', url, headers: {} }, consume)).pipe(
    retryTransient({ method: 'GET', url, idempotent: true }, client.config.retry, client.scheduler),
  );
}
