/** Specs: line numbers in CSV manifest errors. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseManifest } from '../../lib/cli/manifest';

describe('CSV manifest line numbers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-r2-'));
    await writeFile(path.join(dir, 'a.csv'), 'x,y\n1,2\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('should name the real line of a bad row after a quoted multi-line cell', () => {
    const text = 'key,csv,target,type,name\nk1,a.csv,y,regression,"two\nlines"\nk2,a.csv,y,bogus_type,n\n';
    let message = '';
    try {
      parseManifest(text, 'csv', dir, 'm.csv');
    } catch (err) {
      message = (err as Error).message;
    }
    // k2 is on line 4 of the file
    expect(message).toContain("line 4 (key 'k2')");
  });
});
