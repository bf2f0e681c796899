/** Every form a CSV can come in, turned into a request body and a head for inference. */
/**
 * Everything a CSV can come as (text, bytes, a Blob or File, a stream), turned into a request
 * body plus the head of the data for column inference.
 *
 * @packageDocumentation
 */
import type { Spooling } from './spool';
import { decodeCsv, type CsvEncoding } from './textEncoding';
import { onDemand } from '../core/onDemand';

/** The stream sources, loaded with the first one. */
const streamSources = onDemand(() => import('./streamSource'));

/**
 * CSV data in any form the library accepts: text, bytes, a `Blob`/`File`, a WHATWG
 * `ReadableStream` or any async iterable of byte chunks (a Node `Readable` is one). Bytes may be
 * UTF-8 (with or without a BOM) or Shift_JIS/CP932 and are uploaded unchanged; text is sent as
 * UTF-8.
 *
 * ## Example
 * ```ts
 * const fromText: CsvSource = 'a,b\n1,2\n';
 * const fromFile: CsvSource = fileInput.files[0];
 * ```
 */
export type CsvSource = string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Whether `source` can be read again from the start, so a spent upload can be sent in a new
 * session: text, bytes, a `Blob`, or an iterable that says so with `rereadable: true` (each
 * `[Symbol.asyncIterator]()` call starts over, as `fileSource` from the Node entry does). A
 * stream or a generator cannot.
 *
 * @internal
 */
export function isRereadable(source: CsvSource): boolean {
  if (typeof source === 'string' || source instanceof Uint8Array || isBlob(source)) return true;
  return (source as { rereadable?: unknown }).rereadable === true;
}

/**
 * A byte source that knows its length when it is opened, so an upload can declare
 * `Content-Length` while it streams (object storage refuses chunked uploads). `fileSource`
 * from the Node entry is one: its length comes from `stat` of the opened file.
 *
 * ## Example
 * ```ts
 * const source: SizedSource = fileSource('train.csv');
 * const { size, chunks } = await source.open();
 * ```
 */
export interface SizedSource extends AsyncIterable<Uint8Array> {
  /**
   * Opens the data: its `chunks` are exactly `size` bytes. `size` is undefined when the length
   * cannot be known (a pipe, a device): the upload then spools the data first.
   */
  open(): Promise<{ readonly size?: number; readonly chunks: AsyncIterable<Uint8Array> }>;
}

/** How much of the data column inference reads. */
export const HEAD_BYTES = 1024 * 1024;

/** A source ready to send. @internal */
export interface PreparedSource {
  /** The first {@link HEAD_BYTES} (or all) of the data, decoded (UTF-8 or Shift_JIS, detected unless given). */
  readonly head: string;
  /** Whether `head` is the whole data. */
  readonly complete: boolean;
  /** Bytes, or a one-shot stream of bytes when the transport can stream uploads. */
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  /** Size in bytes: the upload's `Content-Length`. Unknown only until {@link settleSource}. */
  readonly size?: number;
  /** Releases a streamed source that will not be sent after all (a file handle, a socket). */
  readonly release?: () => Promise<void>;
  /**
   * For a source of unknown length: spools it (or collects it into memory) so its length is
   * known. Deferred until the checks of the head passed, so a refused source is never read whole.
   */
  readonly settle?: () => Promise<PreparedSource>;
}

/**
 * The source with its length known: spooled (or collected) when it was of unknown length.
 *
 * **Errors**: {@link SpoolLimitError} past the memory limit, or the spool's error (a full disk);
 * the source is released either way.
 *
 * @internal
 */
export function settleSource(source: PreparedSource): Promise<PreparedSource> {
  return source.settle === undefined ? Promise.resolve(source) : source.settle();
}

const encoder = new TextEncoder();

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

/** The first {@link HEAD_BYTES} of `bytes` as text; `whole` says whether `bytes` is all the data. */
function decodeHead(bytes: Uint8Array, encoding: CsvEncoding | undefined, whole: boolean): string {
  const head = bytes.subarray(0, HEAD_BYTES);
  // A head shorter than the data may end inside a multi-byte character: leave it out.
  return decodeCsv(head, { encoding, complete: whole && head.byteLength === bytes.byteLength }).text;
}

/**
 * Reads enough of `source` for column inference and returns the body to upload with its exact
 * length (every PUT declares `Content-Length`). Streams of known length (a `Blob`, a
 * {@link SizedSource} such as `fileSource`) stay streams when `streaming` is true (only the head is
 * held in memory); otherwise they are collected, because the default fetch cannot send a stream.
 * A stream of unknown length is spooled (`spooling.spool`, a temporary file in Node) when
 * streaming, else held in memory up to `spooling.maxMemoryBytes` ({@link SpoolLimitError} past it),
 * once {@link settleSource} asks: only its head is read here. Bytes are sent unchanged; only the
 * head is decoded, with `encoding` or the detected one (UTF-8 or Shift_JIS).
 *
 * @internal
 */
export async function prepareSource(source: CsvSource, streaming: boolean, spooling: Spooling, encoding?: CsvEncoding): Promise<PreparedSource> {
  if (typeof source === 'string') {
    const body = encoder.encode(source);
    return { head: source.slice(0, HEAD_BYTES), complete: source.length <= HEAD_BYTES, body, size: body.byteLength };
  }
  if (source instanceof Uint8Array) {
    return { head: decodeHead(source, encoding, true), complete: source.byteLength <= HEAD_BYTES, body: source, size: source.byteLength };
  }
  if (isBlob(source)) {
    // Not `Blob.text()`: it reads UTF-8 only.
    const head = decodeHead(new Uint8Array(await source.slice(0, HEAD_BYTES).arrayBuffer()), encoding, source.size <= HEAD_BYTES);
    if (streaming && source.size > HEAD_BYTES) {
      const { readerChunks } = await streamSources();
      return { head, complete: false, body: readerChunks(source.stream()), size: source.size };
    }
    const body = new Uint8Array(await source.arrayBuffer());
    return { head, complete: body.byteLength <= HEAD_BYTES, body, size: body.byteLength };
  }
  // Any other stream: read on the first one, a chunk of its own in the browser build (an app that
  // uploads text, bytes or files never loads it; docs/PERFORMANCE.md, section 6).
  const { prepareStream } = await streamSources();
  return prepareStream(source, streaming, spooling, { bytes: HEAD_BYTES, decode: (bytes, whole) => decodeHead(bytes, encoding, whole) });
}

/**
 * Wraps a streamed body so each chunk pulled by the transport reports the bytes sent so far.
 *
 * @internal
 */
export async function* countingChunks(body: AsyncIterable<Uint8Array>, onProgress: (loaded: number) => void): AsyncGenerator<Uint8Array> {
  let loaded = 0;
  for await (const chunk of body) {
    yield chunk;
    loaded += chunk.byteLength;
    onProgress(loaded);
  }
}
