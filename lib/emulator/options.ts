/** The emulator's options with every default applied. */
import { randomBytes } from 'node:crypto';
import type { EmulatorOptions } from './types';

/** S3's largest object in one PUT (5 GiB): a pre-signed upload URL takes no more. */
const S3_MAX_PUT_BYTES = 5 * 1024 ** 3;

/**
 * {@link EmulatorOptions} with every default applied.
 * @internal
 */
export type ResolvedOptions = Required<Omit<EmulatorOptions, 'log'>> & Pick<EmulatorOptions, 'log'>;

/**
 * Applies the documented defaults and rejects nonsense early (a negative delay would otherwise
 * surface as a confusing timer error much later).
 *
 * ## Example
 * ```ts
 * resolveOptions({}).host; // '127.0.0.1'
 * ```
 * @internal
 */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    secretKeys: options.secretKeys ?? [`p1secret_${randomBytes(16).toString('hex')}`],
    apiKeys: options.apiKeys ?? [],
    apiKeysByType: options.apiKeysByType ?? {},
    allowMultiRowInference: options.allowMultiRowInference ?? false,
    allowMissingExtension: options.allowMissingExtension ?? false,
    allowCurlParamFile: options.allowCurlParamFile ?? false,
    allowChunkedUploads: options.allowChunkedUploads ?? false,
    presignedUrlTtlMs: options.presignedUrlTtlMs ?? 3_600_000,
    trainingDelayMs: options.trainingDelayMs ?? 2000,
    manual: options.manual ?? false,
    maxUploadBytes: options.maxUploadBytes ?? 200 * 1024 * 1024,
    apiKeyTtlMs: options.apiKeyTtlMs ?? 24 * 60 * 60 * 1000,
    now: options.now ?? Date.now,
    seed: options.seed ?? 42,
    trainingTrees: options.trainingTrees ?? 20,
    log: options.log,
    faults: options.faults ?? { rules: [] },
    syntheticDataSets: options.syntheticDataSets ?? 0,
  };
  for (const key of ['port', 'trainingDelayMs', 'maxUploadBytes', 'apiKeyTtlMs', 'presignedUrlTtlMs'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new RangeError(`EmulatorOptions.${key} must be a number >= 0.`);
  }
  if (resolved.maxUploadBytes > S3_MAX_PUT_BYTES)
    throw new RangeError(`EmulatorOptions.maxUploadBytes must be at most ${S3_MAX_PUT_BYTES} (5 GiB, S3's limit for one PUT).`);
  if (!Number.isInteger(resolved.seed)) throw new RangeError('EmulatorOptions.seed must be an integer.');
  if (!Number.isSafeInteger(resolved.trainingTrees) || resolved.trainingTrees < 1)
    throw new RangeError('EmulatorOptions.trainingTrees must be an integer >= 1.');
  if (!Number.isSafeInteger(resolved.syntheticDataSets) || resolved.syntheticDataSets < 0)
    throw new RangeError('EmulatorOptions.syntheticDataSets must be an integer >= 0.');
  return resolved;
}
