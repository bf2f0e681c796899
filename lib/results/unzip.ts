/**
 * Streaming unzip of a result archive with fflate, bounded in size. Browser-safe.
 *
 * @packageDocumentation
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { ZipCodec } from '../core/config';
import { ResponseTooLargeError, ResultArchiveError } from '../core/errors';
import { concatBytes } from '../core/bytes';
import { crc32 } from './crc32';
import { MAX_EOCD_SEARCH, readCentralDirectory } from './zipDirectory';

/** The archive's last bytes are kept to read its central directory (a few KiB for a result). */
const TAIL_BYTES = 1024 * 1024 + MAX_EOCD_SEARCH;

/**
 * Where a streamed entry's bytes go (see {@link ResultSink}).
 *
 * ## Example
 * ```ts
 * const writer: EntryWriter = { write: (data) => file.write(data), end: () => file.end() };
 * ```
 */
export interface EntryWriter {
  /** Inflated bytes, in order. Decoders hand out fresh chunks, so a writer may keep them (e.g. queued in a file stream). */
  write(data: Uint8Array): void;
  /** The entry is complete (its CRC-32 is checked at the end of the archive). */
  end(): void;
}

/** @internal */
export interface StreamingUnzipOptions extends ZipCodec {
  /**
   * Stream entries instead of collecting them: called when an entry starts, its writer gets
   * the bytes as they inflate and nothing is kept in memory (`finish()` then returns `{}`).
   */
  readonly onEntry?: (name: string) => EntryWriter;
}

/**
 * Push-based unzipper: feed chunks as they arrive, then `finish()` for the entries.
 *
 * Guards: the total uncompressed size may not pass `maxBytes` (zip bombs); an archive that
 * ends inside an entry, holds no entry, or has duplicate names is an error; each entry's
 * CRC-32 and size are checked against the central directory at the end of the archive.
 *
 * The decoder and the CRC-32 are injectable ({@link ZipCodec}) so the Node entry can use
 * `node:zlib` while the core stays browser-safe.
 *
 * @internal
 */
export class StreamingUnzip {
  private readonly unzip: Unzip;
  private readonly files: Record<string, Uint8Array> = {};
  private readonly sizes = new Map<string, number>();
  private readonly open = new Set<string>();
  private readonly crcs = new Map<string, number>();
  private readonly tail: Uint8Array[] = [];
  private readonly crc32: (data: Uint8Array, previous: number) => number;
  private tailSize = 0;
  private failure?: Error;
  private uncompressed = 0;
  private seen = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly options: StreamingUnzipOptions = {},
  ) {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(options.inflate ?? UnzipInflate);
    this.crc32 = options.crc32 ?? crc32;
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
    for (const [name, size] of this.sizes) {
      const declared = directory.get(name);
      if (!declared) throw new ResultArchiveError(`Result archive entry '${name}' is missing from its central directory`);
      if (declared.size !== undefined && declared.size !== size) {
        throw new ResultArchiveError(`Result archive entry '${name}' is ${size} bytes, the archive says ${declared.size}`);
      }
      if (declared.crc !== this.crcs.get(name)) throw new ResultArchiveError(`Result archive entry '${name}' fails its CRC-32 check`);
    }
    for (const name of directory.keys()) {
      if (!name.endsWith('/') && !this.sizes.has(name)) {
        throw new ResultArchiveError(`Result archive entry '${name}' is listed but was not found in the data`);
      }
    }
  }

  private onFile(file: UnzipFile): void {
    if (this.failure) return;
    const name = file.name;
    if (this.sizes.has(name) || this.open.has(name)) {
      this.failure = new ResultArchiveError(`Result archive has two entries named '${name}'`);
      return;
    }
    this.seen++;
    if (name.endsWith('/')) return; // a folder entry carries no data
    this.open.add(name);
    let writer: EntryWriter | undefined;
    try {
      writer = this.options.onEntry?.(name);
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      return;
    }
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
      crc = this.crc32(data, crc);
      try {
        if (writer) {
          if (data.byteLength > 0) writer.write(data);
        } else {
          chunks.push(data);
        }
        if (final) {
          this.open.delete(name);
          this.crcs.set(name, crc);
          this.sizes.set(name, size);
          if (writer) writer.end();
          else this.files[name] = concatBytes(chunks, size);
        }
      } catch (e) {
        this.failure = e instanceof Error ? e : new Error(String(e));
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
