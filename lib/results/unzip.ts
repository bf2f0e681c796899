/** Streaming, bounded unzip of a result archive. */
/**
 * Streaming unzip of a result archive with fflate, bounded in size, with synchronous or
 * asynchronous decoders. Browser-safe.
 *
 * @packageDocumentation
 */
import { Unzip, type UnzipFile } from 'fflate';
import type { InflateDecoder, InflateDecoderConstructor, ZipCodec } from '../core/config';
import { ResponseTooLargeError, ResultArchiveError } from '../core/errors';
import { concatBytes } from '../core/bytes';
import { crc32 } from './crc32';
import { MAX_EOCD_SEARCH, readCentralDirectory } from './zipDirectory';
import { defaultInflate } from './webInflate';

/** The archive's last bytes are kept to read its central directory (a few KiB for a result). */
const TAIL_BYTES = 1024 * 1024 + MAX_EOCD_SEARCH;

/**
 * Below this much output the compression ratio is not judged: a small, very regular file (a
 * column of zeros) may legitimately inflate far more than its few compressed bytes suggest.
 */
const RATIO_FREE_BYTES = 1024 * 1024;

/** Bounds of the pieces of compressed input given to the decoders at once (see `push`). */
const MIN_PUSH_BYTES = 2 * 1024;
const MAX_PUSH_BYTES = 64 * 1024;
/** Output aimed at per piece. */
const PIECE_OUTPUT_BYTES = 2 * 1024 * 1024;

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
  /**
   * Most the archive may inflate relative to the compressed bytes received so far (zip-bomb
   * guard; judged past the first MiB of output). Default: no limit.
   */
  readonly maxCompressionRatio?: number;
}

/** An entry being inflated. */
interface OpenEntry {
  /** Its decoder: none for a stored or empty entry. */
  decoder?: InflateDecoder;
}

/**
 * Push-based unzipper: feed chunks as they arrive, then `end()` and `finish()` for the entries.
 *
 * Guards: the total uncompressed size may not pass `maxBytes`, nor (past its first MiB)
 * `maxCompressionRatio` times the compressed bytes received (zip bombs); an entry whose local
 * header declares more than fits is refused before it inflates; an archive that
 * ends inside an entry, holds no entry, or has duplicate names is an error; each entry's
 * CRC-32 and size are checked against the central directory at the end of the archive.
 *
 * The decoder and the CRC-32 are injectable ({@link ZipCodec}) so the Node entry can use
 * `node:zlib` while the core stays browser-safe. A decoder may be asynchronous (one with
 * `drained()`, such as {@link WebInflate}): its output then arrives after `push` returns,
 * `drain()` waits until it has taken in what was pushed, and `end()` until it delivered its
 * last bytes. With synchronous decoders `drain()` answers `undefined` and costs nothing.
 *
 * @internal
 */
export class StreamingUnzip {
  private readonly unzip: Unzip;
  private readonly files: Record<string, Uint8Array> = {};
  private readonly sizes = new Map<string, number>();
  private readonly open = new Map<string, OpenEntry>();
  /** Open entries whose decoder is asynchronous: what `drain()` and `end()` wait for. */
  private readonly pending = new Map<string, InflateDecoder>();
  private readonly crcs = new Map<string, number>();
  private readonly tail: Uint8Array[] = [];
  private readonly crc32: (data: Uint8Array, previous: number) => number;
  private tailSize = 0;
  private failure?: Error;
  private uncompressed = 0;
  /** Compressed bytes pushed so far (an upper bound on what the decoders have consumed). */
  private compressed = 0;
  /** Size of the next piece of input (see `push`); starts small, as a bomb would be fed. */
  private pieceBytes = MIN_PUSH_BYTES;
  private seen = 0;
  private ended = false;
  /** `end()` ran to completion: every asynchronous decoder was waited for. */
  private settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly options: StreamingUnzipOptions = {},
  ) {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(this.tracked(options.inflate ?? defaultInflate()));
    this.crc32 = options.crc32 ?? crc32;
  }

  push(chunk: Uint8Array): void {
    this.throwIfFailed();
    this.keepTail(chunk);
    // In pieces: a synchronous decoder (fflate's) inflates a whole push into one buffer, and a
    // zip bomb inflates about 1000:1, so a 64 KiB network chunk would be 64 MiB at once. Each
    // piece is sized from the ratio the last one showed, to inflate to about PIECE_OUTPUT_BYTES:
    // small for a bomb (its output stays bounded between two checks of the limits), large for
    // ordinary data (small pieces would multiply the decoder's per-push garbage).
    for (let offset = 0; offset < chunk.byteLength;) {
      const piece = offset === 0 && chunk.byteLength <= this.pieceBytes ? chunk : chunk.subarray(offset, offset + this.pieceBytes);
      offset += piece.byteLength;
      const before = this.uncompressed;
      this.compressed += piece.byteLength;
      try {
        this.unzip.push(piece, false);
      } catch (err) {
        throw this.fail(this.corrupt(err));
      }
      this.throwIfFailed();
      const out = this.uncompressed - before;
      // Nothing out yet (headers, or an asynchronous decoder whose output follows): grow.
      const next = out > 0 ? Math.floor((PIECE_OUTPUT_BYTES * piece.byteLength) / out) : this.pieceBytes * 2;
      this.pieceBytes = Math.min(MAX_PUSH_BYTES, Math.max(MIN_PUSH_BYTES, next));
    }
  }

  /**
   * Waits until every asynchronous decoder has taken in what was pushed so far (their output
   * then follows as it inflates), so a caller that awaits it after each chunk bounds the bytes
   * pushed but not yet inflated. `undefined` when nothing is pending: synchronous decoders
   * inflate within `push`, and awaiting nothing would cost a microtask per chunk. Rejects with
   * the archive's failure (corrupt, too large, a writer's error).
   */
  drain(): Promise<void> | undefined {
    this.throwIfFailed();
    if (this.pending.size === 0) return undefined;
    let waits: Promise<void>[] | undefined;
    for (const decoder of this.pending.values()) {
      const wait = decoder.drained?.();
      if (wait) (waits ??= []).push(wait);
    }
    return waits && this.settle(waits);
  }

  /**
   * No more input: ends the archive and waits until every entry's decoder delivered its last
   * bytes (or failed). Then `finish()` checks and returns the entries. Rejects with the
   * archive's failure.
   */
  async end(): Promise<void> {
    this.endInput();
    // Several decoders may be in flight (an entry's output can still be coming while the next
    // entry inflates); wait until none is. A decoder left open without anything pending never
    // had its end: finish() reports the archive truncated.
    for (let wait = this.drain(); wait; wait = this.drain()) await wait;
    this.throwIfFailed();
    this.settled = true;
  }

  /**
   * Checks the archive (truncation, CRC-32s and sizes against the central directory) and
   * returns the entries (`{}` when streamed to `onEntry`). Ends the input if `end()` was not
   * called; with an asynchronous decoder `end()` must have been awaited first.
   */
  finish(): Record<string, Uint8Array> {
    this.endInput();
    if (this.pending.size > 0 && !this.settled) throw new Error('StreamingUnzip.finish() needs `await end()` first with an asynchronous decoder');
    if (this.open.size > 0) {
      throw new ResultArchiveError(`Result archive is truncated inside ${[...this.open.keys()].join(', ')}`);
    }
    if (this.seen === 0) throw new ResultArchiveError('Result archive holds no entries (not a zip file?)');
    this.verify();
    return this.files;
  }

  /**
   * Stops: terminates every decoder still working (an asynchronous one would otherwise keep
   * inflating, and writing, after the download was cancelled). Later calls throw.
   */
  cancel(reason: Error = new Error('Result archive reading was cancelled')): void {
    this.fail(reason);
  }

  private endInput(): void {
    this.throwIfFailed();
    if (this.ended) return;
    this.ended = true;
    try {
      this.unzip.push(new Uint8Array(0), true);
    } catch (err) {
      throw this.fail(this.corrupt(err));
    }
    this.throwIfFailed();
  }

  private async settle(waits: Promise<void>[]): Promise<void> {
    await (waits.length === 1 ? waits[0] : Promise.all(waits));
    this.throwIfFailed();
  }

  /**
   * Registers `Decoder` so that each instance fflate creates (one per entry, in `file.start()`)
   * is known to its entry: to wait for it and to terminate it. The instance itself is returned,
   * so fflate talks to it directly and no chunk takes a detour.
   */
  private tracked(Decoder: InflateDecoderConstructor): InflateDecoderConstructor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below runs inside fflate, which knows nothing of us
    const owner = this;
    return class {
      static readonly compression = Decoder.compression;
      constructor(name: string, size?: number, originalSize?: number) {
        const decoder = new Decoder(name, size, originalSize);
        owner.adopt(name, decoder);
        return decoder;
      }
    } as unknown as InflateDecoderConstructor;
  }

  private adopt(name: string, decoder: InflateDecoder): void {
    const entry = this.open.get(name);
    if (!entry) return;
    entry.decoder = decoder;
    if (typeof decoder.drained === 'function') this.pending.set(name, decoder);
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
      this.fail(new ResultArchiveError(`Result archive has two entries named '${name}'`));
      return;
    }
    this.seen++;
    if (name.endsWith('/')) return; // a folder entry carries no data
    // A size declared in the local header is known before anything inflates: an entry that
    // says it will not fit is refused at once.
    const declared = file.originalSize;
    if (declared !== undefined && declared > this.maxBytes - this.uncompressed) {
      this.fail(new ResponseTooLargeError(`Uncompressed result archive (entry '${name}' declares ${declared} bytes)`, this.maxBytes));
      return;
    }
    this.open.set(name, {});
    let writer: EntryWriter | undefined;
    try {
      writer = this.options.onEntry?.(name);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // Kept in memory: with a declared size, one buffer filled in place (no second copy at the
    // end, so a result near the limit peaks at its size, not twice it); else the chunks.
    const whole = !writer && declared !== undefined ? new Uint8Array(declared) : undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    let crc = 0;
    file.ondata = (err, data, final) => {
      if (this.failure) return;
      if (err) {
        this.fail(this.corrupt(err));
        return;
      }
      size += data.byteLength;
      this.uncompressed += data.byteLength;
      if (this.outgrown(name, size, declared)) return;
      crc = this.crc32(data, crc);
      try {
        if (writer) {
          if (data.byteLength > 0) writer.write(data);
        } else if (whole) {
          whole.set(data, size - data.byteLength);
        } else {
          chunks.push(data);
        }
        if (final) {
          this.open.delete(name);
          this.pending.delete(name);
          this.crcs.set(name, crc);
          this.sizes.set(name, size);
          if (writer) writer.end();
          else this.files[name] = whole ? (size === whole.byteLength ? whole : whole.subarray(0, size)) : concatBytes(chunks, size);
        }
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
      }
    };
    file.start();
  }

  /**
   * Whether the output passed a limit (then the archive has failed and every decoder is
   * stopped, mid-entry: nothing more inflates). Checked on every piece of output, so an endless
   * entry stops as soon as it passes the limit, not once it ends.
   */
  private outgrown(name: string, size: number, declared: number | undefined): boolean {
    if (this.uncompressed > this.maxBytes) {
      this.fail(new ResponseTooLargeError('Uncompressed result archive', this.maxBytes));
    } else if (declared !== undefined && size > declared) {
      this.fail(new ResultArchiveError(`Result archive entry '${name}' inflates past the ${declared} bytes its header declares`));
    } else {
      const ratio = this.options.maxCompressionRatio;
      if (ratio === undefined || this.uncompressed <= RATIO_FREE_BYTES || this.uncompressed <= ratio * this.compressed) return false;
      this.fail(
        new ResponseTooLargeError(
          `Uncompressed result archive (more than ${ratio} times its ${this.compressed} compressed bytes so far: a zip bomb?)`,
          Math.floor(ratio * this.compressed),
        ),
      );
    }
    return true;
  }

  /**
   * Records the first failure and terminates every decoder still open (past the size limit,
   * this is what stops a zip bomb). Returns the failure to throw.
   */
  private fail(err: Error): Error {
    this.failure ??= err;
    const open = [...this.open.values()];
    this.open.clear();
    this.pending.clear();
    for (const entry of open) entry.decoder?.terminate?.();
    return this.failure;
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
