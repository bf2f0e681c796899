/** Angular providers of the client and its service, with HttpClient as the transport. */
/**
 * `providePredictionOne()`: the client and {@link PredictionOneService} as environment
 * providers, with `HttpClient` as the transport.
 *
 * @packageDocumentation
 */
import { FetchBackend, HttpBackend, HttpClient, HttpContext } from '@angular/common/http';
import { InjectionToken, inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { ValidationError, createClient, type ClientConfig, type PredictionOneClient } from 'prediction-one-rx';
import { httpClientFetch } from './httpClientFetch';
import { PREDICTION_ONE_OPERATION, PREDICTION_ONE_REQUEST } from './predictionOneRequest';
import { PredictionOneService } from './predictionOneService';

/**
 * Configuration of {@link providePredictionOne}: a `ClientConfig` whose `baseUrl` is required,
 * plus the choice of transport.
 *
 * ## Example
 * ```ts
 * const config: PredictionOneConfig = { baseUrl: 'http://127.0.0.1:8080', apiKey: 'my-key', poll: { maxDelayMs: 5_000 } };
 * ```
 */
export interface PredictionOneConfig extends ClientConfig {
  /** Service root, e.g. `'http://127.0.0.1:8080'` for the emulator. */
  readonly baseUrl: string;
  /**
   * Send requests through Angular's `HttpClient` (so your interceptors apply). Default `true`;
   * requires `provideHttpClient()` in the same or a parent injector. With `false`, the client
   * uses `fetch` if given, else its own default (the platform `fetch`).
   */
  readonly useHttpClient?: boolean;
  /**
   * Allow a key in the browser. Stricter here than in the core: in a browser page or web
   * worker, **any** key (`apiKey`, `apiKeys` or `secretKey`) is refused unless this is `true`,
   * because every user of the page can read it. Leave it off and use a backend proxy with
   * `keyAddedByProxy: true`; set it only for trusted internal tools. Server-side rendering
   * (Node) needs no opt-in. Default false.
   *
   * ## Example
   * ```ts
   * providePredictionOne({ baseUrl: 'https://p1.internal.example', apiKey: devKey, dangerouslyAllowBrowser: true });
   * ```
   */
  readonly dangerouslyAllowBrowser?: boolean;
}

/**
 * The configuration given to {@link providePredictionOne}.
 *
 * ## Example
 * ```ts
 * const baseUrl = inject(PREDICTION_ONE_CONFIG).baseUrl;
 * ```
 */
export const PREDICTION_ONE_CONFIG = new InjectionToken<PredictionOneConfig>('PREDICTION_ONE_CONFIG');

/**
 * The {@link PredictionOneClient} made by {@link providePredictionOne}, for using the
 * operators of `prediction-one-rx` directly.
 *
 * ## Example
 * ```ts
 * import { apiKey$ } from 'prediction-one-rx';
 * const key$ = apiKey$(inject(PREDICTION_ONE_CLIENT));
 * ```
 */
export const PREDICTION_ONE_CLIENT = new InjectionToken<PredictionOneClient>('PREDICTION_ONE_CLIENT');

/**
 * Makes the client for a configuration, inside an injection context (it injects `HttpClient`
 * when `useHttpClient` is on).
 *
 * @internal
 */
export function clientFromConfig(config: PredictionOneConfig): PredictionOneClient {
  const { useHttpClient = true, ...clientConfig } = config;
  const keyIssue = browserKeyIssue(config);
  if (keyIssue) throw new ValidationError('Angular configuration', [keyIssue]);
  if (!useHttpClient) return createClient(clientConfig);
  if (clientConfig.fetch !== undefined) {
    throw new ValidationError('Angular configuration', ['give either fetch (with useHttpClient: false) or useHttpClient, not both']);
  }
  const apiRoot = `${config.baseUrl.replace(/\/+$/, '')}/`;
  const isApi = (url: string) => url.startsWith(apiRoot) && !isStorageUrl(url, apiRoot);
  // HttpClient buffers whole bodies: the client's limits (its resolved settings, read when a
  // request is made) are kept while they download. A pre-signed download (a result archive) is
  // held in memory, so the in-memory limit applies.
  let client: PredictionOneClient | undefined;
  const limitOf = (url: string, method: string): number | undefined => {
    const settings = client!.settings;
    if (isApi(url)) return settings.maxResponseBytes;
    return method === 'GET' ? Math.min(settings.maxResultBytes, settings.maxResultMemoryBytes) : undefined;
  };
  const fetch = httpClientFetch(inject(HttpClient), {
    context: (url, init) =>
      new HttpContext().set(PREDICTION_ONE_REQUEST, isApi(url) ? 'api' : 'presigned').set(PREDICTION_ONE_OPERATION, init.operation ?? null),
    maxResponseBytes: (url, init) => limitOf(url, init.method),
    // Only the fetch backend can be asked not to follow redirects (XHR would warn on each request).
    manualRedirect: inject(HttpBackend, { optional: true }) instanceof FetchBackend,
  });
  client = createClient({ ...clientConfig, fetch });
  return client;
}

/**
 * Why a key in this configuration is refused, if it is: any key (`apiKey`, `apiKeys`,
 * `secretKey`) in a browser page or web worker without `dangerouslyAllowBrowser: true`. Keyless
 * use through a proxy (`keyAddedByProxy: true`) and server-side rendering (Node: no `window`
 * with a `document`) need no opt-in.
 */
function browserKeyIssue(config: PredictionOneConfig, scope: object = globalThis): string | undefined {
  const given = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  const keys = [
    given(config.apiKey) ? 'apiKey' : undefined,
    Object.values(config.apiKeys ?? {}).some(given) ? 'apiKeys' : undefined,
    given(config.secretKey) ? 'secretKey' : undefined,
  ].filter((k): k is string => k !== undefined);
  if (keys.length === 0 || config.dangerouslyAllowBrowser === true || !isBrowserLike(scope)) return undefined;
  return (
    `${keys.join(' and ')} in a browser: anyone who opens the page can read the key and use it against your account. ` +
    'Keep it on your server (a proxy that adds x-api-key, with keyAddedByProxy: true and no key here), ' +
    'or set dangerouslyAllowBrowser: true for a trusted internal tool'
  );
}

// A page (`window` with its `document`) or a web worker, as the core decides for a secretKey.
function isBrowserLike(scope: object): boolean {
  const g = scope as { window?: { document?: unknown }; importScripts?: unknown; WorkerGlobalScope?: unknown };
  const page = typeof g.window === 'object' && g.window !== null && typeof g.window.document === 'object' && g.window.document !== null;
  const worker = typeof g.importScripts === 'function' && typeof g.WorkerGlobalScope === 'function';
  return page || worker;
}

// An API call always goes to `<baseUrl>/v1/external/...`; anything else is a pre-signed URL,
// even when storage lives on the same host (as with the emulator).
function isStorageUrl(url: string, apiRoot: string): boolean {
  return !url.slice(apiRoot.length).startsWith('v1/external/');
}

/**
 * Provides Prediction One to an Angular application: the configuration
 * ({@link PREDICTION_ONE_CONFIG}), the client ({@link PREDICTION_ONE_CLIENT}) and
 * {@link PredictionOneService}. By default every request goes through `HttpClient`, so add
 * `provideHttpClient()` (with your interceptors) next to it. Requests carry the
 * {@link PREDICTION_ONE_REQUEST} and {@link PREDICTION_ONE_OPERATION} context tokens.
 *
 * The client is created on first injection. `config` may be a function, run in the injection
 * context at that moment, to read settings from other services.
 *
 * **Errors**: injecting the client throws `ValidationError` for a missing or non-http(s)
 * `baseUrl`, for no key (give `keyAddedByProxy: true` when a backend proxy adds it, the
 * recommended setup), for any key (`apiKey`, `apiKeys` or `secretKey`) in a browser without
 * `dangerouslyAllowBrowser: true` (every user of the page could read it; server-side rendering
 * in Node needs no opt-in), or for `fetch` together with `useHttpClient`; Angular's NG0201 "No
 * provider for HttpClient" when `provideHttpClient()` is missing.
 *
 * ## Example
 * ```ts
 * import { bootstrapApplication } from '@angular/platform-browser';
 * import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
 * import { providePredictionOne } from 'prediction-one-rx/angular';
 *
 * bootstrapApplication(AppComponent, {
 *   providers: [
 *     provideHttpClient(withFetch(), withInterceptors([logInterceptor])),
 *     // Your backend at /p1 adds the API key: the browser holds none.
 *     providePredictionOne({ baseUrl: `${location.origin}/p1`, keyAddedByProxy: true, poll: { maxDelayMs: 5_000 } }),
 *   ],
 * });
 * ```
 *
 * @param config - The configuration, or a factory of it run in an injection context.
 * @returns Providers for `bootstrapApplication`, a route's `providers`, or `createEnvironmentInjector`.
 */
export function providePredictionOne(config: PredictionOneConfig | (() => PredictionOneConfig)): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: PREDICTION_ONE_CONFIG, useFactory: typeof config === 'function' ? config : () => config },
    { provide: PREDICTION_ONE_CLIENT, useFactory: () => clientFromConfig(inject(PREDICTION_ONE_CONFIG)) },
    { provide: PredictionOneService, useFactory: () => new PredictionOneService(inject(PREDICTION_ONE_CLIENT)) },
  ]);
}
