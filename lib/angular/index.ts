/** Angular integration of prediction-one-rx, imported as `prediction-one-rx/angular`. */
/**
 * Angular integration of prediction-one-rx, imported as `prediction-one-rx/angular`:
 * {@link providePredictionOne}, {@link PredictionOneService} and {@link httpClientFetch}, an
 * adapter that sends the client's requests through `HttpClient` so interceptors apply.
 *
 * Built without the Angular compiler (no decorators): providers use `InjectionToken`s and
 * factories with `inject()`. Needs `@angular/core` and `@angular/common` 21 or later (what CI tests).
 *
 * ## Example
 * ```ts
 * bootstrapApplication(AppComponent, {
 *   providers: [provideHttpClient(withFetch()), providePredictionOne({ baseUrl: `${location.origin}/p1`, keyAddedByProxy: true })],
 * });
 * ```
 *
 * @packageDocumentation
 */
export { providePredictionOne, PREDICTION_ONE_CONFIG, PREDICTION_ONE_CLIENT } from './providePredictionOne';
export type { PredictionOneConfig } from './providePredictionOne';
export { PredictionOneService } from './predictionOneService';
export { httpClientFetch } from './httpClientFetch';
export type { HttpRequester, HttpClientFetchOptions, HttpClientFetchRequestOptions, HttpClientFetchResponse, HttpClientFetchEvent } from './httpClientFetch';
export { PREDICTION_ONE_REQUEST, PREDICTION_ONE_OPERATION } from './predictionOneRequest';
export type { PredictionOneRequestKind } from './predictionOneRequest';
