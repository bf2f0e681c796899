/**
 * An `HttpContextToken` that marks the requests the library sends through `HttpClient`.
 *
 * @packageDocumentation
 */
import { HttpContextToken } from '@angular/common/http';

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
