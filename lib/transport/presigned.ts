/**
 * Requests to pre-signed storage URLs (uploads and result downloads). They carry no API key;
 * the URL itself is the secret, so errors only ever show it redacted.
 *
 * @packageDocumentation
 */
import { Observable, catchError, defer, throwError } from 'rxjs';
import { ApiError, NetworkError, UploadUrlSpentError, ValidationError } from '../core/errors';
import { exchange$ } from './request';
import { retryTransient } from './retryPolicy';
import { bodyChunks } from './body';
import type { PredictionOneClient } from './client';
import type { FetchResponse } from './fetchLike';

/**
 * PUTs `body` to a pre-signed URL. Byte bodies are retried on transient failures; a streamed
 * body can be read only once, so it is not. Every PUT declares its length, as object storage
 * requires (S3 answers a chunked PUT 501 `NotImplemented`): a streamed body is sent with
 * `Content-Length: size`; for bytes, every fetch sets it from their length.
 *
 * **Errors**: a streamed body without `size` is a {@link ValidationError} (nothing is sent).
 *
 * @internal
 */
export function putPresigned$(
  client: PredictionOneClient,
  url: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  size?: number,
): Observable<void> {
  const replayable = body instanceof Uint8Array;
  if (!replayable && size === undefined) {
    return throwError(() => new ValidationError('upload', ['a stream without its length']));
  }
  const sent = body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : toReadableStream(body);
  // Only a stream needs it said: fetch computes it for bytes (and a browser refuses the header).
  const headers: Record<string, string> = replayable ? {} : { 'content-length': String(size) };
  let interrupted = false;
  return defer(() =>
    exchange$<void>(client.http, { method: 'PUT', url, headers, body: sent, idleTimeoutMs: idleTimeout(client), idleFromResponse: replayable }, async (response, emit) => {
      // Storage answers with a small (often XML) body; drain it so the connection can be reused.
      for await (const chunk of bodyChunks(response)) void chunk;
      emit(undefined);
    }).pipe(
      catchError((err: unknown) => {
        if (err instanceof NetworkError && err.sent) interrupted = true;
        // A refusal right after an interrupted attempt means the storage took that attempt and
        // spent the URL: only a new upload session helps.
        if (interrupted && err instanceof ApiError && err.httpStatus === 403) return throwError(() => new UploadUrlSpentError(err));
        return throwError(() => err);
      }),
    ),
  ).pipe(retryTransient({ method: 'PUT', url, idempotent: replayable }, client.settings.retry, client.scheduler));
}

/**
 * A pull-based `ReadableStream` over an async iterable: the next chunk is read only when the
 * transport asks for it, and cancelling the stream releases the source.
 *
 * @internal
 */
export function toReadableStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
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
  return defer(() => exchange$<T>(client.http, { method: 'GET', url, headers: {}, idleTimeoutMs: idleTimeout(client) }, consume)).pipe(
    retryTransient({ method: 'GET', url, idempotent: true }, client.settings.retry, client.scheduler),
  );
}

/** The idle timeout of transfers (for a byte upload, from its response on: its progress is invisible). */
function idleTimeout(client: PredictionOneClient): number {
  return client.settings.transferIdleTimeoutMs;
}
