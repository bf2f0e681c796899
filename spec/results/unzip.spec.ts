/** Specs: the streaming unzip. */
import { UnzipInflate, strToU8, zipSync } from 'fflate';
import type { ZipCodec } from '../../lib/core/config';
import { ResponseTooLargeError, ResultArchiveError } from '../../lib/core/errors';
import { StreamingUnzip } from '../../lib/results/unzip';
import { toTrainingResult } from '../../lib/results/trainingResult';
import { crc32 } from '../../lib/results/crc32';
import { WebInflate, webZipCodec } from '../../lib/results/webInflate';
import { NodeInflate } from '../../lib/node';
import { withBadCrc } from '../helpers/zips';

/** Each codec the core and the Node entry ship: the same guards must hold for all of them. */
const codecs: Array<[string, ZipCodec]> = [
  ['fflate (synchronous)', { inflate: UnzipInflate }],
  ['NodeInflate (synchronous)', { inflate: NodeInflate }],
  ['WebInflate (asynchronous)', webZipCodec],
];

/** Feeds `bytes` in chunks as the download operators do: push, drain, then end and finish. */
async function unzipWith(bytes: Uint8Array, maxBytes = 1 << 30, chunk = 7, codec: ZipCodec = {}): Promise<Record<string, Uint8Array>> {
  const unzip = new StreamingUnzip(maxBytes, codec);
  for (let i = 0; i < bytes.length; i += chunk) {
    unzip.push(bytes.subarray(i, i + chunk));
    await unzip.drain();
  }
  await unzip.end();
  return unzip.finish();
}

const archive = zipSync({
  'metrics.csv': strToU8('metric,value\naccuracy,0.875\nlog_loss,0.31\nnote,n/a\n'),
  'analysis_summary.csv': strToU8('column_name,contribution\ntemp_max,0.4\nwind,0.1\n'),
  'evaluation_raw_data.csv': strToU8('a,actual,predicted\n1,rain,rain\n'),
});

describe.each(codecs)('StreamingUnzip with %s', (_name, codec) => {
  const unzipInChunks = (bytes: Uint8Array, maxBytes = 1 << 30, chunk = 7) => unzipWith(bytes, maxBytes, chunk, codec);

  it('should unzip an archive pushed in small chunks', async () => {
    const files = await unzipInChunks(archive);
    expect(Object.keys(files).sort()).toEqual(['analysis_summary.csv', 'evaluation_raw_data.csv', 'metrics.csv']);
    expect(new TextDecoder().decode(files['evaluation_raw_data.csv'])).toBe('a,actual,predicted\n1,rain,rain\n');
  });

  it('should refuse an archive that inflates past the limit (zip bomb)', async () => {
    const bomb = zipSync({ 'big.csv': new Uint8Array(5_000_000) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    await expect(unzipInChunks(bomb, 1_000_000, 4096)).rejects.toThrow(ResponseTooLargeError);
  });

  it('should refuse a truncated archive', async () => {
    const big = zipSync({ 'a.csv': strToU8('x,y\n'.repeat(10_000)) }, { level: 0 });
    await expect(unzipInChunks(big.subarray(0, big.length / 2))).rejects.toThrow(ResultArchiveError);
  });

  it('should refuse an archive cut inside a deflated entry', async () => {
    const big = zipSync({ 'a.csv': strToU8(Array.from({ length: 20_000 }, (_, i) => `${i},${(i * 7919) % 1000}`).join('\n')) }, { level: 6 });
    await expect(unzipInChunks(big.subarray(0, big.length / 2), 1 << 30, 4096)).rejects.toThrow(ResultArchiveError);
  });

  it('should refuse bytes that are not a zip', async () => {
    await expect(unzipInChunks(strToU8('<html>Access Denied</html>'))).rejects.toThrow(/no entries/);
  });

  it('should refuse an entry whose bytes do not match its CRC-32', async () => {
    const deflated = zipSync({ 'metrics.csv': strToU8('metric,value\naccuracy,0.9\n'.repeat(50)) }, { level: 6 });
    await expect(unzipInChunks(withBadCrc(deflated))).rejects.toThrow(/fails its CRC-32 check/);
  });
});

describe('StreamingUnzip with a synchronous decoder', () => {
  it.each([
    ['fflate', { inflate: UnzipInflate }],
    ['NodeInflate', { inflate: NodeInflate }],
  ])('should have nothing to drain with %s (no promise, so no microtask per chunk)', (_name, zipCodec) => {
    const unzip = new StreamingUnzip(1 << 30, zipCodec);
    for (let i = 0; i < archive.length; i += 64) {
      unzip.push(archive.subarray(i, i + 64));
      expect(unzip.drain()).toBeUndefined();
    }
    expect(Object.keys(unzip.finish()).length).toBe(3);
  });
});

describe('StreamingUnzip with an asynchronous decoder', () => {
  it('should refuse a synchronous finish() before end() is awaited', () => {
    const unzip = new StreamingUnzip(1 << 30, { inflate: WebInflate });
    unzip.push(archive);
    expect(() => unzip.finish()).toThrow(/await end\(\)/);
    return unzip.end().then(() => expect(Object.keys(unzip.finish()).length).toBe(3));
  });
});

describe('toTrainingResult', () => {
  it('should parse metrics (numbers, NaN when not numeric, the raw text kept) and contributions', async () => {
    const result = toTrainingResult(await unzipWith(archive));
    expect(result.metrics).toEqual([
      { name: 'accuracy', value: 0.875, raw: '0.875' },
      { name: 'log_loss', value: 0.31, raw: '0.31' },
      { name: 'note', value: Number.NaN, raw: 'n/a' },
    ]);
    expect(result.contributions).toEqual([
      { column: 'temp_max', contribution: 0.4 },
      { column: 'wind', contribution: 0.1 },
    ]);
  });
});

describe('StreamingUnzip integrity checks', () => {
  const stored = zipSync({ 'metrics.csv': strToU8('metric,value\naccuracy,0.9\n') }, { level: 0 });

  it('should refuse an entry whose bytes do not match its CRC-32', async () => {
    const corrupt = stored.slice();
    const at = Buffer.from(corrupt).indexOf('accuracy');
    corrupt[at] = 'A'.charCodeAt(0);
    await expect(unzipWith(corrupt)).rejects.toThrow(/fails its CRC-32 check/);
  });

  it('should refuse an archive cut before its central directory', async () => {
    await expect(unzipWith(stored.subarray(0, stored.length - 10))).rejects.toThrow(ResultArchiveError);
  });

  it('should accept the same archive intact', async () => {
    expect(Object.keys(await unzipWith(stored))).toEqual(['metrics.csv']);
  });
});

describe('crc32', () => {
  it('should match the standard check value, in one go or in chunks', () => {
    const data = strToU8('123456789');
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32(data.subarray(4), crc32(data.subarray(0, 4)))).toBe(0xcbf43926);
  });
});
