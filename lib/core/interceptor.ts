/** The request interceptor API: what an interceptor sees of a call and how it passes it on. */
import type { Observable } from 'rxjs';
import type { OperationName } from './operation';

/**
 * One attempt of a call as an {@link Interceptor} sees it: what it is (its documented
 * operation, attempt and training), never its secrets. There is no key and no header the
 * library sets in it, and `url` is redacted (no query, no user info), so a pre-signed or keyed
 * URL cannot end up in a log by accident.
 *
 * ## Example
 * ```ts
 * const logging: Interceptor = (call, next) => {
 *   console.log(`${call.operation} #${call.attempt} ${call.method} ${call.url}`); // 'createModel #1 POST https://host/v1/external/models'
 *   return next(call);
 * };
 * ```
 */
export interface InterceptedCall {
  /** The documented operation (see {@link OperationName}): what an interceptor matches on. */
  readonly operation: OperationName;
  readonly method: string;
  /** 1 for the first request of the call, 2 for its first retry (or its resend after a key refresh), and so on. */
  readonly attempt: number;
  /** The training the call concerns (`external_process_id`), when the call knows it. */
  readonly trainingId?: string;
  /** The logical call this attempt belongs to: every attempt of one call carries the same number. */
  readonly call: number;
  /**
   * Where the request goes: `api`, the client's `baseUrl` (with the client's key); `inference`,
   * a prediction API's URL (with that endpoint's own key).
   */
  readonly target: 'api' | 'inference';
  /** The request's URL without its query and user info (`https://host/v1/external/models/results`). */
  readonly url: string;
  /** The headers interceptors added so far (see {@link InterceptedCall.withHeaders}); never the library's own. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * This attempt with `headers` sent as well (the client's own headers win a clash). Pass the result to
   * `next`. `x-api-key` (any case) is refused with a `ValidationError`: the key stays the
   * client's.
   *
   * ## Example
   * ```ts
   * const tagged: Interceptor = (call, next) => next(call.withHeaders({ 'x-request-id': crypto.randomUUID() }));
   * ```
   *
   * @param headers - Header names and values to add.
   * @returns A copy of this attempt that sends them.
   */
  withHeaders(headers: Readonly<Record<string, string>>): InterceptedCall;
}

/**
 * The rest of the chain after an interceptor: subscribing to what it returns sends the attempt
 * (through the interceptors after this one, the tracing hook and the fetch).
 *
 * ## Example
 * ```ts
 * const passThrough: Interceptor = (call, next: InterceptorNext<unknown>) => next(call);
 * ```
 */
export type InterceptorNext<T> = (call: InterceptedCall) => Observable<T>;

/**
 * A stage of the client's request chain ({@link ClientConfig.interceptors}): called for each
 * attempt of each API call (and inference call), after the retry policy, the credentials and the
 * limiter, before the tracing hook and the fetch. It returns the attempt's outcome as an
 * Observable, usually `next(call)` with operators around it:
 *
 * - observe: read `call.operation`, `call.attempt`, `call.trainingId`; `tap` the outcome;
 * - add headers: `next(call.withHeaders({ ... }))`;
 * - delay or gate: subscribe to `next(call)` later (a wait holds the limiter's slot);
 * - short-circuit: return `throwError(() => err)` without calling `next` (nothing is sent; the
 *   retry policy decides on the error as on any other), or a value of the call's type;
 * - cancel: unsubscribing aborts the request (use RxJS `timeout`, `takeUntil` ...).
 *
 * The value is the call's decoded answer (`T`); an interceptor that replaces it is trusted to
 * give one of the same type. What it throws synchronously is the attempt's error.
 *
 * ## Example
 * ```ts
 * const noTrainingOnFriday: Interceptor = (call, next) =>
 *   call.operation === 'createModel' && new Date().getDay() === 5 ? throwError(() => new Error('not on Fridays')) : next(call);
 * const client = createClient({ baseUrl, apiKey, interceptors: [noTrainingOnFriday] });
 * ```
 */
export interface Interceptor {
  <T>(call: InterceptedCall, next: InterceptorNext<T>): Observable<T>;
}
