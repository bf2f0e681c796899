/**
 * Streaming unzip of a result archive with fflate, bounded in size. Browser-safe.
 *
 * @packageDocumentation
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { ResponseTooLargeError, ResultArchiveError } from '../core/errors';
import { concatBytes } from '../transport/body';
import { crc32 } from './crc32';
import { MAX_EOCD_SEARCH, readCentralDirectory } from './zipDirectory';

/** The archive's last bytes are kept to read its central directory (a few KiB for a result). */
const TAIL_BYTES = 1024 * 1024 + MAX_EOCD_SEARCH;

/**
 * Push-based unzipper: feed chunks as they arrive, then `finish()` for the entries.
 *
 * Guards: the total uncompressed size may not pass `maxBytes` (zip bombs); an archive that
 * ends inside an entry, holds no entry, or has duplicate names is an error; each entry's
 * CRC-32 and size are checked against the central directory at the end of the archive.
 *
 * @internal
 */
export class StreamingUnzip {
  private readonly unzip: Unzip;
  private readonly files: Record<string, Uint8Array> = {};
  private readonly open = new Set<string>();
  private readonly crcs = new Map<string, number>();
  private readonly tail: Uint8Array[] = [];
  private tailSize = 0;
  private failure?: Error;
  private uncompressed = 0;
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(UnzipInflate);
  }

  push(chunk: Uint8Array): void {
    this.throwIfFailed();
    this.keepTail(chunk);
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
    this.verify();
    return this.files;
  }

  private keepTail(chunk: Uint8Array): void {
    this.tail.push(chunk);
    this.tailSize += chunk.byteLength;
    while (this.tail.length > 1 && this.tailSize - this.tail[0].byteLength >= TAIL_BYTES) {
      this.tailSize -= this.tail.shift()!.byteLength;
    }
  }

  private verify(): void {
    const directory = readCentralDirectory(concatBytes(this.tail, this.tailSize));
    for (const [name, bytes] of Object.entries(this.files)) {
      const declared = directory.get(name);
      if (!declared) throw new ResultArchiveError(`Result archive entry '${name}' is missing from its central directory`);
      if (declared.size !== undefined && declared.size !== bytes.byteLength) {
        throw new ResultArchiveError(`Result archive entry '${name}' is ${bytes.byteLength} bytes, the archive says ${declared.size}`);
      }
      if (declared.crc !== this.crcs.get(name)) throw new ResultArchiveError(`Result archive entry '${name}' fails its CRC-32 check`);
    }
    for (const name of directory.keys()) {
      if (!name.endsWith('/') && !(name in this.files)) {
        throw new ResultArchiveError(`Result archive entry '${name}' is listed but was not found in the data`);
      }
    }
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
    let crc = 0;
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
      crc = crc32(data, crc);
      if (final) {
        this.open.delete(name);
        this.crcs.set(name, crc);
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
