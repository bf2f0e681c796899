/** A client's settings (transport, limits, timeouts, retry policy, upload and result handling), resolved once when the client is created. */
/**
 * A client's settings (transport, limits, timeouts, retry policy, upload and result handling), resolved once when the client is created.
 *
 * @packageDocumentation
 */
import type { ClientConfig, RetryEvent, RetryOptions } from './config';
import { CLIENT_DEFAULTS, DEFAULT_CONCURRENCY, RETRY_DEFAULTS } from './defaults';
import { ValidationError } from './errors';

/**
 * The retry policy with every field filled in and frozen: what the transport reads.
 *
 * @internal
 */
export interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  /** `Infinity`: no deadline. */
  readonly deadlineMs: number;
}

/**
 * A client's limits, timeouts, retry policy and transfer settings with every field filled in
 * and frozen. After a client is made, the library reads these, never its raw
 * {@link ClientConfig} (a spec scans lib/ for that).
 *
 * @internal
 */
export interface ResolvedSettings {
  readonly requestTimeoutMs: number;
  readonly transferIdleTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxResultBytes: number;
  readonly maxResultMemoryBytes: number;
  readonly maxCompressionRatio: number;
  readonly retry: ResolvedRetryOptions;
  /** Extra headers of every API request. */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether a key may go over plain `http:` to a host that is not loopback. */
  readonly allowInsecureHttp: boolean;
  /** Whether the fetch takes streamed request bodies. */
  readonly streamUploads: boolean;
  /** Where a source of unknown length is spooled, and the memory limit without a spool. */
  readonly spooling: { readonly spool: ClientConfig['spool']; readonly maxMemoryBytes: number };
  /** Native codecs for result archives (empty: the defaults). */
  readonly zipCodec: NonNullable<ClientConfig['zipCodec']>;
}

/**
 * The settings of `config` over the library's defaults (`LIBRARY_DEFAULTS`, lib/core/defaults.ts).
 *
 * @internal
 */
export function resolveSettings(config: ClientConfig): ResolvedSettings {
  const d = CLIENT_DEFAULTS;
  // Every numeric setting of the table: the configuration's value, else the default.
  const given = Object.fromEntries(Object.entries(d).map(([name, value]) => [name, config[name as keyof typeof d] ?? value])) as typeof d;
  return Object.freeze({
    ...given,
    retry: resolveRetryOptions(config.retry),
    headers: config.headers ?? {},
    allowInsecureHttp: !!config.allowInsecureHttp,
    streamUploads: !!config.streamUploads,
    spooling: { spool: config.spool, maxMemoryBytes: given.maxSpoolBytes },
    zipCodec: config.zipCodec ?? {},
  });
}

/**
 * `options` over the library's retry defaults.
 *
 * @internal
 */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const d = RETRY_DEFAULTS;
  return Object.freeze({
    maxAttempts: Math.max(1, options.maxAttempts ?? d.maxAttempts),
    baseDelayMs: options.baseDelayMs ?? d.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? d.maxDelayMs,
    random: options.random ?? Math.random,
    onRetry: options.onRetry,
    deadlineMs: options.deadlineMs ?? d.deadlineMs,
  });
}

/**
 * Requests or jobs in flight at once: `given`, or `LIBRARY_DEFAULTS.concurrency`. The one
 * place a concurrency is checked: an integer of at least 1, or `Infinity`.
 *
 * **Errors**: throws {@link ValidationError} named `what` for anything else (`0`, `-1`, `2.5`, `NaN`).
 *
 * ## Example
 * ```ts
 * mergeMap(run, resolveConcurrency(options.concurrency, 'trainEach options'));
 * ```
 *
 * @internal
 */
export function resolveConcurrency(given: number | undefined, what: string): number {
  const concurrency = given ?? DEFAULT_CONCURRENCY;
  if ((Number.isInteger(concurrency) && concurrency >= 1) || concurrency === Number.POSITIVE_INFINITY) return concurrency;
  throw new ValidationError(what, [`concurrency must be an integer >= 1, got ${concurrency}`]);
}
