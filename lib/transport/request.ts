/**
 * One HTTP exchange as a cold Observable: subscribing sends the request, unsubscribing aborts
 * it (unless the response is already fully consumed), errors are the library's typed errors.
 *
 * @packageDocumentation
 */
import { Observable, type SchedulerLike } from 'rxjs';
import { NetworkError, PredictionOneError, RequestTimeoutError } from '../core/errors';
import { redactText } from '../core/redact';
import { apiErrorFrom } from './errorFactory';
import { bodyChunks, readBodyBounded, utf8 } from './body';
import type { FetchInit, FetchLike, FetchResponse } from './fetchLike';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request ready to send. @internal */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: FetchInit['body'];
  /** Abort with {@link RequestTimeoutError} if the exchange has not finished by then. */
  readonly timeoutMs?: number;
  /**
   * Abort with {@link RequestTimeoutError} when nothing moves for this long: no response
   * headers, no body chunk read, no request-body chunk pulled. For transfers whose total time
   * grows with their size.
   */
  readonly idleTimeoutMs?: number;
  /** Start the idle timeout only once the response arrives (a byte upload shows no progress). */
  readonly idleFromResponse?: boolean;
}

/** What the exchange needs from the client. @internal */
export interface ExchangeContext {
  readonly fetch: FetchLike;
  readonly secrets: () => readonly (string | undefined)[];
  readonly now: () => number;
  readonly scheduler: SchedulerLike;
}

/** Error bodies are read for their `{ code, error, message }` only; a huge HTML page is cut. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Sends `request` and hands the successful response to `consume`, which emits values through
 * `emit` and resolves when done. HTTP errors become {@link ApiError} subclasses, transport
 * failures {@link NetworkError}.
 *
 * @internal
 */
export function exchange$<T>(
  ctx: ExchangeContext,
  request: HttpRequest,
  consume: (response: FetchResponse, emit: (value: T) => void) => Promise<void>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    let timedOut: { ms: number; idle: boolean } | undefined;
    const fail = (err: unknown) => {
      settled = true;
      if (subscriber.closed) return;
      subscriber.error(timedOut ? new RequestTimeoutError(request.method, request.url, timedOut.ms, timedOut.idle) : toLibraryError(err, request, ctx));
    };
    const expire = (ms: number, idle: boolean) => () => {
      timedOut = { ms, idle };
      controller.abort();
    };
    // Through the scheduler, so the timeouts run in virtual time under the TestScheduler.
    const finite = (ms: number | undefined): ms is number => ms !== undefined && Number.isFinite(ms);
    const timeout = finite(request.timeoutMs) ? ctx.scheduler.schedule(expire(request.timeoutMs, false), request.timeoutMs) : undefined;
    const idleMs = request.idleTimeoutMs;
    let idle = finite(idleMs) && !request.idleFromResponse ? ctx.scheduler.schedule(expire(idleMs, true), idleMs) : undefined;
    const touch = finite(idleMs)
      ? () => {
          idle?.unsubscribe();
          if (!settled) idle = ctx.scheduler.schedule(expire(idleMs, true), idleMs);
        }
      : () => undefined;
    const init: FetchInit = { method: request.method, headers: request.headers, signal: controller.signal };
    if (request.body !== undefined) {
      // Streamed bodies need `duplex: 'half'` in fetch implementations that support them, and
      // count as activity for the idle timeout as the transport pulls them.
      const streamed = typeof request.body === 'object' && !(request.body instanceof Uint8Array);
      init.body = streamed ? touchingStream(request.body as ReadableStream<Uint8Array>, touch) : request.body;
      if (streamed) init.duplex = 'half';
    }
    const stopTimers = () => {
      timeout?.unsubscribe();
      idle?.unsubscribe();
    };
    ctx
      .fetch(request.url, init)
      .then(async (fetched) => {
        touch();
        const response = watched(fetched, touch);
        if (response.status >= 400) {
          const body = await readBodyBounded(response, MAX_ERROR_BODY_BYTES, 'Error body').then(utf8, () => '');
          throw apiErrorFrom(
            {
              method: request.method,
              url: request.url,
              status: response.status,
              retryAfter: response.headers.get('retry-after'),
              body,
            },
            ctx.secrets(),
            ctx.now(),
          );
        }
        await consume(response, (value) => subscriber.next(value));
        if (timedOut) throw new Error('timed out');
        settled = true;
        stopTimers();
        subscriber.complete();
      })
      .catch((err: unknown) => {
        stopTimers();
        fail(err);
      });
    return () => {
      stopTimers();
      // Abort only work still in flight: aborting after the body was consumed would be a no-op
      // at best, and some fetch implementations log it.
      if (!settled) controller.abort();
    };
  });
}

/** The response with a body that reports each chunk read as activity. */
function watched(response: FetchResponse, touch: () => void): FetchResponse {
  return {
    status: response.status,
    headers: response.headers,
    arrayBuffer: () => response.arrayBuffer(),
    body: (async function* () {
      for await (const chunk of bodyChunks(response)) {
        touch();
        yield chunk;
      }
    })(),
  };
}

/** A request body stream that reports each chunk pulled by the transport as activity. */
function touchingStream(stream: ReadableStream<Uint8Array>, touch: () => void): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader.read();
      touch();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function toLibraryError(err: unknown, request: HttpRequest, ctx: ExchangeContext): Error {
  if (err instanceof PredictionOneError) return err;
  // Whatever else failed (connection refused, reset, DNS, a body that broke off) is a network
  // failure; its message may quote the URL, so it is redacted by NetworkError.
  const cause = err instanceof Error ? err : new Error(redactText(String(err), ctx.secrets()));
  return new NetworkError(request.method, request.url, cause, ctx.secrets());
}
