/** Client configuration: what createClient accepts, with its documented defaults. */
/**
 * Client configuration: what createClient takes and what a derived client may change (the defaults are in lib/core/defaults.ts).
 *
 * @packageDocumentation
 */
import type { CallEndEvent, RequestEvent } from './operation';
import type { Interceptor } from './interceptor';
import type { SchedulerLike } from 'rxjs';
import type { FetchLike } from './fetchLike';
import type { RequestLimits } from './requestLimits';
import type { ApiKeys } from './credentialTypes';
import type { UploadSpool } from './uploadSpool';

/**
 * The real service's root. A client never targets it by default: pass it as `baseUrl` to say
 * "production" out loud (tests and demos use the emulator's URL).
 *
 * ## Example
 * ```ts
 * createClient({ baseUrl: PRODUCTION_BASE_URL, apiKey: process.env.P1RX_API_KEY });
 * ```
 */
export const PRODUCTION_BASE_URL = 'https://developer-api.predictionone.sony.biz';

/**
 * The real service's root.
 *
 * ## Example
 * ```ts
 * createClient({ baseUrl: PRODUCTION_BASE_URL, apiKey });
 * ```
 *
 * @deprecated Use {@link PRODUCTION_BASE_URL}: `baseUrl` has no default any more. Will be removed in v2.
 */
export const DEFAULT_BASE_URL = PRODUCTION_BASE_URL;

/**
 * When and how often {@link pollStatus$} asks for the status of a training.
 *
 * The default polls at once, then after 1 s, doubling up to 30 s (the vendor's reference loop
 * polls every 30 s), and gives up after 24 hours.
 *
 * ## Example
 * ```ts
 * pollStatus$(client, { minDelayMs: 500, maxDelayMs: 10_000, maxWaitMs: 3_600_000 });
 * ```
 */
export interface PollOptions {
  /**
   * Delay before the first poll. Default `0` (poll at once). Each subscriber's own: it delays the
   * first request of a poller this subscriber starts; one joining a poller already running for
   * the same training gets its latest status at once and follows its schedule.
   */
  readonly firstDelayMs?: number;
  /** Interval after the first poll. Default `1000`. */
  readonly minDelayMs?: number;
  /** Largest interval. Default `30000`. */
  readonly maxDelayMs?: number;
  /** Factor the interval grows by after each poll; `1` = fixed interval. Default `2`. */
  readonly multiplier?: number;
  /** `'full'`: each wait is a random value in `[0, interval]` (AWS "full jitter"). Default `'none'`. */
  readonly jitter?: 'none' | 'full';
  /**
   * How long a training may take, counted from when it was accepted: Create Model's answer,
   * kept as a job record's `trainingSinceMs`. `trainModel$` (with or without a record to
   * resume), `p1rx batch` and the fleet all end the run with {@link PollTimeoutError} at that
   * moment plus `maxWaitMs`, however often they were restarted. `pollStatus$` given a bare id,
   * which cannot know when it was accepted, counts from its subscription (each subscriber its
   * own). Default 24 h. `Infinity` disables it.
   */
  readonly maxWaitMs?: number;
  /** Statuses that end polling successfully. Default `['finished']`. */
  readonly terminalStatuses?: readonly string[];
  /** Statuses that end polling with {@link TrainingFailedError}. Default `['failed', 'error']`. */
  readonly failureStatuses?: readonly string[];
  /** Source of randomness for jitter, in `[0, 1)`. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * How transient failures (network errors, HTTP 5xx and 429) are retried. Create Model is only
 * retried when the request provably never reached the server.
 *
 * ## Example
 * ```ts
 * createClient({ baseUrl, apiKey, retry: { maxAttempts: 5, onRetry: (e) => console.log(e.attempt, e.delayMs) } });
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default `4`; `1` disables retries. */
  readonly maxAttempts?: number;
  /** First backoff interval. Default `500`. */
  readonly baseDelayMs?: number;
  /** Largest backoff interval, and the ceiling for `Retry-After`. Default `30000`. */
  readonly maxDelayMs?: number;
  /** Source of randomness for full jitter, in `[0, 1)`. Default `Math.random`. */
  readonly random?: () => number;
  /** Called before each retry: for a progress line or a log. */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * Time limit of one logical call, all its attempts and backoff waits included; then
   * {@link index!DeadlineExceededError}. A retry whose wait would end past the deadline is not
   * started. Default: none (a call is bounded by `requestTimeoutMs` × `maxAttempts` plus backoff).
   */
  readonly deadlineMs?: number;
}

/**
 * One retry about to happen. Carries no secrets: `url` is redacted.
 *
 * ## Example
 * ```ts
 * const onRetry = (e: RetryEvent) => console.log(`${e.method} ${e.url}: attempt ${e.attempt}/${e.maxAttempts} in ${e.delayMs} ms (${e.cause.name})`);
 * ```
 */
export interface RetryEvent {
  /** The attempt about to be made: `2` for the first retry, up to {@link RetryEvent.maxAttempts}. */
  readonly attempt: number;
  /** Attempts allowed for this call, the first included. */
  readonly maxAttempts: number;
  /** Wait before the attempt. */
  readonly delayMs: number;
  readonly method: string;
  readonly url: string;
  readonly cause: Error;
}

/**
 * Everything a client needs. `baseUrl` and a key (`apiKey` or `secretKey`) are required; the
 * rest has defaults. `createNodeClient` (in `prediction-one-rx/node`) also reads them from
 * `P1RX_BASE_URL`, `P1RX_API_KEY` and `P1RX_SECRET_KEY`.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl: emulator.url, apiKey: emulator.apiKeys[0] });
 * const prod = createClient({ baseUrl: PRODUCTION_BASE_URL, secretKey: process.env.P1RX_SECRET_KEY });
 * ```
 */
export interface ClientConfig {
  /**
   * Service root, without a trailing slash: the emulator's URL, your backend proxy's, or
   * {@link PRODUCTION_BASE_URL} for the real service. Required: there is no default, so a
   * forgotten setting never reaches production by accident.
   */
  readonly baseUrl?: string;
  /** API key for `x-api-key`, used for every endpoint whose type {@link ClientConfig.apiKeys} does not name. */
  readonly apiKey?: string;
  /**
   * API keys per credential type (`train` for the training flow and listings, `deploy` for the
   * classifier endpoints, `retrain` for one model's retraining), as the service issues them.
   */
  readonly apiKeys?: ApiKeys;
  /**
   * Secret key: exchanged with Get API Key for an API key of each type the client needs and has
   * no static key for (cached per type, refreshed before `end_date`). Refused in a browser
   * unless {@link ClientConfig.dangerouslyAllowBrowser} is set: anyone who opens the page can
   * read it.
   */
  readonly secretKey?: string;
  /**
   * Allow a `secretKey` in a browser-like environment (a page or a web worker). Only for
   * trusted internal tools whose users may see the key; otherwise keep keys on a server and
   * point `baseUrl` at a proxy that adds them (see {@link ClientConfig.keyAddedByProxy}).
   * Default false.
   */
  readonly dangerouslyAllowBrowser?: boolean;
  /**
   * Allow a key (`apiKey`, `apiKeys` or `secretKey`) to be sent over plain `http:` to a host
   * that is not loopback. By default such a client is refused when it is made (a
   * `ValidationError`): anyone on the path could read the key, and during a key exchange it is
   * the secret key. Loopback (`127.0.0.0/8`, `::1`, `localhost`: the emulator, a local proxy)
   * is always allowed. The CLI's flag is `--allow-insecure-http`. Default false.
   *
   * ## Example
   * ```ts
   * createClient({ baseUrl: 'http://p1-gateway.internal:8080', apiKey, allowInsecureHttp: true }); // a trusted private network
   * ```
   */
  readonly allowInsecureHttp?: boolean;
  /**
   * `baseUrl` is your own backend, which adds `x-api-key` on its way to the service: the
   * client sends no key and needs none (the recommended browser setup). Giving a key as well
   * is an error. Default false.
   */
  readonly keyAddedByProxy?: boolean;
  /** The fetch to use. Default `cross-fetch` (the platform fetch in browsers, node-fetch in Node). */
  readonly fetch?: FetchLike;
  /** Scheduler for every timer (polling, backoff). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Extra headers sent with every API request (not with pre-signed URLs). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Per-request time limit for API calls (not for uploads and result downloads, whose time
   * grows with their size), separate from the poll deadline `poll.maxWaitMs`. Default 60 s.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Uploads and result downloads are aborted when nothing moves for this long (a stalled or
   * half-closed connection would otherwise hang them forever). Default 60 s.
   */
  readonly transferIdleTimeoutMs?: number;
  /** Largest JSON response accepted. Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * Largest result archive, compressed or uncompressed (zip-bomb guard), when it is streamed
   * to a sink or to disk (`streamResult$`, `downloadResultToDir$`). Default 2 GiB.
   */
  readonly maxResultBytes?: number;
  /**
   * Largest result held in memory, uncompressed (`downloadResult$`, `trainModel$`, the Angular
   * service): a size a browser tab survives. The smaller of this and `maxResultBytes` applies;
   * reading stops as soon as the running total passes it. Default 256 MiB.
   */
  readonly maxResultMemoryBytes?: number;
  /**
   * Most a result archive may inflate relative to its compressed bytes received so far, judged
   * past its first MiB of output: a zip bomb (1000:1) is stopped after a few MiB, while result
   * CSVs (5–20:1) pass. `Infinity` turns the guard off. Default 200.
   */
  readonly maxCompressionRatio?: number;
  /** Defaults for {@link index!pollStatus$}. */
  readonly poll?: PollOptions;
  /** Retry policy for transient failures. */
  readonly retry?: RetryOptions;
  /**
   * Client-wide limits on API calls (in flight, per second), shared by every pipeline using
   * this client: for fan-out over thousands of trainings. Uploads and downloads are not gated.
   */
  readonly limits?: RequestLimits;
  /**
   * Whether the fetch accepts `AsyncIterable<Uint8Array>` request bodies (the Node entry's
   * transport does). When false, a streamed upload is collected into memory first. Default false.
   */
  readonly streamUploads?: boolean;
  /**
   * Where an upload source of unknown length (a stream without a size) is copied to learn its
   * length before it is sent: object storage needs `Content-Length` (S3 refuses chunked
   * uploads). `createNodeClient` sets `tempFileSpool()` (a temporary file, removed after the
   * upload). Without one, such a source is held in memory up to {@link ClientConfig.maxSpoolBytes}.
   * Files, `Blob`s and bytes know their length and are never spooled.
   */
  readonly spool?: UploadSpool;
  /**
   * Most bytes of a source of unknown length held in memory when there is no
   * {@link ClientConfig.spool} (or the fetch cannot stream): past it the upload fails with
   * `SpoolLimitError` before anything is sent. Default 256 MiB.
   */
  readonly maxSpoolBytes?: number;
  /**
   * Native codecs for result archives: a raw-deflate decoder and a CRC-32 (the Node entry sets
   * `node:zlib`'s, about 3x and 20x faster than the JavaScript ones). Default: {@link node!WebInflate}
   * (the platform's `DecompressionStream('deflate-raw')`) where it works, else fflate's inflate,
   * and a table CRC-32, which runs everywhere.
   */
  readonly zipCodec?: ZipCodec;
  /**
   * The tracing hook: called for every request the client sends (API calls, pre-signed
   * transfers, inference), when it is handed to the fetch and when it ends, with its operation
   * name, attempt, HTTP status and training id (see {@link RequestEvent}). It runs last in the
   * request chain, after the retry policy, the credentials, the limiter and the
   * {@link ClientConfig.interceptors}, right around the fetch. It only observes: what it throws is
   * ignored. Never given a URL or a key.
   *
   * ## Example
   * ```ts
   * createClient({ baseUrl, apiKey, onRequest: (e) => e.phase !== 'start' && console.log(`${e.operation} #${e.attempt}: ${e.status ?? 'no response'}`) });
   * ```
   */
  readonly onRequest?: (event: RequestEvent) => void;
  /**
   * Interceptors of every API call and inference call, in order: the first sees the attempt
   * first. They run for each attempt, inside the client's own stages and around the tracing
   * hook: retry budget, credentials and refresh, limiter, **these interceptors**, tracing hook
   * ({@link ClientConfig.onRequest}), fetch (see docs/CONTRACT.md, "Request operations and the request chain"). A
   * client derived with `withOptions({ interceptors })` runs its parent's first, then its own.
   * Pre-signed transfers (uploads, result downloads) do not pass through them. Default none.
   *
   * ## Example
   * ```ts
   * const tagged: Interceptor = (call, next) => next(call.withHeaders({ 'x-p1-operation': call.operation }));
   * createClient({ baseUrl, apiKey, interceptors: [tagged] });
   * ```
   */
  readonly interceptors?: readonly Interceptor[];
  /**
   * Told when a logical call ends (success, final failure or cancellation), after all its
   * attempts: with {@link ClientConfig.onRequest}'s `call` number, what a tracer needs for one
   * span per call. It only observes: what it throws is ignored.
   *
   * ## Example
   * ```ts
   * createClient({ baseUrl, apiKey, onCallEnd: (e) => e.outcome === 'error' && console.log(`${e.operation}: ${e.error?.name}`) });
   * ```
   */
  readonly onCallEnd?: (event: CallEndEvent) => void;
}

/**
 * A raw-deflate decoder as fflate's `Unzip` registers it: `push` compressed chunks, get the
 * inflated ones through `ondata`.
 *
 * A **synchronous** decoder (fflate's `UnzipInflate`, `NodeInflate`) calls `ondata` before
 * `push` returns and has no `drained`. An **asynchronous** one ({@link node!WebInflate}) calls it
 * later and must implement `drained`: the unzipper awaits it after every network chunk (which
 * keeps the bytes pushed but not yet inflated bounded) and at the end of the archive (so every
 * entry's last bytes are in before its CRC-32 and size are checked). Either kind:
 *
 * - reports corrupt or truncated data as `ondata(err, empty, true)`, never by throwing;
 * - hands out fresh output chunks (the unzipper and entry writers may keep them), and does not
 *   expect to own the input chunks (they are views of the downloaded bytes, never modified);
 * - calls `ondata` no more after its final call or after `terminate()`, which also releases
 *   whatever it holds (the unzipper terminates decoders on a failure, past the size limit and
 *   on cancellation).
 *
 * ## Example
 * ```ts
 * class Inflate { static compression = 8; ondata = (_e: Error | null, _d: Uint8Array, _f: boolean) => {}; push(c: Uint8Array, f: boolean) { ... } }
 * ```
 */
export interface InflateDecoder {
  /**
   * Set by the unzipper before the first `push`. (A method signature, so that fflate's own
   * decoders, typed with its `FlateError`, fit this interface.)
   */
  ondata(err: Error | null, data: Uint8Array, final: boolean): void;
  push(chunk: Uint8Array, final: boolean): void;
  terminate?(): void;
  /**
   * Asynchronous decoders only: a promise that resolves once the decoder has taken in every
   * chunk pushed so far (its output may follow), and, once the final chunk was pushed, only
   * after the last `ondata` call (final or error). It never rejects (errors go to `ondata`).
   * `undefined` when nothing is pending.
   */
  drained?(): Promise<void> | undefined;
}

/**
 * The class of an {@link InflateDecoder}; `compression` is the zip method it decodes (8 = deflate).
 *
 * ## Example
 * ```ts
 * const codec: ZipCodec = { inflate: NodeInflate };
 * ```
 */
export interface InflateDecoderConstructor {
  new (name: string, size?: number, originalSize?: number): InflateDecoder;
  readonly compression: number;
}

/**
 * Codecs used to read result archives. Every field is optional.
 *
 * ## Example
 * ```ts
 * createClient({ baseUrl, apiKey, zipCodec: { inflate: NodeInflate, crc32: zlib.crc32 } });
 * ```
 */
export interface ZipCodec {
  /**
   * Decoder of deflated entries. Default: {@link node!WebInflate} where `DecompressionStream('deflate-raw')`
   * works (current browsers, Node), else fflate's `UnzipInflate` (pass it to force fflate).
   */
  readonly inflate?: InflateDecoderConstructor;
  /** Continues a CRC-32 over `data` (start with `0`). Default: a table CRC-32 in JavaScript. */
  readonly crc32?: (data: Uint8Array, previous: number) => number;
}

/**
 * What {@link index!PredictionOneClient.withOptions} may change in a derived client: its own
 * transport settings (fetch, retry, poll defaults, timeouts, bounds, headers, upload and result
 * handling, tracing hook) and static keys for some credential types (`apiKeys`, e.g. a retrain
 * key for one model). What a derived client always shares with its parent, and so cannot be
 * given here: the service root, the key configuration (`apiKey`, `secretKey`, a proxy adding
 * the key) and its exchanges and refreshes, the `limits` gate, the scheduler, and the shared
 * status polls.
 *
 * ## Example
 * ```ts
 * const patient = client.withOptions({ requestTimeoutMs: 120_000, retry: { maxAttempts: 8 } });
 * ```
 */
export type ClientOptions = Omit<
  ClientConfig,
  'baseUrl' | 'apiKey' | 'secretKey' | 'keyAddedByProxy' | 'dangerouslyAllowBrowser' | 'allowInsecureHttp' | 'limits' | 'scheduler'
>;
