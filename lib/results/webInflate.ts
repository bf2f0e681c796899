/** Result archives inflated by the platform's DecompressionStream. */
/**
 * Result archives inflated by the platform's `DecompressionStream('deflate-raw')` (native code
 * in browsers and Node) instead of fflate's JavaScript inflate. Browser-safe: it reaches the
 * stream through `globalThis` and imports nothing from Node.
 *
 * @packageDocumentation
 */
import { Inflate, UnzipInflate } from 'fflate';
import type { InflateDecoder, InflateDecoderConstructor, ZipCodec } from '../core/config';

/** The part of the Compression Streams API used here (typed locally: the global may be absent). */
interface RawDecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}
type RawDecompressionStreamClass = new (format: 'deflate-raw') => RawDecompressionStream;

const EMPTY = new Uint8Array(0);
const RESOLVED: Promise<void> = Promise.resolve();
const ignore = (): void => undefined;

/** The global `DecompressionStream`, read on each call so that it can be stubbed or polyfilled late. */
function streamClass(): RawDecompressionStreamClass | undefined {
  const found = (globalThis as { DecompressionStream?: unknown }).DecompressionStream;
  return typeof found === 'function' ? (found as RawDecompressionStreamClass) : undefined;
}

/** A raw-deflate stream, or `undefined` where the class is missing or refuses `'deflate-raw'` (older browsers know only gzip and deflate). */
function openStream(): RawDecompressionStream | undefined {
  const Stream = streamClass();
  if (!Stream) return undefined;
  try {
    return new Stream('deflate-raw');
  } catch {
    return undefined;
  }
}

/** The last probe, keyed by the class it probed, so a stubbed or replaced global is probed again. */
let probed: { readonly of: RawDecompressionStreamClass | undefined; readonly native: boolean } | undefined;

function nativeAvailable(): boolean {
  const of = streamClass();
  if (probed && probed.of === of) return probed.native;
  const probe = openStream();
  // Release the probe's resources (a zlib handle in Node) now rather than at garbage collection.
  probe?.readable.cancel().catch(ignore);
  probe?.writable.abort().catch(ignore);
  probed = { of, native: probe !== undefined };
  return probed.native;
}

/**
 * A raw-deflate decoder for fflate's `Unzip` on the platform's `DecompressionStream('deflate-raw')`:
 * one stream per entry, whose output is read as it comes and handed to `ondata`. It is
 * **asynchronous**: output arrives after `push` returns, and {@link WebInflate.drained} tells
 * when the stream has taken in what was pushed (the unzipper waits for it after every network
 * chunk, so memory stays bounded). Where the platform has no such stream (an older browser, a
 * runtime without Compression Streams) it falls back to fflate's synchronous inflate
 * ({@link WebInflate.native} tells which is used).
 *
 * The client's default decoder is this one where the stream exists, fflate's otherwise; the
 * Node entry's client uses `NodeInflate` (synchronous `node:zlib`, faster still in Node).
 *
 * **Errors**: corrupt or truncated data is reported through `ondata` (the unzipper turns it
 * into {@link index!ResultArchiveError}); `push` never throws.
 *
 * **Cancellation**: `terminate()` cancels the stream; nothing reaches `ondata` afterwards.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, zipCodec: { inflate: WebInflate } });
 * console.log(WebInflate.native); // true in current browsers and Node 20
 * ```
 */
export class WebInflate implements InflateDecoder {
  /** Zip method 8: deflate. */
  static readonly compression = 8;

  /** Whether `DecompressionStream('deflate-raw')` works here (else fflate's inflate is used). */
  static get native(): boolean {
    return nativeAvailable();
  }

  ondata: InflateDecoder['ondata'] = ignore;
  private readonly writer?: WritableStreamDefaultWriter<Uint8Array>;
  private readonly reader?: ReadableStreamDefaultReader<Uint8Array>;
  private readonly fallback?: Inflate;
  /** The read loop: never rejects, ends after the final `ondata` call (or the error). */
  private readonly finished: Promise<void> = RESOLVED;
  /**
   * Settles once the stream took the last chunk written; after the final one, once the read
   * loop ended. Never rejects; `terminate()` settles it too (cancelling the readable side
   * errors the writable one, which rejects the pending writes).
   */
  private idle: Promise<void> = RESOLVED;
  /** The final chunk was pushed. */
  private ended = false;
  /** The final `ondata` call was made, or the decoder was terminated: nothing more reaches `ondata`. */
  private done = false;

  constructor() {
    const stream = openStream();
    if (!stream) {
      this.fallback = new Inflate((data, final) => {
        if (this.done) return;
        if (final) this.done = true;
        this.ondata(null, data, final);
      });
      return;
    }
    this.writer = stream.writable.getWriter();
    this.reader = stream.readable.getReader();
    // Failures surface through the read loop; this promise must not reject unhandled.
    this.writer.closed.catch(ignore);
    this.finished = this.pump();
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.done || this.ended) return;
    if (this.fallback) {
      try {
        this.fallback.push(chunk, final);
      } catch (err) {
        this.fail(err);
      }
      return;
    }
    const writer = this.writer!;
    // The chunk is not copied: the unzipper's chunks are views of network buffers nobody reuses.
    if (chunk.byteLength > 0) this.idle = writer.write(chunk).catch(ignore);
    if (final) {
      this.ended = true;
      // A truncated or corrupt stream rejects here and in the read loop; the loop reports it.
      writer.close().catch(ignore);
      this.idle = this.finished;
    }
  }

  /**
   * Resolves once the stream has taken in every chunk pushed so far (its output is then read
   * and handed to `ondata` as it comes); after the final chunk, once the last `ondata` call was
   * made. Never rejects. `undefined` when nothing is pending (also with the fflate fallback,
   * which is synchronous).
   */
  drained(): Promise<void> | undefined {
    // No race against terminate() here: it would add a reaction per call to one long-lived promise.
    return this.done || this.fallback ? undefined : this.idle;
  }

  terminate(): void {
    if (this.done) return;
    this.done = true;
    this.idle = RESOLVED;
    // Cancelling the readable side errors the writable one: pending writes reject (ignored).
    this.reader?.cancel().catch(ignore);
    this.writer?.abort().catch(ignore);
  }

  private async pump(): Promise<void> {
    const reader = this.reader!;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (this.done) return;
        if (done) break;
        if (value.byteLength > 0) this.ondata(null, value, false);
      }
      if (this.done) return;
      this.done = true;
      this.ondata(null, EMPTY, true);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.terminate();
    this.ondata(err instanceof Error ? err : new Error(String(err)), EMPTY, true);
  }
}

/**
 * The browser codecs for result archives: {@link WebInflate} (native inflate through
 * `DecompressionStream`) and the JavaScript CRC-32. It is what a {@link index!createClient} client
 * uses by default where `DecompressionStream('deflate-raw')` works; set it to say so explicitly
 * (e.g. on a Node client, to compare it with `nodeZipCodec`).
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, zipCodec: webZipCodec });
 * ```
 */
export const webZipCodec: ZipCodec = { inflate: WebInflate };

/**
 * The decoder used when the client's {@link ZipCodec} names none: {@link WebInflate} where
 * `DecompressionStream('deflate-raw')` works, fflate's `UnzipInflate` otherwise.
 *
 * @internal
 */
export function defaultInflate(): InflateDecoderConstructor {
  return nativeAvailable() ? WebInflate : UnzipInflate;
}
