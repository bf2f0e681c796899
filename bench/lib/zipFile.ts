/** Writes a big zip of CSV-like entries for the download benchmark. */
/**
 * Writes a big zip of CSV-like entries for the download benchmark, with node:zlib (fast) and
 * a minimal zip writer (local headers with sizes and CRC, central directory, EOCD).
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import zlib from 'node:zlib';

export interface ZipEntryInfo {
  name: string;
  /** Offset of the compressed data in the archive. */
  dataOffset: number;
  compressedSize: number;
  size: number;
  crc: number;
}

const crc32 = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;

/** Pseudo-random CSV rows (deterministic), compressing about 3-4x like real scored data. */
export function csvBlock(bytes: number, seed: number): Buffer {
  let x = seed >>> 0 || 1;
  const rnd = () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const cats = ['rain', 'sun', 'fog', 'drizzle', 'snow'];
  const lines: string[] = ['id,date,temp_max,temp_min,precipitation,wind,predicted,probability\n'];
  let size = lines[0].length;
  for (let i = 0; size < bytes; i++) {
    const line = `${i},2012-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${(rnd() * 40 - 5).toFixed(1)},${(rnd() * 20 - 10).toFixed(1)},${(rnd() * 30).toFixed(2)},${(rnd() * 9).toFixed(1)},${cats[Math.floor(rnd() * 5)]},${rnd().toFixed(6)}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/** Writes the archive to `file`; entries are `[name, size]`, their content generated. */
export function writeBigZip(file: string, entries: Array<[string, number]>): ZipEntryInfo[] {
  const fd = openSync(file, 'w');
  let offset = 0;
  const write = (b: Uint8Array) => {
    writeSync(fd, b);
    offset += b.byteLength;
  };
  const infos: ZipEntryInfo[] = [];
  const central: Buffer[] = [];
  for (const [i, [name, size]] of entries.entries()) {
    // Generated in 8 MiB pieces (different seeds), deflated as one stream.
    let crc = 0;
    let left = size;
    let piece = 0;
    const raw: Buffer[] = [];
    // 16 MiB of distinct rows per entry, repeated: deflate's 32 KiB window cannot see the
    // repetition, so the ratio is that of distinct rows, and generation stays fast.
    const unique = csvBlock(Math.min(size, 16 * 1024 * 1024), 1 + i);
    while (left > 0) {
      const n = Math.min(left, unique.byteLength);
      const block = unique.subarray(0, n);
      piece++;
      crc = crc32(block, crc);
      raw.push(block);
      left -= n;
    }
    const compressed = zlib.deflateRawSync(Buffer.concat(raw), { level: 6 });
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.byteLength, 26);
    const headerOffset = offset;
    write(local);
    write(nameBytes);
    infos.push({ name, dataOffset: offset, compressedSize: compressed.byteLength, size, crc: crc >>> 0 });
    write(compressed);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(compressed.byteLength, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(nameBytes.byteLength, 28);
    cd.writeUInt32LE(headerOffset, 42);
    central.push(cd, nameBytes);
  }
  const cdOffset = offset;
  for (const b of central) write(b);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(offset - cdOffset, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  write(eocd);
  closeSync(fd);
  return infos;
}
