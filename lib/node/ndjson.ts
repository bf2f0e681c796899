/** Newline-delimited JSON from a Node stream, with backpressure. */
/**
 * Newline-delimited JSON from a Node stream, read with backpressure.
 *
 * @packageDocumentation
 */

/**
 * Yields one parsed value per non-empty line of a byte stream (a Node `Readable` such as
 * `process.stdin`, or any async iterable of chunks). The stream is read only as fast as the
 * consumer pulls, so a consumer at its concurrency limit leaves the source paused (it buffers
 * at most its own `highWaterMark`).
 *
 * **Errors**: a line that is not JSON rejects with its line number.
 *
 * ## Example
 * ```ts
 * for await (const job of ndjsonLines(process.stdin)) console.log(job);
 * ```
 *
 * @param source - The byte stream.
 * @returns An async iterable of parsed lines.
 */
export async function* ndjsonLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffered = '';
  let lineNumber = 0;
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new SyntaxError(`line ${lineNumber}: not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
  };
  for await (const chunk of source) {
    buffered += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      lineNumber++;
      if (line !== '') yield parse(line);
    }
  }
  buffered += decoder.decode();
  lineNumber++;
  if (buffered.trim() !== '') yield parse(buffered.trim());
}
