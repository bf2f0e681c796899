/**
 * A client's transport settings and retry policy, resolved once when the client is created.
 *
 * @packageDocumentation
 */
import { DEFAULTS, RETRY_DEFAULTS, type ClientConfig, type RetryEvent, type RetryOptions } from './config';

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
 * A client's limits, timeouts and retry policy with every field filled in and frozen.
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
}

/**
 * The settings of `config` over the library's defaults.
 *
 * @internal
 */
export function resolveSettings(config: ClientConfig): ResolvedSettings {
  return Object.freeze({
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    transferIdleTimeoutMs: config.transferIdleTimeoutMs ?? DEFAULTS.transferIdleTimeoutMs,
    maxResponseBytes: config.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    maxResultBytes: config.maxResultBytes ?? DEFAULTS.maxResultBytes,
    maxResultMemoryBytes: config.maxResultMemoryBytes ?? DEFAULTS.maxResultMemoryBytes,
    maxCompressionRatio: config.maxCompressionRatio ?? DEFAULTS.maxCompressionRatio,
    retry: resolveRetryOptions(config.retry),
  });
}

/**
 * `options` over the library's retry defaults.
 *
 * @internal
 */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return Object.freeze({
    maxAttempts: Math.max(1, options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts),
    baseDelayMs: options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
    random: options.random ?? Math.random,
    onRetry: options.onRetry,
    deadlineMs: options.deadlineMs ?? Number.POSITIVE_INFINITY,
  });
}
