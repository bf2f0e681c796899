/**
 * The library's defaults in one frozen table: every timeout, limit, schedule and concurrency an option falls back to.
 *
 * Data only (no imports): the Node, CLI and fleet entries import it directly.
 *
 * @packageDocumentation
 */
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Deep-freezes a plain table of numbers, strings and arrays.
 *
 * @internal
 */
function frozen<T extends object>(table: T): T {
  for (const value of Object.values(table)) if (typeof value === 'object' && value !== null) frozen(value as object);
  return Object.freeze(table);
}

/**
 * Every default of the library, by the option it fills in. Read it; never write a default
 * inline (`options.x ?? 30`): an option's default lives here and nowhere else, and the docs of
 * each option name the value found here.
 *
 * - `client`: {@link ClientConfig} (timeouts, response and result bounds, the spool limit).
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
export const LIBRARY_DEFAULTS = frozen({
  client: {
    /** `ClientConfig.requestTimeoutMs`: one API call's time limit. */
    requestTimeoutMs: 60 * SECOND,
    /** `ClientConfig.transferIdleTimeoutMs`: an upload or download that moves nothing this long is aborted. */
    transferIdleTimeoutMs: 60 * SECOND,
    /** `ClientConfig.maxResponseBytes`: the largest JSON response accepted. */
    maxResponseBytes: 16 * MiB,
    /** `ClientConfig.maxResultBytes`: the largest result archive streamed to a sink or disk. */
    maxResultBytes: 2 * GiB,
    /** `ClientConfig.maxResultMemoryBytes`: the largest result held in memory (what a browser tab survives). */
    maxResultMemoryBytes: 256 * MiB,
    /** `ClientConfig.maxCompressionRatio`: the zip-bomb guard. */
    maxCompressionRatio: 200,
    /** `ClientConfig.maxSpoolBytes`: a source of unknown length held in memory without a spool (as `maxResultMemoryBytes`). */
    maxSpoolBytes: 256 * MiB,
    /** A key obtained by exchange is refreshed this long before its `end_date` (half its life when shorter). */
    keyRefreshMarginMs: 60 * SECOND,
  },
  retry: {
    /** `RetryOptions.maxAttempts`: attempts in all, the first included. */
    maxAttempts: 4,
    /** `RetryOptions.baseDelayMs`: the first backoff interval. */
    baseDelayMs: 500,
    /** `RetryOptions.maxDelayMs`: the largest backoff interval and the ceiling of `Retry-After`. */
    maxDelayMs: 30 * SECOND,
    /** `RetryOptions.deadlineMs`: none. */
    deadlineMs: Number.POSITIVE_INFINITY,
  },
  poll: {
    /** `PollOptions.firstDelayMs`: poll at once. */
    firstDelayMs: 0,
    /** `PollOptions.minDelayMs`. */
    minDelayMs: 1 * SECOND,
    /** `PollOptions.maxDelayMs`: the vendor's reference loop polls every 30 s. */
    maxDelayMs: 30 * SECOND,
    /** `PollOptions.multiplier`. */
    multiplier: 2,
    /** `PollOptions.jitter`. */
    jitter: 'none' as 'none' | 'full',
    /** `PollOptions.maxWaitMs`: 24 hours. */
    maxWaitMs: 24 * 60 * MINUTE,
    /** `PollOptions.terminalStatuses`. */
    terminalStatuses: ['finished'] as readonly string[],
    /** `PollOptions.failureStatuses`. */
    failureStatuses: ['failed', 'error'] as readonly string[],
  },
  /** Jobs (`trainEach$`, `trainEachFrom$`) or requests (`predict$`) in flight at once. */
  concurrency: 4,
  predict: {
    /** `PredictOptions.batchSize`: one row per request, as the vendor's Inference page defines `pr`. */
    batchSize: 1,
  },
  listing: {
    /** Rows per page of the listings (`models$`, `dataSets$`, `classifiers$`). */
    pageSize: 30,
  },
  jobQueue: {
    /** `JobQueueOptions.highWaterMark`: jobs buffered before `push` says to wait. */
    highWaterMark: 16,
  },
  node: {
    /** `createNodeFetch`'s `maxSockets` (node-fetch agent). */
    maxSockets: 256,
    /** `createNodeFetch`'s `keepAliveMsecs`. */
    keepAliveMs: 30 * SECOND,
    /** `createUndiciFetch`'s `connections`. */
    connections: 256,
    /** `createUndiciFetch`'s `keepAliveTimeoutMs`. */
    keepAliveTimeoutMs: 30 * SECOND,
    /** `createUndiciFetch`'s `pipelining`. */
    pipelining: 1,
    /** `tempFileSpool`'s read chunk size. */
    spoolHighWaterMark: 256 * KiB,
    /** `downloadResultToDir$`: an entry up to this size is kept in memory for the emitted summary. */
    keepInMemoryBytes: 1 * MiB,
    /** `downloadResultToDir$`: the most inflated bytes buffered before the archive's reading waits for the disk. */
    maxBufferedBytes: 4 * MiB,
    /** The checkpoint lock: wait between two tries to take a lock held by another process. */
    lockRetryMs: 200,
  },
  fleet: {
    /** Worker and processor: how long a job waits before polling again when it holds nothing to do. */
    holdMs: 1 * SECOND,
    /** Jobs a worker runs at once. */
    workerConcurrency: 8,
    /** BullMQ's `stalledInterval`. */
    stalledIntervalMs: 30 * SECOND,
    /** BullMQ's `maxStalledCount`. */
    maxStalledCount: 20,
    /** The smallest BullMQ lock duration (otherwise twice the request timeout). */
    minLockDurationMs: 2 * MINUTE,
    /** The fleet gate: quiet period after an ambiguous Create Model. */
    createQuietMs: 2 * MINUTE,
    /** The fleet gate: how long a Create Model claim holds. */
    claimTtlMs: 2 * MINUTE,
    /** The fleet gate: fleet-wide requests per second (`0`: no limit). */
    maxPerSecond: 0,
    /** The fleet gate: back-off after a 429 without `Retry-After`. */
    defaultRetryAfterMs: 1 * SECOND,
    /** The fleet gate: the longest back-off a `Retry-After` may ask for. */
    maxRetryAfterMs: 1 * MINUTE,
    /** `enqueueBatch`: BullMQ attempts of one job. */
    attempts: 25,
    /** `enqueueBatch`: BullMQ's first exponential back-off. */
    backoffMs: 2 * SECOND,
    /** The processor: the largest training data read for one job. */
    maxDataBytes: 512 * MiB,
    /** The worker's health check: a Redis ping slower than this is unhealthy. */
    pingTimeoutMs: 1 * SECOND,
  },
  cli: {
    /** Width of the CLI's tables and progress lines when the output is not a terminal that says its width. */
    terminalColumns: 80,
  },
  conformance: {
    /** `p1rx conformance`: a training's whole wait. */
    maxWaitMs: 30 * MINUTE,
    /** `p1rx conformance`: the first poll interval. */
    pollIntervalMs: 2 * SECOND,
    /** `p1rx conformance`: the first retry back-off (doubling). */
    retryBaseMs: 1 * SECOND,
  },
});
