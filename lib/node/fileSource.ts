/** A CSV file on disk as an upload source, read in chunks. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { SizedSource } from 'prediction-one-rx';

/**
 * A CSV file on disk as an upload source, read in chunks (never whole into memory with a
 * client from {@link createNodeClient}). The file is opened when the upload starts and closed
 * when it ends or is cancelled. Its length comes from `stat` of the opened file, so the upload
 * declares `Content-Length` while it streams (object storage refuses chunked uploads), and
 * exactly that many bytes are sent even if the file grows meanwhile. A file whose length
 * cannot be known that way (a pipe, a device) is spooled by the upload first.
 *
 * ## Example
 * ```ts
 * of({ train: fileSource('train.csv'), evaluation: fileSource('eval.csv') }).pipe(upload$(client));
 * ```
 *
 * @param path - Path of the file.
 * @param highWaterMark - Chunk size in bytes. Default 256 KiB.
 * @returns An async iterable of the file's bytes that can also be opened with its length.
 */
export function fileSource(path: string, highWaterMark = 256 * 1024): SizedSource & { readonly rereadable: true } {
  return {
    // Each iteration opens the file anew: a spent upload session can send it again.
    rereadable: true,
    [Symbol.asyncIterator]: () => createReadStream(path, { highWaterMark })[Symbol.asyncIterator](),
    async open() {
      const handle = await open(path, 'r');
      try {
        const info = await handle.stat();
        if (!info.isFile()) {
          // No length to trust: read it as it comes (the stream closes the handle).
          return { chunks: handle.createReadStream({ highWaterMark }) };
        }
        const size = info.size;
        if (size === 0) {
          await handle.close();
          return { size, chunks: (async function* (): AsyncGenerator<Uint8Array> {})() };
        }
        return { size, chunks: handle.createReadStream({ highWaterMark, start: 0, end: size - 1 }) };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },
  };
}
