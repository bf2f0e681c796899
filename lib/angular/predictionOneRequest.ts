/** The HttpContext tokens that mark the library's requests for Angular interceptors. */
/**
 * The `HttpContextToken`s that mark the requests the library sends through `HttpClient`: their
 * kind and their operation.
 *
 * @packageDocumentation
 */
import { HttpContextToken } from '@angular/common/http';
import type { RequestOperation } from 'prediction-one-rx';

/**
 * What kind of library request an `HttpRequest` is: `'api'` for calls to the service (they
 * carry `x-api-key`), `'presigned'` for uploads to and downloads from pre-signed storage URLs
 * (whose signature is in the query: adding an `Authorization` header there can break them).
 *
 * ## Example
 * ```ts
 * const kind: PredictionOneRequestKind = req.context.get(PREDICTION_ONE_REQUEST) ?? 'api';
 * ```
 */
export type PredictionOneRequestKind = 'api' | 'presigned';

/**
 * Set on every request {@link providePredictionOne} sends through `HttpClient`; `null` on all
 * other requests. Interceptors read it to act on the library's traffic only, or to leave
 * pre-signed URLs alone.
 *
 * ## Example
 * ```ts
 * import { HttpInterceptorFn } from '@angular/common/http';
 * import { PREDICTION_ONE_REQUEST } from 'prediction-one-rx/angular';
 *
 * export const traceInterceptor: HttpInterceptorFn = (req, next) =>
 *   req.context.get(PREDICTION_ONE_REQUEST) === 'api'
 *     ? next(req.clone({ setHeaders: { 'x-request-id': crypto.randomUUID() } }))
 *     : next(req);
 * ```
 */
export const PREDICTION_ONE_REQUEST = new HttpContextToken<PredictionOneRequestKind | null>(() => null);

/**
 * The operation of a library request (see {@link RequestOperation}): its documented name
 * (`createModel`, `trainingStatus`, `downloadResult`, …), its attempt and the training it
 * concerns. Set on every request {@link providePredictionOne} sends through `HttpClient`; `null`
 * on all other requests. Interceptors act on an operation by its name, never by its URL.
 *
 * ## Example
 * ```ts
 * import { HttpInterceptorFn } from '@angular/common/http';
 * import { PREDICTION_ONE_OPERATION } from 'prediction-one-rx/angular';
 *
 * export const spanInterceptor: HttpInterceptorFn = (req, next) => {
 *   const op = req.context.get(PREDICTION_ONE_OPERATION);
 *   return op ? next(req.clone({ setHeaders: { 'x-operation': `${op.name}#${op.attempt}` } })) : next(req);
 * };
 * ```
 */
export const PREDICTION_ONE_OPERATION = new HttpContextToken<RequestOperation | null>(() => null);
