import { createReadStream } from 'node:fs';

/**
 * A CSV file on disk as an upload source, read in chunks (never whole into memory with a
 * client from {@link createNodeClient}). The file is opened when the upload starts and closed
 * when it ends or is cancelled.
 *
 * ## Example
 * ```ts
 * of({ train: fileSource('train.csv'), evaluation: fileSource('eval.csv') }).pipe(upload$(client));
 * ```
 *
 * @param path - Path of the file.
 * @param highWaterMark - Chunk size in bytes. Default 256 KiB.
 * @returns An async iterable of the file's bytes.
 */
export function fileSource(path: string, highWaterMark = 256 * 1024): AsyncIterable<Uint8Array> & { readonly rereadable: true } {
  return {
    // Each iteration opens the file anew: a spent upload session can send it again.
    rereadable: true,
    [Symbol.asyncIterator]: () => createReadStream(path, { highWaterMark })[Symbol.asyncIterator](),
  };
}
