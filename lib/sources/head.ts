/** The head of a CSV source (what column inference reads) and a stream's chunks. */
/**
 * What every form of CSV source shares: how much of the data column inference reads, that head
 * decoded, and the chunks of a WHATWG `ReadableStream`. Used by `csvSource.ts` and by the
 * stream sources it loads on demand (`streamSource.ts`).
 *
 * @packageDocumentation
 */
import { decodeCsv, type CsvEncoding } from './textEncoding';

/** How much of the data column inference reads. */
export const HEAD_BYTES = 1024 * 1024;

/**
 * The first {@link HEAD_BYTES} of `bytes` as text; `whole` says whether `bytes` is all the data.
 *
 * ## Example
 * ```ts
 * decodeHead(new TextEncoder().encode('a,b\n1,2\n'), undefined, true); // 'a,b\n1,2\n'
 * ```
 *
 * @internal
 */
export function decodeHead(bytes: Uint8Array, encoding: CsvEncoding | undefined, whole: boolean): string {
  const head = bytes.subarray(0, HEAD_BYTES);
  // A head shorter than the data may end inside a multi-byte character: leave it out.
  return decodeCsv(head, { encoding, complete: whole && head.byteLength === bytes.byteLength }).text;
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
