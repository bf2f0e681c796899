/** A temporary-file spool for upload sources of unknown length. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SpooledUpload, UploadSpool } from 'prediction-one-rx';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link tempFileSpool}.
 *
 * ## Example
 * ```ts
 * tempFileSpool({ dir: '/var/tmp' });
 * ```
 */
export interface TempFileSpoolOptions {
  /** Folder for the temporary files. Default `os.tmpdir()`. */
  readonly dir?: string;
  /** Chunk size when the copy is read back, in bytes. Default 256 KiB. */
  readonly highWaterMark?: number;
}

/**
 * An {@link UploadSpool} on disk: a source of unknown length is written to a temporary file
 * (its own `0700` folder, the file `0600`) so the upload can declare its `Content-Length`, then
 * streamed from there; memory stays flat whatever the size. The file is removed once the
 * upload is done with it, fails or is cancelled, and when writing it fails (a full disk: the
 * upload fails with that error, nothing was sent). `createNodeClient` uses it by default.
 *
 * ## Example
 * ```ts
 * import { createNodeFetch, tempFileSpool } from 'prediction-one-rx/node';
 * const client = createClient({ baseUrl, apiKey, fetch: createNodeFetch(), streamUploads: true, spool: tempFileSpool() });
 * of({ train: process.stdin }).pipe(upload$(client)).subscribe(console.log);
 * ```
 *
 * @param options - Where the files go.
 * @returns A spool to give to `createClient` as `spool`.
 */
export function tempFileSpool(options: TempFileSpoolOptions = {}): UploadSpool {
  const highWaterMark = options.highWaterMark ?? LIBRARY_DEFAULTS.node.spoolHighWaterMark;
  return async (chunks) => {
    const dir = await mkdtemp(path.join(options.dir ?? os.tmpdir(), 'p1rx-spool-'));
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => (released ??= rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'upload.csv');
    try {
      await pipeline(Readable.from(chunks, { objectMode: false }), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      const { size } = await stat(file);
      const spooled: SpooledUpload = {
        size,
        chunks: { [Symbol.asyncIterator]: () => createReadStream(file, { highWaterMark })[Symbol.asyncIterator]() },
        release,
      };
      return spooled;
    } catch (err) {
      await release();
      throw err;
    }
  };
}
