/** The client: resolved settings, credentials, limiter and transport shared by every operator. */
/**
 * The client: configuration, transport and credentials in one value that every operator takes.
 *
 * @packageDocumentation
 */
import crossFetch from 'cross-fetch';
import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';
import { ApiKeyResponse } from '../codecs/apiKey';
import type { ClientConfig, ClientOptions } from '../core/config';
import { isBrowserLike } from '../core/environment';
import { ValidationError } from '../core/errors';
import { DEFAULT_POLL_OPTIONS, resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import { resolveSettings, type ResolvedSettings } from '../core/settings';
import { INSPECT_CUSTOM, redactConfig } from '../core/redact';
import { buildChain, callApiWithKey$, type RequestChain } from './api';
import { Credentials, type CredentialState } from './credentials';
import { Deadlines, type ExchangeContext } from './request';
import type { FetchLike } from './fetchLike';
import { RequestLimiter } from './limiter';
import { insecureHttpIssue } from './url';

/** cross-fetch's default export, called late so a polyfilled global is picked up. */
const defaultFetch: FetchLike = (url, init) => (crossFetch as unknown as FetchLike)(url, init);

/**
 * A configured connection to Prediction One (or to the emulator). Create it with
 * {@link createClient}; pass it to every operator.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'my-key' });
 * of(csv).pipe(upload$(client)).subscribe(console.log);
 * ```
 */
export class PredictionOneClient {
  /** Service root, without a trailing slash. */
  readonly baseUrl: string;
  /** The configuration the client was made with. */
  readonly config: ClientConfig;
  /** Scheduler of every timer the client starts. */
  readonly scheduler: SchedulerLike;
  /** @internal The poll defaults (`config.poll` over the library's), resolved once. */
  readonly poll: ResolvedPollOptions;
  /** @internal Timeouts, limits and the retry policy (`config` over the library's defaults), resolved once. */
  readonly settings: ResolvedSettings;
  /** Where the credential stands (`static`, `exchanging`, `valid` with its expiry, `failed`). */
  readonly credentialState$: Observable<CredentialState>;
  /** @internal */
  readonly http: ExchangeContext;
  /** @internal */
  readonly credentials: Credentials;
  /** @internal */
  readonly limiter: RequestLimiter;
  /**
   * @internal The one request chain (retry budget, credentials, limiter, `config.interceptors`,
   * exchange), composed once for every call of this client.
   */
  readonly chain: RequestChain;
  /**
   * @internal The scope of shared status polls (`sharedPoll$`'s owner): one per client family,
   * so a derived client's polls join its parent's.
   */
  readonly shares: object;

  /**
   * @internal Use {@link createClient} or {@link PredictionOneClient.withOptions}. With `parent`,
   * the client shares its credentials, limiter, scheduler and poll scope, and `ownKeys` are its
   * static keys for the types they name.
   */
  constructor(config: ClientConfig, parent?: PredictionOneClient, ownKeys?: ClientOptions['apiKeys']) {
    const baseUrl = checkConfig(config);
    this.baseUrl = baseUrl;
    this.config = config;
    this.scheduler = parent?.scheduler ?? config.scheduler ?? asyncScheduler;
    this.poll = resolvePollOptions(DEFAULT_POLL_OPTIONS, config.poll);
    this.settings = resolveSettings(config);
    this.credentials = parent
      ? ownKeys
        ? parent.credentials.withKeys(ownKeys)
        : parent.credentials
      : new Credentials(
          { apiKey: config.apiKey, apiKeys: config.apiKeys, secretKey: config.secretKey, proxied: config.keyAddedByProxy === true },
          (secretKey, credentialType) =>
            callApiWithKey$(
              this,
              secretKey,
              { operation: 'getApiKey', method: 'GET', path: '/v1/external/api-key', query: { credential_type: credentialType } },
              ApiKeyResponse,
            ),
          () => this.scheduler.now(),
        );
    this.credentialState$ = this.credentials.state$.asObservable();
    this.limiter = parent?.limiter ?? new RequestLimiter(config.limits ?? {}, this.scheduler);
    this.shares = parent?.shares ?? {};
    this.http = {
      fetch: config.fetch ?? defaultFetch,
      secrets: () => this.credentials.secrets(),
      now: () => Date.now(),
      scheduler: this.scheduler,
      onRequest: config.onRequest,
      onCallEnd: config.onCallEnd,
      deadlines: new Deadlines(this.scheduler),
    };
    this.chain = buildChain(this, config.interceptors ?? []);
  }

  /**
   * A client with `options` over this one's settings that shares this client's credentials
   * (its keys, exchanges and refreshes: a key refreshed through one is the other's), its
   * `limits` gate (the derived client's requests count against the same in-flight and
   * per-second limits), its scheduler and its shared status polls (a poll of the same training
   * on the same schedule is one poll for both). `apiKeys` adds static keys for the types it
   * names (a retrain key for one model); every other type uses this client's credentials.
   * Cheap: nothing is opened, nothing is sent.
   *
   * What is shared cannot be changed: `baseUrl`, `apiKey`, `secretKey`, `keyAddedByProxy`,
   * `limits`, `scheduler` … are not {@link ClientOptions} (and are ignored if given anyway).
   * `interceptors` add to this client's: the derived client runs this one's first, then its own.
   *
   * **Errors**: throws {@link ValidationError} for `apiKeys` when a proxy adds the key
   * (`keyAddedByProxy`), as {@link createClient} does.
   *
   * ## Example
   * ```ts
   * const client = createClient({ baseUrl, secretKey, limits: { maxInFlight: 16 } });
   * const patient = client.withOptions({ requestTimeoutMs: 120_000, retry: { maxAttempts: 8 } });
   * of(csv).pipe(upload$(patient)).subscribe(); // counts against the same 16 requests in flight
   * ```
   *
   * @param options - The settings that differ ({@link ClientOptions}).
   * @returns The derived client.
   */
  withOptions(options: ClientOptions): PredictionOneClient {
    // The credentials, limiter and scheduler are the parent's whatever `options` says; the keys
    // never go to another host, nor over plain http where the parent's may not.
    const { baseUrl, allowInsecureHttp, apiKeys, interceptors } = this.config;
    const config: ClientConfig = {
      ...this.config,
      ...options,
      baseUrl,
      allowInsecureHttp,
      apiKeys: { ...apiKeys, ...options.apiKeys },
      interceptors: options.interceptors === undefined ? interceptors : [...(interceptors ?? []), ...options.interceptors],
    };
    return new PredictionOneClient(config, this, options.apiKeys);
  }

  /**
   * What `JSON.stringify(client)` writes: the base URL and the configuration with `apiKey`,
   * `secretKey` and secret-named headers shown as `[REDACTED]` (never the keys, nor a key
   * obtained by exchange).
   *
   * ## Example
   * ```ts
   * JSON.stringify(createClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'k-123456' }));
   * // '{"baseUrl":"http://127.0.0.1:8080","config":{"baseUrl":"http://127.0.0.1:8080","apiKey":"[REDACTED]"}}'
   * ```
   *
   * @returns A plain, printable object.
   */
  toJSON(): { readonly baseUrl: string; readonly config: unknown } {
    return { baseUrl: this.baseUrl, config: redactConfig(this.config) };
  }

  /**
   * A one-line description without secrets.
   *
   * ## Example
   * ```ts
   * String(createClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'k-123456' })); // 'PredictionOneClient(http://127.0.0.1:8080)'
   * ```
   *
   * @returns `PredictionOneClient(<baseUrl>)`.
   */
  toString(): string {
    return `PredictionOneClient(${this.baseUrl})`;
  }

  /**
   * What Node's `util.inspect` and `console.log(client)` show: the same redacted view as
   * {@link PredictionOneClient.toJSON}. Keyed by `Symbol.for('nodejs.util.inspect.custom')`, so
   * nothing here imports Node.
   *
   * @internal
   */
  [INSPECT_CUSTOM](_depth: number, options: object, inspect?: (value: unknown, options: object) => string): string {
    const view = this.toJSON();
    return `PredictionOneClient ${inspect ? inspect(view, options) : JSON.stringify(view)}`;
  }
}

/**
 * Every problem of a configuration at once, so a client that could never work is never made.
 * Returns the normalized `baseUrl`.
 */
function checkConfig(config: ClientConfig): string {
  const issues: string[] = [];
  const given = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';
  const baseUrl = given(config.baseUrl) ? config.baseUrl.trim().replace(/\/+$/, '') : undefined;
  if (baseUrl === undefined) {
    issues.push(
      "baseUrl is required: the emulator's URL, your proxy's, or PRODUCTION_BASE_URL for the real service (createNodeClient also reads P1RX_BASE_URL)",
    );
  } else if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
    issues.push(`baseUrl must be an http(s) URL, got '${baseUrl}'`);
  }
  // A key of any documented form counts: one for every endpoint, one per credential type, or a secret key.
  const keyed = given(config.apiKey) || given(config.secretKey) || Object.values(config.apiKeys ?? {}).some((k) => given(k as string | undefined));
  if (config.keyAddedByProxy) {
    if (keyed) issues.push('keyAddedByProxy: true means the proxy adds the key; do not give apiKey, apiKeys or secretKey as well');
  } else if (!keyed) {
    issues.push(
      'no key: set apiKey (or apiKeys per credential type), or secretKey to exchange for one (createNodeClient also reads P1RX_API_KEY / P1RX_SECRET_KEY), or keyAddedByProxy: true when baseUrl is a backend that adds it',
    );
  }
  const insecure = keyed && baseUrl !== undefined && !config.allowInsecureHttp ? insecureHttpIssue(baseUrl) : undefined;
  if (insecure) issues.push(insecure);
  if (given(config.secretKey) && !config.dangerouslyAllowBrowser && isBrowserLike()) {
    issues.push(
      'secretKey in a browser: anyone who opens the page can read it. Keep keys on a server (a proxy that adds x-api-key, with keyAddedByProxy: true), or set dangerouslyAllowBrowser: true for a trusted internal tool',
    );
  }
  if (issues.length > 0) throw new ValidationError('client configuration', issues);
  return baseUrl!;
}

/**
 * Creates a client. Give `apiKey` (used for every endpoint), `apiKeys` (one per credential type:
 * `train` for the training flow and listings, `deploy` for the classifier endpoints), or
 * `secretKey` to have the client exchange it for a key of each type it needs (cached per type,
 * one exchange in flight per type, refreshed before `end_date`).
 *
 * **Errors**: throws {@link ValidationError} (`issues` lists every problem) when `baseUrl` is
 * missing or not an http(s) URL (say {@link PRODUCTION_BASE_URL} to target the real service),
 * when no key is given (and `keyAddedByProxy` is not set), and for a `secretKey` in a browser
 * without `dangerouslyAllowBrowser`, and for a key with a plain `http:` `baseUrl` whose host is
 * not loopback, unless `allowInsecureHttp` is set.
 *
 * ## Example
 * ```ts
 * import { createClient, PRODUCTION_BASE_URL } from 'prediction-one-rx';
 * const client = createClient({ baseUrl: emulator.url, apiKey: emulator.apiKeys[0] });
 * const prod = createClient({ baseUrl: PRODUCTION_BASE_URL, apiKey: myKey });
 * const perType = createClient({ baseUrl, apiKeys: { train: trainKey, deploy: deployKey } });
 * const exchanging = createClient({ baseUrl, secretKey }); // train and deploy keys fetched on demand
 * createClient({}); // throws ValidationError: Invalid client configuration: baseUrl is required: ...; no key: ...
 * ```
 *
 * @param config - See {@link ClientConfig}.
 * @returns A client to pass to the operators.
 */
export function createClient(config: ClientConfig): PredictionOneClient {
  return new PredictionOneClient(config);
}
