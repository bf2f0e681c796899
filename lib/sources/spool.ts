/** Spooling: measuring an upload source of unknown length before it is sent. */
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

/** How a client spools: its {@link UploadSpool}, if any, and the memory limit otherwise. @internal */
export interface Spooling {
  readonly spool?: UploadSpool;
  readonly maxMemoryBytes: number;
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
