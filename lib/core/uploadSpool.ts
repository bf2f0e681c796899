/** The shape of an upload spool, where a stream of unknown length is held before its PUT. */
/**
 * The shape of a spool: where an upload of unknown length is copied so its length is known first.
 *
 * @packageDocumentation
 */

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
