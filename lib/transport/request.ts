/** One HTTP exchange as a cold Observable. */
/**
 * One HTTP exchange as a cold Observable: subscribing sends the request, unsubscribing aborts
 * it (unless the response is already fully consumed), errors are the library's typed errors.
 *
 * @packageDocumentation
 */
import { Observable, asyncScheduler, defer, tap, type SchedulerAction, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { NetworkError, PredictionOneError, RequestTimeoutError } from '../core/errors';
import { redactText } from '../core/redact';
import { apiErrorFrom, redirectErrorFrom } from './errorFactory';
import { concatBytes } from '../core/bytes';
import { bodyChunks, readBodyBounded, utf8 } from './body';
import type { FetchInit, FetchLike, FetchResponse } from './fetchLike';
import { retryAfterMs } from '../core/retryAfter';
import type { CallEndEvent, OperationName, RequestEvent, RequestOperation } from '../core/operation';

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
  /** Which error mapping applies: the API's (default) or a prediction API's inference endpoint. */
  readonly endpoint?: 'api' | 'inference';
  /** Start the idle timeout only once the response arrives (a byte upload shows no progress). */
  readonly idleFromResponse?: boolean;
  /**
   * A request to a pre-signed URL (no key): a redirect is still an error here (the pre-signed
   * layer decides whether to follow it), but one the transport already followed is accepted.
   */
  readonly presigned?: boolean;
  /** The documented operation, the attempt and the training: handed to the fetch as `init.operation`. */
  readonly operation?: RequestOperation;
}

/** What the exchange needs from the client. @internal */
export interface ExchangeContext {
  readonly fetch: FetchLike;
  readonly secrets: () => readonly (string | undefined)[];
  readonly now: () => number;
  readonly scheduler: SchedulerLike;
  /** The tracing hook ({@link ClientConfig.onRequest}), told of each request's start and end. */
  readonly onRequest?: ((event: RequestEvent) => void) | undefined;
  /** The call hook ({@link ClientConfig.onCallEnd}), told when a logical call ends. */
  readonly onCallEnd?: ((event: CallEndEvent) => void) | undefined;
  /** The client's request timeouts: one scheduled action for all its requests in flight. */
  readonly deadlines: Deadlines;
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
  return new Observable<T>((subscriber) => new Exchange(ctx, request, subscriber, request.operation).start(consume, undefined));
}

/** Reads a successful response into the one value of an exchange. @internal */
export interface ResponseReader<T> {
  read(response: FetchResponse): Promise<T>;
}

/**
 * Sends `request` for `subscriber` and emits what `reader` makes of the successful response,
 * then completes: the shape of every JSON API call (`ApiExchange` is the Observable). The
 * exchange counts as finished before the value is emitted, so a subscriber that stops at that
 * value does not abort a connection already done with. Returns the teardown.
 *
 * @internal
 */
export function exchangeWith<T>(
  ctx: ExchangeContext,
  request: HttpRequest,
  reader: ResponseReader<T>,
  subscriber: Subscriber<T>,
  operation: RequestOperation | undefined = request.operation,
): () => void {
  return new Exchange(ctx, request, subscriber, operation).start(undefined, reader);
}

const finite = (ms: number | undefined): ms is number => ms !== undefined && Number.isFinite(ms);

/**
 * The `init` of one exchange: `signal` is made when first read (an own, enumerable property,
 * so spreading `init` keeps it); the abort state is private (spreading does not copy it).
 */
class ExchangeInit implements FetchInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  declare body?: FetchInit['body'];
  declare duplex?: 'half';
  declare signal: AbortSignal;
  declare operation?: RequestOperation;
  /** Never let the transport follow a redirect: see {@link FetchInit.redirect}. */
  readonly redirect = 'manual';
  #controller: AbortController | undefined;
  #onAbort: (() => void) | undefined;
  #aborted = false;

  /** The accessor of `signal`: one descriptor for every request, no closure per request. */
  static readonly #signal: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: ExchangeInit): AbortSignal {
      if (this.#controller === undefined) {
        this.#controller = new AbortController();
        if (this.#aborted) this.#controller.abort();
      }
      return this.#controller.signal;
    },
  };

  constructor(method: string, headers: Record<string, string>) {
    this.method = method;
    this.headers = headers;
    Object.defineProperty(this, 'signal', ExchangeInit.#signal);
  }

  /** {@link FetchInit.onAbort}: a prototype method, so spreading `init` does not copy it. */
  onAbort(onAbort: () => void): void {
    this.#onAbort = onAbort;
    if (this.#aborted) onAbort();
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort();
    this.#onAbort?.();
  }
}

/**
 * The state of one exchange, in one object: the fields and scheduled callbacks would otherwise
 * be half a dozen closures per request.
 */
class Exchange<T> implements Due {
  private init: ExchangeInit | undefined;
  private settled = false;
  /** The fetch answered (for tracing: a failure after it is not a request without a response). */
  private answered = false;
  private timedOut: { ms: number; idle: boolean } | undefined;
  private idle: Subscription | undefined;
  dueAt = 0;
  prevDue: Due | undefined = undefined;
  nextDue: Due | undefined = undefined;
  queued = false;

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly request: HttpRequest,
    private readonly subscriber: Subscriber<T>,
    private readonly operation: RequestOperation | undefined,
  ) {}

  start(consume: ((response: FetchResponse, emit: (value: T) => void) => Promise<void>) | undefined, read: ResponseReader<T> | undefined): () => void {
    const { ctx, request } = this;
    // Through the scheduler, so the timeouts run in virtual time under the TestScheduler.
    if (finite(request.timeoutMs)) ctx.deadlines.add(this, request.timeoutMs);
    const idleMs = request.idleTimeoutMs;
    const watching = finite(idleMs);
    if (watching && !request.idleFromResponse) this.idle = ctx.scheduler.schedule<Expiring>(expireIdle, idleMs, this);
    const init = (this.init = new ExchangeInit(request.method, request.headers));
    if (this.operation !== undefined) init.operation = this.operation;
    if (request.body !== undefined) {
      // Streamed bodies need `duplex: 'half'` in fetch implementations that support them, and
      // count as activity for the idle timeout as the transport pulls them.
      const streamed = typeof request.body === 'object' && !(request.body instanceof Uint8Array);
      init.body = streamed ? touchingStream(request.body as ReadableStream<Uint8Array>, () => this.touch()) : request.body;
      if (streamed) init.duplex = 'half';
    }
    this.send(init, watching, consume, read).catch((err: unknown) => {
      this.stopTimers();
      this.fail(err);
    });
    return () => {
      this.stopTimers();
      // Abort only work still in flight: aborting after the body was consumed would be a no-op
      // at best, and some fetch implementations log it.
      if (!this.settled) init.abort();
    };
  }

  private async send(
    init: FetchInit,
    watching: boolean,
    consume: ((response: FetchResponse, emit: (value: T) => void) => Promise<void>) | undefined,
    read: ResponseReader<T> | undefined,
  ): Promise<void> {
    const { ctx, request, subscriber } = this;
    // Called detached (no receiver), as a platform fetch wants: `window.fetch` refuses other `this`.
    const fetch = ctx.fetch;
    if (ctx.onRequest !== undefined) trace(ctx, this.operation, request, 'start', undefined, undefined);
    const fetched = await fetch(request.url, init);
    this.answered = true;
    if (ctx.onRequest !== undefined) trace(ctx, this.operation, request, 'response', fetched.status, undefined);
    // Without an idle timeout nothing needs to hear about each chunk: the body is read as it is.
    const response = watching ? watched(fetched, () => this.touch()) : fetched;
    if (watching) this.touch();
    // Before anything reads the answer: a redirect is never taken as the response (a 301 to a
    // PUT is not an upload), and an API call's redirect is never followed.
    const redirect = redirectErrorFrom(request, fetched);
    if (redirect !== undefined) {
      // Drained (bounded), so the connection is released.
      await readBodyBounded(response, MAX_ERROR_BODY_BYTES, 'Redirect body').catch(() => undefined);
      throw redirect;
    }
    // Only a 2xx is a success: anything else (an error, a status 0 or 1xx from an odd transport) is an error.
    if (response.status >= 400 || response.status < 200) {
      const body = await readBodyBounded(response, MAX_ERROR_BODY_BYTES, 'Error body').then(utf8, () => '');
      throw apiErrorFrom(
        {
          method: request.method,
          url: request.url,
          status: response.status,
          retryAfterMs: retryAfterMs(response.headers, ctx.now()),
          body,
          endpoint: request.endpoint,
        },
        ctx.secrets(),
      );
    }
    if (read) {
      const value = await read.read(response);
      if (this.timedOut) throw new Error('timed out');
      this.settled = true;
      this.stopTimers();
      subscriber.next(value);
      subscriber.complete();
      return;
    }
    await consume!(response, (value) => subscriber.next(value));
    if (this.timedOut) throw new Error('timed out');
    this.settled = true;
    this.stopTimers();
    subscriber.complete();
  }

  /** Activity: restart the idle timeout. */
  touch(): void {
    const idleMs = this.request.idleTimeoutMs;
    if (!finite(idleMs)) return;
    this.idle?.unsubscribe();
    if (!this.settled) this.idle = this.ctx.scheduler.schedule<Expiring>(expireIdle, idleMs, this);
  }

  expire(which: 'total' | 'idle'): void {
    const idle = which === 'idle';
    this.timedOut = { ms: (idle ? this.request.idleTimeoutMs : this.request.timeoutMs) ?? 0, idle };
    this.init?.abort();
  }

  private stopTimers(): void {
    this.ctx.deadlines.remove(this);
    this.idle?.unsubscribe();
  }

  private fail(err: unknown): void {
    this.settled = true;
    const { request, ctx, timedOut } = this;
    const error = timedOut ? new RequestTimeoutError(request.method, request.url, timedOut.ms, timedOut.idle) : toLibraryError(err, request, ctx);
    // No response came (a network failure, a timeout, an abort): the request's end for tracing.
    if (!this.answered && ctx.onRequest !== undefined) trace(ctx, this.operation, request, 'error', undefined, error.name);
    if (this.subscriber.closed) return;
    this.subscriber.error(error);
  }
}

/** Tells the tracing hook about `request`; a hook that throws does not break the request. */
function trace(
  ctx: ExchangeContext,
  op: RequestOperation | undefined,
  request: HttpRequest,
  phase: RequestEvent['phase'],
  status: number | undefined,
  error: string | undefined,
): void {
  if (op === undefined) return;
  try {
    ctx.onRequest!({
      operation: op.name,
      attempt: op.attempt,
      trainingId: op.trainingId,
      method: request.method,
      phase,
      status,
      call: op.call,
      host: hostOf(request.url),
      error,
    });
  } catch {
    // Tracing is an observer: its failure is not the request's.
  }
}

/** The host and port of `url`, without user info (which may be a credential), path or query. */
function hostOf(url: string): string | undefined {
  return /^[a-z][a-z\d+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]+)/i.exec(url)?.[1];
}

let lastCall = 0;

/**
 * One logical call's state: its number ({@link RequestOperation.call}, unique within the
 * process) and the requests it sent so far.
 *
 * @internal
 */
export interface CallState {
  n: number;
  readonly call: number;
}

/**
 * One logical call (its retries included): on each subscription, `make` builds it with a fresh
 * {@link CallState}, and the client's {@link ExchangeContext.onCallEnd} hook, if any, is told how
 * it ended. With `okOnValue` (a call of one value), its value is its success: a subscriber that
 * stops right at it does not make it a cancellation.
 *
 * @internal
 */
export function logicalCall$<T>(
  ctx: ExchangeContext,
  operation: OperationName,
  trainingId: string | undefined,
  okOnValue: boolean,
  make: (state: CallState) => Observable<T>,
): Observable<T> {
  return defer(() => {
    const state: CallState = { n: 0, call: ++lastCall };
    const source = make(state);
    const hook = ctx.onCallEnd;
    if (hook === undefined) return source;
    let ended = false;
    const end = (outcome: CallEndEvent['outcome'], error?: unknown): void => {
      if (ended) return;
      ended = true;
      try {
        hook({
          operation,
          call: state.call,
          trainingId,
          outcome,
          attempts: state.n,
          error: error === undefined || error instanceof Error ? error : new Error(String(error)),
        });
      } catch {
        // An observer's failure is not the call's.
      }
    };
    return source.pipe(
      tap({
        next: okOnValue ? () => end('ok') : undefined,
        complete: () => end('ok'),
        error: (err: unknown) => end('error', err),
        unsubscribe: () => end('cancelled'),
      }),
    );
  });
}

/** A request in a {@link Deadlines} queue: its deadline and its neighbours, fields of the exchange itself. @internal */
export interface Due extends Expiring {
  /** The deadline, in the time of its {@link Deadlines}' clock. */
  dueAt: number;
  prevDue: Due | undefined;
  nextDue: Due | undefined;
  /** In a queue now. */
  queued: boolean;
}

/**
 * The clock request deadlines are kept in. On the default scheduler a monotonic one
 * (`performance.now()`): that scheduler's `now()` is the wall clock, and a clock set forward
 * would time out every request in flight at once, one set back would hold their timeouts back by
 * as much. Any other scheduler's own time (virtual time under the TestScheduler).
 *
 * @internal
 */
export function deadlineClock(scheduler: SchedulerLike): () => number {
  return scheduler === asyncScheduler ? () => performance.now() : () => scheduler.now();
}

/**
 * The request timeouts of one client: its requests in flight in one list ordered by deadline,
 * watched by ONE scheduled action (at the earliest deadline) instead of one action and timer per
 * request. Requests with the client's one timeout join at the end of the list and leave it in
 * O(1); when the action runs it times out every request due and waits for the next one; when the
 * list empties the action is cancelled, so nothing stays scheduled once no request is in flight.
 * On the client's scheduler, so the timeouts run in virtual time under the TestScheduler.
 *
 * @internal
 */
export class Deadlines {
  private head: Due | undefined = undefined;
  private tail: Due | undefined = undefined;
  /** The scheduled action, for the head's deadline (or an earlier one, which finds nothing due and waits again). */
  private action: Subscription | undefined = undefined;
  /** The clock deadlines are kept in: {@link deadlineClock}. */
  private readonly now: () => number;

  constructor(private readonly scheduler: SchedulerLike) {
    this.now = deadlineClock(scheduler);
  }

  /** `due` times out `timeoutMs` from now unless {@link remove}d first. */
  add(due: Due, timeoutMs: number): void {
    const at = this.now() + timeoutMs;
    due.dueAt = at;
    due.queued = true;
    // After the last request due no later (the tail itself, for requests of one timeout).
    let after = this.tail;
    while (after !== undefined && after.dueAt > at) after = after.prevDue;
    const before = after === undefined ? this.head : after.nextDue;
    due.prevDue = after;
    due.nextDue = before;
    if (before === undefined) this.tail = due;
    else before.prevDue = due;
    if (after !== undefined) after.nextDue = due;
    else {
      // The first due now: the action waits for it.
      this.head = due;
      this.arm();
    }
  }

  /** `due` is done: it no longer times out. */
  remove(due: Due): void {
    if (!due.queued) return;
    this.unlink(due);
    if (this.head === undefined) this.disarm();
  }

  /** The action ran: time out every request due by now, then wait for the next one. */
  run(): void {
    this.action = undefined;
    const now = this.now();
    let due = this.head;
    while (due !== undefined && due.dueAt <= now) {
      this.unlink(due);
      due.expire('total');
      due = this.head;
    }
    // A timeout's abort may have led to a new request that armed the action already.
    if (due !== undefined && this.action === undefined) this.arm();
  }

  /** No request in flight: nothing stays scheduled. */
  private disarm(): void {
    this.action?.unsubscribe();
    this.action = undefined;
  }

  /** Schedules the action at the head's deadline. */
  private arm(): void {
    this.action?.unsubscribe();
    this.action = this.scheduler.schedule<Deadlines>(runDeadlines, Math.max(0, this.head!.dueAt - this.now()), this);
  }

  private unlink(due: Due): void {
    const { prevDue, nextDue } = due;
    if (prevDue === undefined) this.head = nextDue;
    else prevDue.nextDue = nextDue;
    if (nextDue === undefined) this.tail = prevDue;
    else nextDue.prevDue = prevDue;
    due.prevDue = due.nextDue = undefined;
    due.queued = false;
  }
}

function runDeadlines(this: SchedulerAction<Deadlines>, deadlines?: Deadlines): void {
  deadlines?.run();
}

/** What the scheduled timeouts call: plain functions with the exchange as state, no closures. */
interface Expiring {
  expire(which: 'total' | 'idle'): void;
}

function expireIdle(this: SchedulerAction<Expiring>, run?: Expiring): void {
  run?.expire('idle');
}

/** The response with a body that reports each chunk read as activity. */
function watched(response: FetchResponse, touch: () => void): FetchResponse {
  const body = (async function* () {
    for await (const chunk of bodyChunks(response)) {
      touch();
      yield chunk;
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    // Read through the watched body, so reading it whole counts as activity too.
    arrayBuffer: async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      const bytes = concatBytes(chunks);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    body,
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
