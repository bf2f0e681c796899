/** Specs: writing archive entries into a folder. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../lib';
import { toTrainingResult } from '../../lib/data';
import { writeResult } from '../../lib/node';

describe('writeResult', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const bytes = (s: string) => new TextEncoder().encode(s);

  it('should write every entry, nested folders included', async () => {
    const written = await writeResult(toTrainingResult({ 'metrics.csv': bytes('metric,value\n'), 'sub/raw.csv': bytes('a\n') }), dir);
    expect(written.map((w) => path.relative(dir, w)).sort()).toEqual(['metrics.csv', path.join('sub', 'raw.csv')]);
    expect(await readFile(path.join(dir, 'sub', 'raw.csv'), 'utf8')).toBe('a\n');
  });

  it.each(['../escape.csv', 'a/../../escape.csv', '/etc/passwd', 'C:/windows/x.csv', '..\\escape.csv'])(
    'should refuse the entry name %s and write nothing',
    async (name) => {
      const result = toTrainingResult({ 'metrics.csv': bytes('ok'), [name]: bytes('evil') });
      await expect(writeResult(result, dir)).rejects.toThrow(ValidationError);
      expect(await readdir(dir)).toEqual([]);
    },
  );
});
