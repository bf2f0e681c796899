/** The library's defaults in one frozen table. */
/**
 * The library's defaults in one frozen table: every timeout, limit, schedule and concurrency an option falls back to.
 *
 * Data only (no imports): the Node, CLI and fleet entries import it directly.
 *
 * @packageDocumentation
 */
/** The `client` section of {@link LIBRARY_DEFAULTS}. @internal */
export const CLIENT_DEFAULTS = {
  /** `ClientConfig.requestTimeoutMs`: one API call's time limit. */
  requestTimeoutMs: 60_000,
  /** `ClientConfig.transferIdleTimeoutMs`: an upload or download that moves nothing this long is aborted. */
  transferIdleTimeoutMs: 60_000,
  /** `ClientConfig.maxResponseBytes`: the largest JSON response accepted (16 MiB). */
  maxResponseBytes: 16_777_216,
  /** `ClientConfig.maxResultBytes`: the largest result archive streamed to a sink or disk (2 GiB). */
  maxResultBytes: 2_147_483_648,
  /** `ClientConfig.maxResultMemoryBytes`: the largest result held in memory (what a browser tab survives, 256 MiB). */
  maxResultMemoryBytes: 268_435_456,
  /** `ClientConfig.maxCompressionRatio`: the zip-bomb guard. */
  maxCompressionRatio: 200,
  /** `ClientConfig.maxSpoolBytes`: a source of unknown length held in memory without a spool (as `maxResultMemoryBytes`, 256 MiB). */
  maxSpoolBytes: 268_435_456,
} as const;

/** The `credentials` section of {@link LIBRARY_DEFAULTS}. @internal */
export const CREDENTIALS_DEFAULTS = {
  /** A key obtained by exchange is refreshed this long before its `end_date` (half its life when shorter). */
  keyRefreshMarginMs: 60_000,
} as const;

/** The `retry` section of {@link LIBRARY_DEFAULTS}. @internal */
export const RETRY_DEFAULTS = {
  /** `RetryOptions.maxAttempts`: attempts in all, the first included. */
  maxAttempts: 4,
  /** `RetryOptions.baseDelayMs`: the first backoff interval. */
  baseDelayMs: 500,
  /** `RetryOptions.maxDelayMs`: the largest backoff interval and the ceiling of `Retry-After`. */
  maxDelayMs: 30_000,
  /** `RetryOptions.deadlineMs`: none. */
  deadlineMs: Number.POSITIVE_INFINITY,
} as const;

/** The `poll` section of {@link LIBRARY_DEFAULTS}. @internal */
export const POLL_DEFAULTS = {
  /** `PollOptions.firstDelayMs`: poll at once. */
  firstDelayMs: 0,
  /** `PollOptions.minDelayMs`. */
  minDelayMs: 1_000,
  /** `PollOptions.maxDelayMs`: the vendor's reference loop polls every 30 s. */
  maxDelayMs: 30_000,
  /** `PollOptions.multiplier`. */
  multiplier: 2,
  /** `PollOptions.jitter`. */
  jitter: 'none' as 'none' | 'full',
  /** `PollOptions.maxWaitMs`: 24 hours. */
  maxWaitMs: 86_400_000,
  /** `PollOptions.terminalStatuses`. */
  terminalStatuses: ['finished'] as readonly string[],
  /** `PollOptions.failureStatuses`. */
  failureStatuses: ['failed', 'error'] as readonly string[],
} as const;

/** The `concurrency` of {@link LIBRARY_DEFAULTS}: jobs (`trainEach$`, `trainEachFrom$`) or requests (`predict$`) in flight at once. @internal */
export const DEFAULT_CONCURRENCY = 4;

/** The `predict` section of {@link LIBRARY_DEFAULTS}. @internal */
export const PREDICT_DEFAULTS = {
  /** `PredictOptions.batchSize`: one row per request, as the vendor's Inference page defines `pr`. */
  batchSize: 1,
} as const;

/** The `listing` section of {@link LIBRARY_DEFAULTS}. @internal */
export const LISTING_DEFAULTS = {
  /** Rows per page of the listings (`models$`, `dataSets$`, `classifiers$`). */
  pageSize: 30,
} as const;

/** The `jobQueue` section of {@link LIBRARY_DEFAULTS}. @internal */
export const JOB_QUEUE_DEFAULTS = {
  /** `JobQueueOptions.highWaterMark`: jobs buffered before `push` says to wait. */
  highWaterMark: 16,
} as const;

/**
 * Every default of the library, by the option it fills in. Read it; never write a default
 * inline (`options.x ?? 30`): an option's default lives here and nowhere else, and the docs of
 * each option name the value found here. The browser-safe core reads the sections it needs
 * through their own constants (`CLIENT_DEFAULTS`, `RETRY_DEFAULTS`, `POLL_DEFAULTS`, …, which
 * this table is made of), so a browser bundle leaves the Node, CLI and fleet sections out.
 *
 * - `client`: {@link ClientConfig} (timeouts, response and result bounds, the spool limit).
 * - `credentials`: keys obtained by exchange.
 * - `retry`: {@link RetryOptions}.
 * - `poll`: {@link PollOptions} (the schedule and the status policy of `pollStatus$`).
 * - `concurrency`: jobs or requests in flight at once (`trainEach$`, `trainEachFrom$`,
 *   `predict$`), resolved by `resolveConcurrency` (lib/core/settings.ts).
 * - `predict`, `listing`, `jobQueue`: the options of `predict$`, the listings and `jobQueue`.
 * - `node`: the Node entry's fetches, spool, result writer and checkpoint lock.
 * - `fleet`: the BullMQ fleet's worker, processor, gate, jobs and health check.
 * - `cli`: the CLI's output.
 * - `conformance`: `p1rx conformance`'s raw-request loop.
 *
 * ## Example
 * ```ts
 * const timeoutMs = options.requestTimeoutMs ?? LIBRARY_DEFAULTS.client.requestTimeoutMs; // 60000 unless given
 * ```
 *
 * @internal
 */
export const LIBRARY_DEFAULTS = /* @__PURE__ */ Object.freeze({
  client: CLIENT_DEFAULTS,
  credentials: CREDENTIALS_DEFAULTS,
  retry: RETRY_DEFAULTS,
  poll: POLL_DEFAULTS,
  concurrency: DEFAULT_CONCURRENCY,
  predict: PREDICT_DEFAULTS,
  listing: LISTING_DEFAULTS,
  jobQueue: JOB_QUEUE_DEFAULTS,
  node: {
    /** `createNodeFetch`'s `maxSockets` (node-fetch agent). */
    maxSockets: 256,
    /** `createNodeFetch`'s `keepAliveMsecs`. */
    keepAliveMs: 30_000,
    /** `createUndiciFetch`'s `connections`. */
    connections: 256,
    /** `createUndiciFetch`'s `keepAliveTimeoutMs`. */
    keepAliveTimeoutMs: 30_000,
    /** `createUndiciFetch`'s `pipelining`. */
    pipelining: 1,
    /** `tempFileSpool`'s read chunk size (256 KiB). */
    spoolHighWaterMark: 262_144,
    /** `downloadResultToDir$`: an entry up to this size is kept in memory for the emitted summary (1 MiB). */
    keepInMemoryBytes: 1_048_576,
    /** `downloadResultToDir$`: the most inflated bytes buffered before the archive's reading waits for the disk (4 MiB). */
    maxBufferedBytes: 4_194_304,
    /** The checkpoint lock: wait between two tries to take a lock held by another process. */
    lockRetryMs: 200,
  } as const,
  fleet: {
    /** Worker and processor: a wait up to this long is held in the job's slot (polled in-process, nothing written to Redis); a longer one parks the job (`moveToDelayed`). */
    holdMs: 60_000,
    /** Jobs a worker holds at once (IO-bound: held trainings mostly wait). */
    workerConcurrency: 5_000,
    /** Uploads and Create Models one worker runs at once (the rest of its slots wait for a turn). */
    maxStarting: 16,
    /** BullMQ's lock duration: a killed worker's jobs are retaken within about this plus `stalledIntervalMs`. */
    lockDurationMs: 16_000,
    /** BullMQ's `stalledInterval`. */
    stalledIntervalMs: 8_000,
    /** BullMQ's `maxStalledCount`: worker deaths a job survives. */
    maxStalledCount: 20,
    /** The fleet gate: how often a worker re-reads the fleet-wide 429 window for its status polls. */
    backoffRefreshMs: 250,
    /** The fleet gate: quiet period after an ambiguous Create Model (2 min). */
    createQuietMs: 120_000,
    /** The fleet gate: how long a Create Model claim holds (2 min). */
    claimTtlMs: 120_000,
    /** The fleet gate: fleet-wide requests per second (`0`: no limit). */
    maxPerSecond: 0,
    /** The fleet gate: back-off after a 429 without `Retry-After`. */
    defaultRetryAfterMs: 1_000,
    /** The fleet gate: the longest back-off a `Retry-After` may ask for. */
    maxRetryAfterMs: 60_000,
    /** `enqueueBatch`: BullMQ attempts of one job. */
    attempts: 25,
    /** `enqueueBatch`: BullMQ's first exponential back-off. */
    backoffMs: 2_000,
    /** The processor: the largest training data read for one job (512 MiB). */
    maxDataBytes: 536_870_912,
    /** The worker's health check: a Redis ping slower than this is unhealthy. */
    pingTimeoutMs: 1_000,
  } as const,
  cli: {
    /** Width of the CLI's tables and progress lines when the output is not a terminal that says its width. */
    terminalColumns: 80,
  } as const,
  conformance: {
    /** `p1rx conformance`: a training's whole wait (30 min). */
    maxWaitMs: 1_800_000,
    /** `p1rx conformance`: the first poll interval. */
    pollIntervalMs: 2_000,
    /** `p1rx conformance`: the first retry back-off (doubling). */
    retryBaseMs: 1_000,
  } as const,
});
