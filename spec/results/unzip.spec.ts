import { strToU8, zipSync } from 'fflate';
import { ResponseTooLargeError, ResultArchiveError } from '../../lib/core/errors';
import { StreamingUnzip } from '../../lib/results/unzip';
import { toTrainingResult } from '../../lib/results/trainingResult';
import { crc32 } from '../../lib/results/crc32';

function unzipInChunks(bytes: Uint8Array, maxBytes = 1 << 30, chunk = 7): Record<string, Uint8Array> {
  const unzip = new StreamingUnzip(maxBytes);
  for (let i = 0; i < bytes.length; i += chunk) unzip.push(bytes.subarray(i, i + chunk));
  return unzip.finish();
}

const archive = zipSync({
  'metrics.csv': strToU8('metric,value\naccuracy,0.875\nlog_loss,0.31\nnote,n/a\n'),
  'analysis_summary.csv': strToU8('column_name,contribution\ntemp_max,0.4\nwind,0.1\n'),
  'evaluation_raw_data.csv': strToU8('a,actual,predicted\n1,rain,rain\n'),
});

describe('StreamingUnzip', () => {
  it('should unzip an archive pushed in small chunks', () => {
    const files = unzipInChunks(archive);
    expect(Object.keys(files).sort()).toEqual(['analysis_summary.csv', 'evaluation_raw_data.csv', 'metrics.csv']);
    expect(new TextDecoder().decode(files['evaluation_raw_data.csv'])).toBe('a,actual,predicted\n1,rain,rain\n');
  });

  it('should refuse an archive that inflates past the limit (zip bomb)', () => {
    const bomb = zipSync({ 'big.csv': new Uint8Array(5_000_000) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    expect(() => unzipInChunks(bomb, 1_000_000, 4096)).toThrow(ResponseTooLargeError);
  });

  it('should refuse a truncated archive', () => {
    const big = zipSync({ 'a.csv': strToU8('x,y\n'.repeat(10_000)) }, { level: 0 });
    expect(() => unzipInChunks(big.subarray(0, big.length / 2))).toThrow(ResultArchiveError);
  });

  it('should refuse bytes that are not a zip', () => {
    expect(() => unzipInChunks(strToU8('<html>Access Denied</html>'))).toThrow(/no entries/);
  });
});

describe('toTrainingResult', () => {
  it('should parse metrics (numbers where numeric) and contributions', () => {
    const result = toTrainingResult(unzipInChunks(archive));
    expect(result.metrics).toEqual([
      { name: 'accuracy', value: 0.875 },
      { name: 'log_loss', value: 0.31 },
      { name: 'note', value: 'n/a' },
    ]);
    expect(result.contributions).toEqual([
      { column: 'temp_max', contribution: 0.4 },
      { column: 'wind', contribution: 0.1 },
    ]);
  });
});

describe('StreamingUnzip integrity checks', () => {
  const stored = zipSync({ 'metrics.csv': strToU8('metric,value\naccuracy,0.9\n') }, { level: 0 });

  it('should refuse an entry whose bytes do not match its CRC-32', () => {
    const corrupt = stored.slice();
    const at = Buffer.from(corrupt).indexOf('accuracy');
    corrupt[at] = 'A'.charCodeAt(0);
    expect(() => unzipInChunks(corrupt)).toThrow(/fails its CRC-32 check/);
  });

  it('should refuse an archive cut before its central directory', () => {
    expect(() => unzipInChunks(stored.subarray(0, stored.length - 10))).toThrow(ResultArchiveError);
  });

  it('should accept the same archive intact', () => {
    expect(Object.keys(unzipInChunks(stored))).toEqual(['metrics.csv']);
  });
});

describe('crc32', () => {
  it('should match the standard check value, in one go or in chunks', () => {
    const data = strToU8('123456789');
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32(data.subarray(4), crc32(data.subarray(0, 4)))).toBe(0xcbf43926);
  });
});
