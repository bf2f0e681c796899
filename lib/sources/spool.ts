/**
 * Spooling: what an upload does with a source of unknown length. Object storage needs an
 * upload's length before its first byte (S3 refuses chunked PUTs), so such a source is first
 * copied somewhere it can be measured: a temporary file (the Node entry's `tempFileSpool`), or
 * memory, up to a limit.
 *
 * @packageDocumentation
 */
import { SpoolLimitError } from '../core/errors';
import { concatBytes } from '../core/bytes';
import type { SpooledUpload, UploadSpool } from '../core/uploadSpool';
export type { SpooledUpload, UploadSpool };

/** Default of `ClientConfig.maxSpoolBytes`: what a browser tab holds (as `maxResultMemoryBytes`). */
export const DEFAULT_MAX_SPOOL_BYTES = 256 * 1024 * 1024;

/** How a client spools: its {@link UploadSpool}, if any, and the memory limit otherwise. @internal */
export interface Spooling {
  readonly spool?: UploadSpool;
  readonly maxMemoryBytes: number;
}

/**
 * The spooling of a client's configuration.
 *
 * @internal
 */
export function spoolingOf(config: { readonly spool?: UploadSpool; readonly maxSpoolBytes?: number }): Spooling {
  return { spool: config.spool, maxMemoryBytes: config.maxSpoolBytes ?? DEFAULT_MAX_SPOOL_BYTES };
}

/**
 * Collects `chunks` into one array, refusing with {@link SpoolLimitError} as soon as they pass
 * `limit` bytes (the source is then released, nothing more is read).
 *
 * @internal
 */
export async function collectBounded(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) throw new SpoolLimitError(limit);
    parts.push(chunk);
  }
  return concatBytes(parts, size);
}
