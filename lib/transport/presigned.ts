/** Requests to pre-signed storage URLs. */
/**
 * Requests to pre-signed storage URLs (uploads and result downloads). They carry no API key;
 * the URL itself is the secret, so errors only ever show it redacted.
 *
 * @packageDocumentation
 */
import { Observable, catchError, defer, throwError } from 'rxjs';
import { ApiError, NetworkError, RedirectError, UploadUrlSpentError, ValidationError } from '../core/errors';
import { redirectLocation, redirectRefused } from './errorFactory';
import { exchange$, logicalCall$, type CallState } from './request';
import { retryTransient } from './retryPolicy';
import { bodyChunks } from './body';
import type { OperationName } from '../core/operation';
import type { PredictionOneClient } from './client';
import type { FetchResponse } from './fetchLike';

/**
 * How many redirects a pre-signed transfer follows before it gives up (a loop, or a chain no
 * storage needs).
 *
 * @internal
 */
export const MAX_PRESIGNED_REDIRECTS = 5;

/** The redirects a pre-signed PUT follows: those that keep the method and body (and 301, as S3 uses it for a region move). */
const PUT_FOLLOWS: ReadonlySet<number> = new Set([301, 307, 308]);
/** The redirects a pre-signed GET follows: any, as a GET stays a GET. */
const GET_FOLLOWS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * A body the transfer can send: bytes (sent again as they are), or a stream made on each
 * attempt. `replayable` says whether a second attempt gets the same bytes from the start.
 */
interface TransferBody {
  readonly replayable: boolean;
  next(): Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
}

function transferBody(body: Uint8Array | AsyncIterable<Uint8Array>): TransferBody {
  if (body instanceof Uint8Array) return { replayable: true, next: () => body as Uint8Array<ArrayBuffer> };
  // An iterable that starts over on each `[Symbol.asyncIterator]()` (fileSource) can be sent again.
  if ((body as { rereadable?: unknown }).rereadable === true) return { replayable: true, next: () => toReadableStream(body) };
  // One stream for every attempt: only an attempt that never read it may be retried.
  const once = toReadableStream(body);
  return { replayable: false, next: () => once };
}

/**
 * PUTs `body` to a pre-signed URL. Byte bodies are retried on transient failures; a streamed
 * body can be read only once, so it is not (unless it says it is `rereadable`, as
 * `fileSource` does). A 301/307/308 is followed (never with a key: pre-signed requests carry
 * none), at most {@link MAX_PRESIGNED_REDIRECTS} times, and only when the body can be sent
 * again; any other redirect is a {@link RedirectError}. It completes only after a 2xx.
 * Every PUT declares its length, as object storage requires (S3 answers a chunked PUT 501
 * `NotImplemented`): a streamed body is sent with `Content-Length: size`; for bytes, every fetch
 * sets it from their length.
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
  operation: OperationName = 'uploadData',
): Observable<void> {
  const bytes = body instanceof Uint8Array;
  if (!bytes && size === undefined) {
    return throwError(() => new ValidationError('upload', ['a stream without its length']));
  }
  const source = transferBody(body);
  // Only a stream needs it said: fetch computes it for bytes (and a browser refuses the header).
  const headers: Record<string, string> = bytes ? {} : { 'content-length': String(size) };
  let interrupted = false;
  // This transfer's call: its requests so far (retries and redirect hops) number the attempts.
  let call: CallState = { n: 0, call: 0 };
  const attempt = (target: string): Observable<void> =>
    exchange$<void>(
      client.http,
      {
        method: 'PUT',
        url: target,
        headers,
        body: source.next(),
        idleTimeoutMs: idleTimeout(client),
        idleFromResponse: bytes,
        presigned: true,
        operation: { name: operation, attempt: ++call.n, call: call.call },
      },
      async (response, emit) => {
        // Storage answers with a small (often XML) body; drain it so the connection can be reused.
        for await (const chunk of bodyChunks(response)) void chunk;
        emit(undefined);
      },
    ).pipe(
      catchError((err: unknown) => {
        if (err instanceof NetworkError && err.sent) interrupted = true;
        // A refusal right after an interrupted attempt means the storage took that attempt and
        // spent the URL: only a new upload session helps.
        if (interrupted && err instanceof ApiError && err.httpStatus === 403) return throwError(() => new UploadUrlSpentError(err));
        return throwError(() => err);
      }),
    );
  return logicalCall$(client.http, operation, undefined, false, (state) => {
    call = state;
    return defer(() => following$('PUT', url, attempt, source.replayable, 0)).pipe(
      retryTransient({ method: 'PUT', url, idempotent: source.replayable }, client.settings.retry, client.scheduler),
    );
  });
}

/**
 * Sends `attempt(url)`; on a redirect it may follow, sends it again to the redirect's target.
 * Each hop is a new request without any key header (pre-signed requests carry none).
 */
function following$<T>(method: 'GET' | 'PUT', url: string, attempt: (url: string) => Observable<T>, replayable: boolean, hops: number): Observable<T> {
  return attempt(url).pipe(
    catchError((err: unknown) => {
      if (!(err instanceof RedirectError)) return throwError(() => err);
      const location = redirectLocation(err);
      const why = refusal(method, err, location, url, replayable, hops);
      if (why !== undefined) return throwError(() => redirectRefused(err, why));
      return following$(method, location!, attempt, replayable, hops + 1);
    }),
  );
}

/** Why a pre-signed transfer does not follow `err`, or `undefined` when it does. */
function refusal(method: 'GET' | 'PUT', err: RedirectError, location: string | undefined, from: string, replayable: boolean, hops: number): string | undefined {
  if (!(method === 'PUT' ? PUT_FOLLOWS : GET_FOLLOWS).has(err.httpStatus)) return `a pre-signed ${method} does not follow it`;
  if (!/^https?:/i.test(location ?? '') || (/^https:/i.test(from) && /^http:/i.test(location!))) return 'not to an http(s) URL, or from https to http';
  if (!replayable) return 'the body was a one-shot stream, which cannot be sent again';
  if (hops >= MAX_PRESIGNED_REDIRECTS) return `more than ${MAX_PRESIGNED_REDIRECTS} redirects`;
  return undefined;
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
 * GETs a pre-signed URL, handing the streaming response to `consume`. Redirects (301, 302,
 * 303, 307, 308) are followed without any key, at most {@link MAX_PRESIGNED_REDIRECTS} times.
 *
 * @internal
 */
export function getPresigned$<T>(
  client: PredictionOneClient,
  url: string,
  consume: (response: FetchResponse, emit: (value: T) => void) => Promise<void>,
  operation: OperationName = 'downloadResult',
  trainingId?: string,
): Observable<T> {
  // This transfer's call: its requests so far (retries and redirect hops) number the attempts.
  let call: CallState = { n: 0, call: 0 };
  const attempt = (target: string): Observable<T> =>
    exchange$<T>(
      client.http,
      {
        method: 'GET',
        url: target,
        headers: {},
        idleTimeoutMs: idleTimeout(client),
        presigned: true,
        operation: { name: operation, attempt: ++call.n, trainingId, call: call.call },
      },
      consume,
    );
  return logicalCall$(client.http, operation, trainingId, false, (state) => {
    call = state;
    return defer(() => following$('GET', url, attempt, true, 0)).pipe(
      retryTransient({ method: 'GET', url, idempotent: true }, client.settings.retry, client.scheduler),
    );
  });
}

/** The idle timeout of transfers (for a byte upload, from its response on: its progress is invisible). */
function idleTimeout(client: PredictionOneClient): number {
  return client.settings.transferIdleTimeoutMs;
}
