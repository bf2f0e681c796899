/**
 * Streaming unzip of a result archive with fflate, bounded in size. Browser-safe.
 *
 * @packageDocumentation
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { ResponseTooLargeError, ResultArchiveError } from '../core/errors';
import { concatBytes } from '../transport/body';

/**
 * Push-based unzipper: feed chunks as they arrive, then `finish()` for the entries.
 *
 * Guards: the total uncompressed size may not pass `maxBytes` (zip bombs); an archive that
 * ends inside an entry, holds no entry, or has duplicate names is an error.
 *
 * @internal
 */
export class StreamingUnzip {
  private readonly unzip: Unzip;
  private readonly files: Record<string, Uint8Array> = {};
  private readonly open = new Set<string>();
  private failure?: Error;
  private uncompressed = 0;
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(UnzipInflate);
  }

  push(chunk: Uint8Array): void {
    this.throwIfFailed();
    try {
      this.unzip.push(chunk, false);
    } catch (err) {
      throw this.corrupt(err);
    }
    this.throwIfFailed();
  }

  finish(): Record<string, Uint8Array> {
    this.throwIfFailed();
    try {
      this.unzip.push(new Uint8Array(0), true);
    } catch (err) {
      throw this.corrupt(err);
    }
    this.throwIfFailed();
    if (this.open.size > 0) {
      throw new ResultArchiveError(`Result archive is truncated inside ${[...this.open].join(', ')}`);
    }
    if (this.seen === 0) throw new ResultArchiveError('Result archive holds no entries (not a zip file?)');
    return this.files;
  }

  private onFile(file: UnzipFile): void {
    if (this.failure) return;
    const name = file.name;
    if (name in this.files || this.open.has(name)) {
      this.failure = new ResultArchiveError(`Result archive has two entries named '${name}'`);
      return;
    }
    this.seen++;
    if (name.endsWith('/')) return; // a folder entry carries no data
    this.open.add(name);
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (this.failure) return;
      if (err) {
        this.failure = this.corrupt(err);
        return;
      }
      size += data.byteLength;
      this.uncompressed += data.byteLength;
      if (this.uncompressed > this.maxBytes) {
        this.failure = new ResponseTooLargeError('Uncompressed result archive', this.maxBytes);
        file.terminate();
        return;
      }
      chunks.push(data);
      if (final) {
        this.open.delete(name);
        this.files[name] = concatBytes(chunks, size);
      }
    };
    file.start();
  }

  private corrupt(err: unknown): Error {
    return new ResultArchiveError(`Result archive is corrupt: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
