/** Result archives inflated by node:zlib. */
/**
 * Result archives inflated by `node:zlib` instead of fflate's JavaScript inflate (native code,
 * several times faster: docs/PERFORMANCE.md, "Streaming result download"), with zlib's native
 * CRC-32.
 *
 * @packageDocumentation
 */
import zlib from 'node:zlib';
import { Inflate } from 'fflate';
import type { InflateDecoder, ZipCodec } from 'prediction-one-rx';

/**
 * The native zlib handle behind a `zlib.InflateRaw` stream: `writeSync` is the step that
 * `zlib.inflateRawSync` loops over (node:zlib's `processChunkSync`), `_writeState` receives
 * `[availOutAfter, availInAfter]`. Used directly because node:zlib has no public incremental
 * synchronous API (`inflateRawSync` is one-shot, the stream API is asynchronous).
 */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  close(): void;
}
type Engine = zlib.InflateRaw & { _handle?: ZlibHandle | null; _writeState?: Uint32Array };

/** Output buffer size of each zlib step (node:zlib's default chunk size), at most. */
const OUT_BYTES = 64 * 1024;
/** Output buffer size for an entry whose size is known to be small (result zips hold small CSVs). */
const MIN_OUT_BYTES = 1024;
const EMPTY = Buffer.alloc(0);

/**
 * An incremental, synchronous raw inflate on node:zlib's native handle, or `undefined` when
 * this Node does not expose what it needs.
 */
class ZlibSteps {
  private out: Buffer;
  private offset = 0;
  /** Writing to a closed handle aborts the process (a native assertion), so every step checks. */
  private closed = false;

  private constructor(
    private readonly engine: Engine,
    private readonly handle: ZlibHandle,
    private readonly state: Uint32Array,
    /** Size of each output buffer: a 64 KiB one per small entry would be mostly garbage. */
    private readonly outBytes: number,
  ) {
    this.out = Buffer.allocUnsafe(outBytes);
  }

  /** `expectedBytes`: the entry's declared uncompressed size, when known (a hint: more buffers follow if it is wrong). */
  static create(expectedBytes?: number): ZlibSteps | undefined {
    const engine = zlib.createInflateRaw() as Engine;
    const handle = engine._handle;
    const state = engine._writeState;
    // toString, not instanceof: the array may come from another realm (a vm context, jest).
    if (!handle || typeof handle.writeSync !== 'function' || Object.prototype.toString.call(state) !== '[object Uint32Array]' || state!.length < 2) {
      engine.close();
      return undefined;
    }
    // Errors are also emitted (asynchronously) as 'error' events; they are read from `errored`.
    engine.on('error', () => undefined);
    const outBytes = expectedBytes !== undefined && expectedBytes > 0 ? Math.min(OUT_BYTES, Math.max(MIN_OUT_BYTES, expectedBytes + 1)) : OUT_BYTES;
    return new ZlibSteps(engine, handle, state!, outBytes);
  }

  /** Inflates `input`, calling `emit` with each piece of output. Throws zlib's errors. */
  run(input: Uint8Array, flush: number, emit: (data: Buffer) => void): void {
    let inOff = 0;
    let inLen = input.byteLength;
    for (;;) {
      // `emit` may have closed us (the unzipper terminates an entry past its size limit).
      if (this.closed) return;
      const outLen = this.outBytes - this.offset;
      this.handle.writeSync(flush, input, inOff, inLen, this.out, this.offset, outLen);
      if (this.engine.errored) throw this.engine.errored;
      const availOut = this.state[0];
      const availIn = this.state[1];
      const have = outLen - availOut;
      if (have > 0) {
        // A view, not a copy: this region of `out` is never written again (a fresh buffer follows).
        emit(this.out.subarray(this.offset, this.offset + have));
        this.offset += have;
      }
      if (availOut === 0 || this.offset >= this.outBytes) {
        this.out = Buffer.allocUnsafe(this.outBytes);
        this.offset = 0;
      }
      if (availOut !== 0) return; // all input consumed and output flushed
      inOff += inLen - availIn;
      inLen = availIn;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.close();
  }
}

/**
 * A raw-deflate decoder for fflate's `Unzip` on `node:zlib`: one native zlib stream per entry,
 * fed chunk by chunk synchronously (the step behind `zlib.inflateRawSync`, which is one-shot),
 * so memory stays bounded by a 64 KiB output buffer and the bytes come out before `push`
 * returns, as fflate's own decoder does. Where this Node does not expose that step it falls
 * back to fflate's inflate ({@link NodeInflate.native} tells which is used).
 *
 * **Errors**: corrupt or truncated data is reported through `ondata` (the unzipper turns it
 * into {@link index!ResultArchiveError}).
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, zipCodec: { inflate: NodeInflate } });
 * ```
 */
export class NodeInflate implements InflateDecoder {
  /** Zip method 8: deflate. */
  static readonly compression = 8;
  /** Whether node:zlib's native inflate is available here (else fflate's inflate is used). */
  static get native(): boolean {
    const probe = ZlibSteps.create();
    probe?.close();
    return probe !== undefined;
  }
  ondata: InflateDecoder['ondata'] = () => undefined;
  private readonly zlib?: ZlibSteps;
  private readonly fallback?: Inflate;
  private done = false;

  /**
   * @param _name - The entry's name (unused).
   * @param _size - Its compressed size, if known (unused).
   * @param originalSize - Its uncompressed size, if known: sizes the output buffers of a small entry.
   */
  constructor(_name?: string, _size?: number, originalSize?: number) {
    this.zlib = ZlibSteps.create(originalSize);
    if (!this.zlib) this.fallback = new Inflate((data, final) => this.ondata(null, data, final));
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.done) return;
    try {
      if (this.fallback) {
        this.fallback.push(chunk, final);
        return;
      }
      const emit = (data: Buffer) => {
        if (!this.done) this.ondata(null, data, false);
      };
      this.zlib!.run(chunk, zlib.constants.Z_SYNC_FLUSH, emit);
      if (final && !this.done) {
        // Z_FINISH on no input fails with "unexpected end of file" when the entry is truncated.
        this.zlib!.run(EMPTY, zlib.constants.Z_FINISH, emit);
        this.done = true;
        this.zlib!.close();
        this.ondata(null, EMPTY, true);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  terminate(): void {
    this.done = true;
    this.zlib?.close();
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.terminate();
    this.ondata(err instanceof Error ? err : new Error(String(err)), EMPTY, true);
  }
}

type Crc32 = (data: Uint8Array, previous: number) => number;
const zlibCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;
/** Node 20's `zlib.crc32` answers 0 for empty data when `previous` >= 2^31, so empty chunks skip it. */
const nativeCrc32: Crc32 | undefined = zlibCrc32 && ((data, previous) => (data.byteLength === 0 ? previous : zlibCrc32(data, previous)));

/**
 * The Node entry's codecs for result archives: {@link NodeInflate} and `zlib.crc32` (Node
 * 20.15+; the JavaScript CRC-32 otherwise). {@link createNodeClient} sets it.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, zipCodec: nodeZipCodec });
 * ```
 */
export const nodeZipCodec: ZipCodec = nativeCrc32 ? { inflate: NodeInflate, crc32: nativeCrc32 } : { inflate: NodeInflate };
