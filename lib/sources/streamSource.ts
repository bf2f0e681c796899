/** A CSV source that is a stream: its head read for inference, the rest sent or spooled. */
/**
 * A CSV source that is a stream (a {@link SizedSource} such as Node's `fileSource`, a WHATWG
 * `ReadableStream`, any async iterable of byte chunks), prepared for an upload. `prepareSource`
 * loads this module with a dynamic `import()` on the first such source, so a browser app that
 * uploads text, bytes or files never loads it (docs/PERFORMANCE.md, section 6).
 *
 * @packageDocumentation
 */
import { ValidationError } from '../core/errors';
import { concatBytes } from '../core/bytes';
import type { PreparedSource, SizedSource } from './csvSource';
import { collectBounded, type Spooling } from './spool';

const encoder = new TextEncoder();

function isSized(source: unknown): source is SizedSource {
  return typeof (source as { open?: unknown }).open === 'function';
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as { getReader?: unknown } | null)?.getReader === 'function';
}

/**
 * The chunks of a `ReadableStream`, its lock released when the iteration stops.
 *
 * ## Example
 * ```ts
 * for await (const chunk of readerChunks(blob.stream())) total += chunk.byteLength;
 * ```
 *
 * @internal
 */
export async function* readerChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The head of the data as `prepareSource` wants it: how many bytes column inference reads, and
 * how they are decoded (`whole`: they are all the data).
 *
 * @internal
 */
export interface HeadPolicy {
  readonly bytes: number;
  decode(bytes: Uint8Array, whole: boolean): string;
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  throw new ValidationError('CSV source', ['a stream must yield Uint8Array (or string) chunks']);
}

/**
 * `prepareSource` for a stream: reads its head (`policy.bytes`) and returns the rest as
 * the body. Of known length, it stays a stream when `streaming`, else it is collected; of unknown
 * length, it is spooled or collected once `settle` is called.
 *
 * @internal
 */
export async function prepareStream(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  streaming: boolean,
  spooling: Spooling,
  policy: HeadPolicy,
): Promise<PreparedSource> {
  let declared: number | undefined;
  let iterable: AsyncIterable<unknown>;
  if (isSized(source)) {
    const opened = await source.open();
    declared = opened.size;
    iterable = opened.chunks;
  } else {
    iterable = isReadableStream(source) ? readerChunks(source) : source;
  }
  if (typeof (iterable as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') {
    throw new ValidationError('CSV source', ['expected a string, Uint8Array, Blob, ReadableStream or async iterable']);
  }
  const iterator = iterable[Symbol.asyncIterator]();
  const prefix: Uint8Array[] = [];
  let prefixSize = 0;
  let done = false;
  while (prefixSize < policy.bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const bytes = toBytes(next.value);
    prefix.push(bytes);
    prefixSize += bytes.byteLength;
  }
  const headBytes = concatBytes(prefix, prefixSize);
  const head = policy.decode(headBytes, done);
  if (done) return { head, complete: true, body: headBytes, size: prefixSize };
  const rest = (async function* () {
    try {
      yield headBytes;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield toBytes(next.value);
      }
    } finally {
      // Release the source (a file handle, a socket) when the upload stops early.
      await iterator.return?.();
    }
  })();
  const release = async (): Promise<void> => void (await iterator.return?.());
  if (declared !== undefined) {
    if (streaming) return { head, complete: false, body: rest, size: declared, release };
    const chunks: Uint8Array[] = [];
    for await (const chunk of rest) chunks.push(chunk);
    const body = concatBytes(chunks);
    return { head, complete: false, body, size: body.byteLength };
  }
  // Unknown length: object storage needs it before the first byte, so the data is spooled.
  const spool = streaming ? spooling.spool : undefined;
  const settle = async (): Promise<PreparedSource> => {
    if (spool !== undefined) {
      const spooled = await spool(rest).finally(release);
      const body = (async function* () {
        try {
          yield* spooled.chunks;
        } finally {
          await spooled.release();
        }
      })();
      return { head, complete: false, body, size: spooled.size, release: () => spooled.release() };
    }
    try {
      const body = await collectBounded(rest, spooling.maxMemoryBytes);
      return { head, complete: false, body, size: body.byteLength };
    } finally {
      await release();
    }
  };
  return { head, complete: false, body: rest, release, settle };
}
