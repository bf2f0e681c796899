/** Incremental CRC-32, the zip checksum. */
/**
 * CRC-32 (IEEE 802.3, the zip checksum), computed incrementally over chunks.
 *
 * @packageDocumentation
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * Continues a CRC-32 over `chunk`. Start with `0`; the result is the checksum so far.
 *
 * @internal
 */
export function crc32(chunk: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = ~previous >>> 0;
  for (let i = 0; i < chunk.length; i++) c = t[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
