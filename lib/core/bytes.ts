/** Byte helpers shared by every layer. */
/**
 * Byte helpers shared by every layer.
 *
 * @packageDocumentation
 */

/**
 * Joins chunks into one array (returns the chunk itself when there is one).
 *
 * @internal
 */
export function concatBytes(chunks: readonly Uint8Array[], size = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
