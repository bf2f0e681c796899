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
import { readBodyBounded, utf8 } from './body';
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
    let timedOut = false;
    const fail = (err: unknown) => {
      settled = true;
      if (subscriber.closed) return;
      subscriber.error(
        timedOut ? new RequestTimeoutError(request.method, request.url, request.timeoutMs ?? 0) : toLibraryError(err, request, ctx),
      );
    };
    // Through the scheduler, so the timeout runs in virtual time under the TestScheduler.
    const timeout =
      request.timeoutMs !== undefined && Number.isFinite(request.timeoutMs)
        ? ctx.scheduler.schedule(() => {
            timedOut = true;
            controller.abort();
          }, request.timeoutMs)
        : undefined;
    const init: FetchInit = { method: request.method, headers: request.headers, signal: controller.signal };
    if (request.body !== undefined) {
      init.body = request.body;
      // Streamed bodies need `duplex: 'half'` in fetch implementations that support them.
      if (typeof request.body === 'object' && !(request.body instanceof Uint8Array)) init.duplex = 'half';
    }
    ctx
      .fetch(request.url, init)
      .then(async (response) => {
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
        timeout?.unsubscribe();
        subscriber.complete();
      })
      .catch(fail);
    return () => {
      timeout?.unsubscribe();
      // Abort only work still in flight: aborting after the body was consumed would be a no-op
      // at best, and some fetch implementations log it.
      if (!settled) controller.abort();
    };
  });
}

function toLibraryError(err: unknown, request: HttpRequest, ctx: ExchangeContext): Error {
  if (err instanceof PredictionOneError) return err;
  // Whatever else failed (connection refused, reset, DNS, a body that broke off) is a network
  // failure; its message may quote the URL, so it is redacted by NetworkError.
  const cause = err instanceof Error ? err : new Error(redactText(String(err), ctx.secrets()));
  return new NetworkError(request.method, request.url, cause, ctx.secrets());
}
