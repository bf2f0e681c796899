/** Specs: job fingerprints. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { changedParts, jobFingerprint } from '../../lib/node';

describe('jobFingerprint', () => {
  let dir: string;
  let csv: string;
  let evalCsv: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-fp-'));
    csv = path.join(dir, 'train.csv');
    evalCsv = path.join(dir, 'eval.csv');
    await writeFile(csv, 'a,b\n1,2\n');
    await writeFile(evalCsv, 'a,b\n3,4\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const job = { name: 'm', config: { tt: 'regression', tc: 'b' } } as const;

  it('should be the same for the same job, whatever the order of the config keys', async () => {
    const a = await jobFingerprint({ ...job, train: csv });
    expect(a).toMatch(/^p1rx1;data=[0-9a-f]{64};config=[0-9a-f]{64};name=[0-9a-f]{64};columns=[0-9a-f]{64}$/);
    expect(await jobFingerprint({ train: csv, name: 'm', config: { tc: 'b', tt: 'regression' } })).toBe(a);
    expect(changedParts(a, a)).toEqual([]);
  });

  it('should tell which parts changed: data (content or evaluation file), config, name, columns', async () => {
    const a = await jobFingerprint({ ...job, train: csv });
    expect(changedParts(a, await jobFingerprint({ ...job, train: csv, evaluation: evalCsv }))).toEqual(['data']);
    expect(changedParts(a, await jobFingerprint({ ...job, train: csv, config: { tt: 'binary_classification', tc: 'b', tv: '1' } }))).toEqual(['config']);
    expect(changedParts(a, await jobFingerprint({ ...job, train: csv, name: 'n' }))).toEqual(['name']);
    expect(changedParts(a, await jobFingerprint({ ...job, train: csv, columns: { a: 'integer' } }))).toEqual(['columns']);
    const other = path.join(dir, 'other.csv');
    await writeFile(other, 'a,b\n1,3\n');
    expect(changedParts(a, await jobFingerprint({ ...job, train: other }))).toEqual(['data']);
    expect(changedParts('something else', a)).toEqual(['data', 'config', 'name', 'columns']);
  });
});
