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

/**
 * A spooled copy of an upload: its exact length and its bytes, read from the start.
 *
 * ## Example
 * ```ts
 * const spooled: SpooledUpload = await spool(chunks);
 * console.log(spooled.size); // 5242880
 * await spooled.release();
 * ```
 */
export interface SpooledUpload {
  /** The length in bytes: the upload's `Content-Length`. */
  readonly size: number;
  /** The bytes, exactly `size` of them; each iteration reads from the start. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Removes the copy (a temporary file). Called once the upload is done with it; may be called again. */
  release(): Promise<void>;
}

/**
 * Copies a source of unknown length somewhere its length can be known before it is sent, e.g.
 * `tempFileSpool()` from `prediction-one-rx/node` (set by `createNodeClient`). Rejects with the
 * source's or the storage's error, having removed what it wrote.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, fetch: createNodeFetch(), streamUploads: true, spool: tempFileSpool() });
 * ```
 */
export type UploadSpool = (chunks: AsyncIterable<Uint8Array>) => Promise<SpooledUpload>;

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
