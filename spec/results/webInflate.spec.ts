/** Specs: inflating with DecompressionStream. */
import { UnzipInflate, deflateSync, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { ZipCodec } from '../../lib/core/config';
import { ResponseTooLargeError, ResultArchiveError } from '../../lib/core/errors';
import { crc32 } from '../../lib/results/crc32';
import { StreamingUnzip, type EntryWriter } from '../../lib/results/unzip';
import { WebInflate, defaultInflate, webZipCodec } from '../../lib/results/webInflate';
import { RealDecompressionStream, replaceDecompressionStream, spyOnDecompressionStream, type StreamSpy } from './decompressionStreams';
import { withBadCrc } from '../helpers/zips';

const FFLATE: ZipCodec = { inflate: UnzipInflate };

/** Deterministic bytes that do not compress. */
function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** CSV rows that compress well but not trivially. */
function rows(n: number): Uint8Array {
  const lines = ['id,value,label'];
  for (let i = 0; i < n; i++) lines.push(`${i},${((i * 7919) % 1000) / 7},${i % 3 === 0 ? 'rain' : 'sun'}`);
  return strToU8(`${lines.join('\n')}\n`);
}

/** Every kind of entry a zip writer produces: deflated at several levels, stored, empty, a folder. */
function mixedArchive(scale: number): Uint8Array {
  const files: Zippable = {
    'metrics.csv': strToU8('metric,value\naccuracy,0.875\n'),
    'raw/': {},
    'raw/scored.csv': [rows(500 * scale), { level: 6 }],
    'raw/fast.csv': [rows(300 * scale), { level: 1 }],
    'raw/best.csv': [rows(300 * scale), { level: 9 }],
    'stored.csv': [rows(100 * scale), { level: 0 }],
    'noise.bin': noise(2000 * scale),
    'empty-deflated.csv': [new Uint8Array(0), { level: 6 }],
    'empty-stored.csv': [new Uint8Array(0), { level: 0 }],
  };
  return zipSync(files);
}

const small = mixedArchive(1);
const large = mixedArchive(100);

/** What fflate's own one-shot unzip reads, folders left out (the streaming unzip skips them). */
function reference(zip: Uint8Array): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(unzipSync(zip)).filter(([name]) => !name.endsWith('/')));
}

async function unzipInChunks(zip: Uint8Array, chunk: number, codec: ZipCodec, maxBytes = 1 << 30): Promise<Record<string, Uint8Array>> {
  const unzip = new StreamingUnzip(maxBytes, codec);
  for (let i = 0; i < zip.length; i += chunk) {
    unzip.push(zip.subarray(i, i + chunk));
    await unzip.drain();
  }
  await unzip.end();
  return unzip.finish();
}

/** Offsets of the local headers' fields and the first entry's data. */
function firstEntry(zip: Uint8Array): { method: number; dataStart: number; compressedSize: number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const dataStart = 30 + view.getUint16(26, true) + view.getUint16(28, true);
  return { method: view.getUint16(8, true), dataStart, compressedSize: view.getUint32(18, true) };
}

/** A one-entry zip written by hand, so its deflate data can be anything (sizes stay consistent). */
function handMadeZip(name: string, deflated: Uint8Array, content: Uint8Array): Uint8Array {
  const nameBytes = strToU8(name);
  const crc = crc32(content);
  const local = new Uint8Array(30 + nameBytes.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(14, crc, true);
  lv.setUint32(18, deflated.length, true);
  lv.setUint32(22, content.length, true);
  lv.setUint16(26, nameBytes.length, true);
  local.set(nameBytes, 30);
  const central = new Uint8Array(46 + nameBytes.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(16, crc, true);
  cv.setUint32(20, deflated.length, true);
  cv.setUint32(24, content.length, true);
  cv.setUint16(28, nameBytes.length, true);
  cv.setUint32(42, 0, true);
  central.set(nameBytes, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + deflated.length, true);
  const out = new Uint8Array(local.length + deflated.length + central.length + end.length);
  out.set(local, 0);
  out.set(deflated, local.length);
  out.set(central, local.length + deflated.length);
  out.set(end, local.length + deflated.length + central.length);
  return out;
}

const tick = (ms = 20) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('WebInflate', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('should use DecompressionStream("deflate-raw") on this Node', () => {
    expect(WebInflate.native).toBe(true);
    expect(WebInflate.compression).toBe(8);
  });

  it('should hand out its output after push returns, and the final chunk once drained', async () => {
    const content = rows(2000);
    const decoder = new WebInflate();
    const out: Uint8Array[] = [];
    let final = false;
    decoder.ondata = (err, data, last) => {
      expect(err).toBeNull();
      out.push(data);
      final ||= last;
    };
    const deflated = deflateSync(content);
    decoder.push(deflated.subarray(0, 100), false);
    decoder.push(deflated.subarray(100), true);
    expect(out).toEqual([]); // asynchronous: nothing yet
    await decoder.drained();
    expect(final).toBe(true);
    expect(Buffer.concat(out)).toEqual(Buffer.from(content));
    expect(decoder.drained()).toBeUndefined(); // nothing pending any more
  });

  it('should report corrupt data through ondata, not by throwing', async () => {
    const deflated = deflateSync(rows(100));
    deflated[0] |= 0x06; // block type 3: reserved, invalid
    const decoder = new WebInflate();
    const errors: Error[] = [];
    decoder.ondata = (err, _data, last) => {
      if (err) errors.push(err);
      expect(last || !err).toBe(true);
    };
    expect(() => decoder.push(deflated, true)).not.toThrow();
    await decoder.drained();
    expect(errors).toHaveLength(1);
  });

  it('should cancel its stream when terminated and call ondata no more', async () => {
    const spy = spyOnDecompressionStream();
    restore = spy.restore;
    const decoder = new WebInflate();
    let calls = 0;
    decoder.ondata = () => void calls++;
    const deflated = deflateSync(rows(5_000));
    expect(deflated.length).toBeGreaterThan(10_000);
    decoder.push(deflated.subarray(0, 1000), false);
    decoder.terminate();
    decoder.push(deflated.subarray(1000), true);
    expect(decoder.drained()).toBeUndefined();
    await tick();
    expect(spy.spies).toHaveLength(1);
    expect(spy.spies[0].cancelled).toBe(true);
    expect(calls).toBe(0);
  });
});

describe('StreamingUnzip with WebInflate', () => {
  let spy: { spies: StreamSpy[]; restore: () => void };
  beforeEach(() => {
    spy = spyOnDecompressionStream();
  });
  afterEach(() => spy.restore());

  /** Deflated entries with data: one decoder (one stream) each. */
  const deflatedEntries = 6;

  it.each([1, 7, 500])('should give the same entries as fflate, fed %i bytes at a time', async (chunk) => {
    const expected = reference(small);
    const web = await unzipInChunks(small, chunk, webZipCodec);
    expect(spy.spies).toHaveLength(deflatedEntries);
    expect(web).toEqual(expected);
    expect(await unzipInChunks(small, chunk, FFLATE)).toEqual(expected);
  });

  it.each([4096, 65_536, large.length])('should give the same entries as fflate for a larger archive, fed %i bytes at a time', async (chunk) => {
    const expected = reference(large);
    expect(Object.values(expected).reduce((n, e) => n + e.byteLength, 0)).toBeGreaterThan(3_000_000);
    const web = await unzipInChunks(large, chunk, webZipCodec);
    expect(spy.spies).toHaveLength(deflatedEntries);
    expect(spy.spies.every((s) => s.ended && s.format === 'deflate-raw')).toBe(true);
    expect(Object.keys(web).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) expect(Buffer.from(web[name]).equals(Buffer.from(expected[name]))).toBe(true);
  });

  it('should stream entries to writers, in order, ending each', async () => {
    const written: Record<string, Uint8Array[]> = {};
    const ended: string[] = [];
    const unzip = new StreamingUnzip(1 << 30, {
      ...webZipCodec,
      onEntry: (name): EntryWriter => {
        written[name] = [];
        return { write: (data) => written[name].push(data), end: () => ended.push(name) };
      },
    });
    for (let i = 0; i < large.length; i += 16_384) {
      unzip.push(large.subarray(i, i + 16_384));
      await unzip.drain();
    }
    await unzip.end();
    expect(unzip.finish()).toEqual({});
    const expected = reference(large);
    expect(ended.sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) expect(Buffer.concat(written[name]).equals(Buffer.from(expected[name]))).toBe(true);
  });

  it.each([
    ['WebInflate', webZipCodec],
    ['fflate', FFLATE],
  ])('should turn corrupt deflate data into ResultArchiveError with %s', async (_name, codec) => {
    const zip = zipSync({ 'a.csv': rows(5000) }, { level: 6 });
    const entry = firstEntry(zip);
    expect(entry.method).toBe(8);
    zip[entry.dataStart] |= 0x06; // block type 3: reserved, invalid
    const err = await unzipInChunks(zip, 4096, codec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResultArchiveError);
    expect((err as Error).message).toMatch(/^Result archive is corrupt: /);
  });

  it.each([
    ['WebInflate', webZipCodec],
    ['fflate', FFLATE],
  ])('should turn a deflate stream that ends early (the sizes agree) into ResultArchiveError with %s', async (_name, codec) => {
    const content = rows(5000);
    const deflated = deflateSync(content);
    const zip = handMadeZip('a.csv', deflated.subarray(0, deflated.length >> 1), content);
    // The intact one reads fine, so it is the cut that fails.
    expect(await unzipInChunks(handMadeZip('a.csv', deflated, content), 4096, codec)).toEqual({ 'a.csv': content });
    const err = await unzipInChunks(zip, 4096, codec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResultArchiveError);
    expect((err as Error).message).toMatch(/corrupt/);
  });

  it('should refuse an archive cut inside a deflated entry', async () => {
    const { dataStart, compressedSize } = firstEntry(large);
    await expect(unzipInChunks(large.subarray(0, dataStart + (compressedSize >> 1)), 4096, webZipCodec)).rejects.toThrow(ResultArchiveError);
    await expect(unzipInChunks(large.subarray(0, large.length - 30), 4096, webZipCodec)).rejects.toThrow(ResultArchiveError);
  });

  it('should catch a CRC-32 mismatch after the last bytes came in', async () => {
    await expect(unzipInChunks(withBadCrc(large), 65_536, webZipCodec)).rejects.toThrow(/fails its CRC-32 check/);
  });

  it('should stop a zip bomb at maxBytes and cancel its decoder stream', async () => {
    // 20 MB of zeros: twenty times the limit, and twice what may come out of the decoder in all.
    const bomb = zipSync({ 'metrics.csv': strToU8('metric,value\n'), 'zeros.bin': new Uint8Array(20_000_000) }, { level: 9 });
    expect(bomb.length).toBeLessThan(40_000);
    const err = await unzipInChunks(bomb, 4096, webZipCodec, 1_000_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    const zeros = spy.spies[spy.spies.length - 1];
    expect(zeros.cancelled).toBe(true);
    const producedThen = zeros.produced;
    expect(producedThen).toBeLessThan(10_000_000);
    await tick(50);
    expect(zeros.produced).toBe(producedThen); // nothing more was read out of it
  });

  it('should terminate the decoders still working when cancelled', async () => {
    const writes: number[] = [];
    const unzip = new StreamingUnzip(1 << 30, { ...webZipCodec, onEntry: () => ({ write: (d) => void writes.push(d.byteLength), end: () => undefined }) });
    const { dataStart, compressedSize } = firstEntry(large);
    const cut = dataStart + (compressedSize >> 1);
    for (let i = 0; i < cut; i += 4096) {
      unzip.push(large.subarray(i, Math.min(cut, i + 4096)));
      await unzip.drain();
    }
    expect(spy.spies.filter((s) => !s.ended)).toHaveLength(1);
    unzip.cancel();
    const count = writes.length;
    await tick(50);
    expect(spy.spies[spy.spies.length - 1].cancelled).toBe(true);
    expect(writes.length).toBe(count);
    expect(() => unzip.push(large.subarray(cut))).toThrow(/cancelled/);
  });

  it('should not let compressed bytes pile up: after drain() every decoder took all it was given', async () => {
    spy.restore();
    spy = spyOnDecompressionStream({ writeDelayMs: 1 });
    const unzip = new StreamingUnzip(1 << 30, webZipCodec);
    let checks = 0;
    for (let i = 0; i < large.length; i += 16_384) {
      unzip.push(large.subarray(i, i + 16_384));
      const drained = unzip.drain();
      if (drained) await drained;
      for (const s of spy.spies) expect(s.taken).toBe(s.submitted);
      checks++;
    }
    await unzip.end();
    expect(Object.keys(unzip.finish())).toHaveLength(Object.keys(reference(large)).length);
    expect(checks).toBeGreaterThan(40);
    expect(spy.spies.reduce((n, s) => n + s.submitted, 0)).toBeGreaterThan(large.length / 2);
  });

  it('should wait in end() for late output of every entry before the checks', async () => {
    spy.restore();
    spy = spyOnDecompressionStream({ writeDelayMs: 5 });
    const unzip = new StreamingUnzip(1 << 30, webZipCodec);
    unzip.push(small); // no drain: everything is still in flight
    await unzip.end();
    expect(spy.spies.every((s) => s.ended)).toBe(true);
    expect(unzip.finish()).toEqual(reference(small));
  });
});

describe('the default decoder', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  /** Unzips with the client's default codecs (`{}`), reporting whether drain() ever had to wait. */
  async function unzipWithDefault(zip: Uint8Array): Promise<{ files: Record<string, Uint8Array>; waited: boolean }> {
    const unzip = new StreamingUnzip(1 << 30, {});
    let waited = false;
    for (let i = 0; i < zip.length; i += 1024) {
      unzip.push(zip.subarray(i, i + 1024));
      const drained = unzip.drain();
      waited ||= drained !== undefined;
      await drained;
    }
    await unzip.end();
    return { files: unzip.finish(), waited };
  }

  it('should be WebInflate where DecompressionStream("deflate-raw") works', async () => {
    const spy = spyOnDecompressionStream();
    restore = spy.restore;
    expect(defaultInflate()).toBe(WebInflate);
    const { files, waited } = await unzipWithDefault(small);
    expect(files).toEqual(reference(small));
    expect(waited).toBe(true);
    expect(spy.spies.filter((s) => s.format === 'deflate-raw').length).toBeGreaterThan(0);
  });

  it('should be fflate where DecompressionStream is missing, and WebInflate should fall back to it', async () => {
    restore = replaceDecompressionStream(undefined);
    expect(typeof (globalThis as { DecompressionStream?: unknown }).DecompressionStream).toBe('undefined');
    expect(WebInflate.native).toBe(false);
    expect(defaultInflate()).toBe(UnzipInflate);
    const { files, waited } = await unzipWithDefault(small);
    expect(files).toEqual(reference(small));
    expect(waited).toBe(false);
    // Forced anyway, WebInflate inflates with fflate, synchronously.
    expect(await unzipInChunks(small, 1024, webZipCodec)).toEqual(reference(small));
    const decoder = new WebInflate();
    const out: Uint8Array[] = [];
    decoder.ondata = (_err, data) => void out.push(data);
    decoder.push(deflateSync(strToU8('hello')), true);
    expect(Buffer.concat(out).toString()).toBe('hello');
    expect(decoder.drained()).toBeUndefined();
  });

  it('should be fflate where DecompressionStream refuses "deflate-raw" (an older browser)', async () => {
    const formats: string[] = [];
    class GzipAndDeflateOnly extends RealDecompressionStream {
      constructor(format: CompressionFormat) {
        formats.push(format);
        if (format === 'deflate-raw') throw new TypeError(`Unsupported compression format: '${format}'`);
        super(format);
      }
    }
    restore = replaceDecompressionStream(GzipAndDeflateOnly);
    expect(WebInflate.native).toBe(false);
    expect(defaultInflate()).toBe(UnzipInflate);
    const { files, waited } = await unzipWithDefault(small);
    expect(files).toEqual(reference(small));
    expect(waited).toBe(false);
    expect(formats).toEqual(['deflate-raw']); // probed once, never used
    expect(await unzipInChunks(small, 1024, webZipCodec)).toEqual(reference(small));
  });

  it('should probe again when the global changes back', () => {
    restore = replaceDecompressionStream(undefined);
    expect(WebInflate.native).toBe(false);
    restore();
    restore = undefined;
    expect(WebInflate.native).toBe(true);
    expect(defaultInflate()).toBe(WebInflate);
  });
});
