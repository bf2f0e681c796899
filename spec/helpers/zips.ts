/** Spec helper: damaged archives for the unzip tests. */

/** Sets the central directory's CRC-32 of every entry to a wrong value. */
export function withBadCrc(zip: Uint8Array): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 16, view.getUint32(i + 16, true) ^ 0xdeadbeef, true);
  }
  return out;
}
