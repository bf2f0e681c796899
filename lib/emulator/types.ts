/** The emulator's public types: options, recorded requests and controls. */
import type { CredentialType, RecordedKeyType } from './auth';
import type { DeploymentControls } from './deployments';
import type { FaultKind, FaultPlan, FaultSettings } from './faultPlan';
import type { EmulatorStats } from './stats';

/**
 * Options of {@link startEmulator}. Every field is optional; the defaults suit tests.
 *
 * The emulator is at least as strict as the real service and its storage: every way it can be
 * more lenient is one of the `allow…` options below, each off by default (and a `p1rx emulator`
 * flag of the same name, `--allow-…`). docs/CONTRACT.md lists them with their reasons.
 *
 * ## Example
 * ```ts
 * const emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: ['test-key'] });
 * ```
 */
export interface EmulatorOptions {
  /** Port to listen on; default 0 (the OS picks a free one). */
  port?: number;
  /** Interface to bind; default `'127.0.0.1'`. */
  host?: string;
  /** Secret keys accepted by Get API Key; default: one random key is generated. */
  secretKeys?: string[];
  /**
   * Pre-registered API keys that never expire and open every train and deploy endpoint (a test
   * convenience: the real service's keys each have one credential type). Retraining always needs
   * a `retrain` key from Get API Key, since a retrain key is bound to its model.
   */
  apiKeys?: string[];
  /**
   * Pre-registered API keys of one credential type each, enforced like issued ones: a `train`
   * key on a classifier endpoint answers `Not_found_credential.`, and so on.
   */
  apiKeysByType?: { train?: string[]; deploy?: string[] };
  /**
   * Accept an inference `pr` with more than one data row. Off by default: the vendor's page
   * defines `pr` as the header plus ONE data row, so the emulator answers 4001030104
   * `Invalid request` to more, as the real service may.
   */
  allowMultiRowInference?: boolean;
  /**
   * Leniency: Train Data Upload without its documented `extension` query parameter is taken as
   * `extension=csv`. Off by default: the page lists `extension` as the request's one query
   * parameter, so its absence answers 400 `PREDA_EXTERNAL_BAD_REQUEST`.
   */
  allowMissingExtension?: boolean;
  /**
   * Leniency: on endpoints that take no `filename` parameter, a `filename` whose text reads as
   * `name=value` lines supplies those parameters, so the pages' curl examples
   * (`--data-urlencode filename@params.txt`, which sends ONE parameter named `filename`) run
   * unchanged. Off by default: no page says the service reads a parameter file (a guess, C11).
   */
  allowCurlParamFile?: boolean;
  /**
   * Leniency: pre-signed PUTs may come with `Transfer-Encoding: chunked` and no
   * `Content-Length`. Off by default: S3 refuses them with 501 `NotImplemented`, so the
   * emulator does too (and 411 `MissingContentLength` without any length).
   */
  allowChunkedUploads?: boolean;
  /**
   * Lifetime of the pre-signed storage URLs (`X-Amz-Expires`, whole seconds); default 1 h. Past it
   * they answer S3's 403 `AccessDenied` "Request has expired", judged on {@link EmulatorOptions.now}.
   * Status answers sign their `result_url`/`download_url` anew each time.
   */
  presignedUrlTtlMs?: number;
  /**
   * Time a job spends in `waiting` then `running` before training runs; default 2000 ms,
   * about a quarter of it `waiting`. `0` trains as soon as possible.
   */
  trainingDelayMs?: number;
  /** When true, jobs move only on {@link Emulator.advance} (advancing to `finished` still trains). */
  manual?: boolean;
  /**
   * Largest accepted upload, in bytes; default 200 MiB, at most 5 GiB (S3's limit for one PUT:
   * the storage is never more lenient than S3). Bigger PUTs answer S3's 400 `EntityTooLarge`.
   */
  maxUploadBytes?: number;
  /** Lifetime of API keys issued by Get API Key; default 24 h. */
  apiKeyTtlMs?: number;
  /**
   * The emulator's clock (ms since the epoch) for issued keys' lifetimes and pre-signed URLs'
   * `X-Amz-Date` and expiry; default `Date.now`. A test can expire a key or a URL by moving its
   * own clock instead of sleeping past `apiKeyTtlMs` or `presignedUrlTtlMs`.
   */
  now?: () => number;
  /** Seed of the training randomness (folds, forests); default 42. */
  seed?: number;
  /**
   * Trees of each random forest the emulator trains (per evaluation fold, and for a prediction
   * API); default 20. Fewer trees train several times faster and a little less accurately: for
   * tests and demos that do not look at a model's quality. The answers' shapes are the same.
   */
  trainingTrees?: number;
  /** Request log sink, one line per request. Keys and signatures are never written. */
  log?: (line: string) => void;
  /** Random, seeded fault injection (5xx, 429, latency, resets, truncation…); default none. */
  faults?: FaultPlan;
  /**
   * Data sets the account already holds at start (ids 1..n, oldest first); default 0. They are
   * generated when a page lists them, never stored, so `300_000` costs a few kilobytes and a page
   * of List Data Sets stays O(limit). Each holds the same 2-row CSV behind a working signed
   * `download_url`; deleting one works like deleting an uploaded one. For listings at scale:
   * `startEmulator({ syntheticDataSets: 300_000 })`.
   */
  syntheticDataSets?: number;
}

/**
 * One request as the emulator saw it. `route` is the key used by {@link Emulator.count},
 * `failNext` and friends, e.g. `'GET /v1/external/models/results'` or `'PUT /storage/upload'`.
 *
 * ## Example
 * ```ts
 * const req = emulator.expectOne('POST /v1/external/models');
 * console.log(req.status); // 200
 * ```
 */
export interface RecordedRequest {
  method: string;
  /** Pathname only, never the query (pre-signed URLs keep their secret there). */
  path: string;
  route: string;
  /** HTTP status sent (or being sent) back; undefined while the request is handled. */
  status?: number;
  /** True when the client closed the connection before the response was finished. */
  aborted: boolean;
  /** `Date.now()` when the request arrived. */
  startedAt: number;
  /** The kind of key the request carried in `x-api-key` (never the key itself). */
  keyType: RecordedKeyType;
  /** The injected fault applied to this request, if any (`'latency'` is not recorded here). */
  fault?: FaultKind;
  /** The request's `Transfer-Encoding` header as sent (e.g. `'chunked'`), when it had one. */
  transferEncoding?: string;
  /** The request's declared `Content-Length`, when it had one. */
  contentLength?: number;
}

/**
 * Status of a training job in the emulator.
 *
 * ## Example
 * ```ts
 * await emulator.advance(id, 'running' satisfies EmulatorJobStatus);
 * ```
 */
export type EmulatorJobStatus = 'waiting' | 'running' | 'finished' | 'failed';

/**
 * A running emulator of the Prediction One developer API. Made by {@link startEmulator}.
 *
 * ## Example
 * ```ts
 * const emulator = await startEmulator({ trainingDelayMs: 0 });
 * await fetch(`${emulator.url}/v1/external/models`, { headers: { 'x-api-key': 'nope' } });
 * console.log(emulator.count('GET /v1/external/models')); // 1
 * await emulator.close();
 * ```
 */
export interface Emulator extends DeploymentControls {
  /** Base URL without a trailing slash, e.g. `'http://127.0.0.1:41234'`. */
  readonly url: string;
  readonly secretKeys: readonly string[];
  /** Pre-registered API keys plus every key issued by Get API Key so far. */
  readonly apiKeys: readonly string[];
  /** Every request, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Number of requests recorded for a route key. */
  count(route: string): number;
  /** The only request recorded for a route key; throws when there are none or several. */
  expectOne(route: string): RecordedRequest;
  /** Resolves with the oldest request on `route` not yet returned by an earlier call (waiting if none). */
  waitForRequest(route: string, opts?: { timeoutMs?: number }): Promise<RecordedRequest>;
  /** Resolves with the oldest request on `route` that the client aborted and no earlier call returned. */
  waitForAbort(route: string, opts?: { timeoutMs?: number }): Promise<RecordedRequest>;
  /** Holds the next response on `route` for `ms` (the request is handled first, then held). */
  delayNext(route: string, ms: number): void;
  /** Answers the next request on `route` with `status` and `body` instead of handling it. */
  failNext(route: string, status: number, body?: unknown, opts?: { retryAfterS?: number }): void;
  /**
   * Injects `kind` into the next request on `route` (one-shot, queued in order, ahead of any
   * random {@link EmulatorOptions.faults}). Throws a `RangeError` for an unknown route or a
   * setting the kind does not take.
   */
  injectNext(route: string, kind: FaultKind, settings?: FaultSettings): void;
  /** What the emulator did so far: requests per route, faults applied, models per upload. */
  stats(): EmulatorStats;
  /** Moves a job to `status`; moving to `finished` trains first (and ends `failed` if it cannot). */
  advance(externalProcessId: string, status: EmulatorJobStatus): Promise<void>;
  /** State of a job; `modelsCreated` counts Create Model calls for the upload. */
  job(externalProcessId: string): { status: string; modelsCreated: number } | undefined;
  /** Forgets the recorded requests (and the waiters' positions in them). */
  clearLog(): void;
  /**
   * Deletes the user every key belongs to (a state the API cannot create): from now on every
   * known secret or API key answers `This user may be deleted.` {@link Emulator.restoreUser} undoes it.
   */
  deleteUser(): void;
  /** Undoes {@link Emulator.deleteUser}. */
  restoreUser(): void;
  /** Issues an API key of `type` directly, as Get API Key would (`modelId` for `retrain`). */
  issueApiKey(type: CredentialType, modelId?: number): { api_key: string; end_date: string };
  /** Stops listening, destroys sockets, clears timers and stops training. Idempotent. */
  close(): Promise<void>;
}
