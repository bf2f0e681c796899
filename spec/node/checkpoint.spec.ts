import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CheckpointError, loadCheckpoint, openCheckpoint, parseCheckpoint } from '../../lib/node';

describe('checkpoint', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-cp-'));
    file = path.join(dir, 'sub', 'cp.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const line = (key: string, stage: string, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ v: 1, key, stage, externalProcessId: `id-${key}`, at: '2026-01-01T00:00:00.000Z', ...extra })}\n`;

  it('should append one JSON line per record and keep the last record per key', async () => {
    const cp = await openCheckpoint(file);
    await cp.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
    await cp.write({ key: 'b', stage: 'uploaded', externalProcessId: 'y', polls: 0 });
    await cp.write({ key: 'a', stage: 'training', externalProcessId: 'x', polls: 0 });
    expect(cp.records.get('a')?.stage).toBe('training');
    await cp.close();
    await cp.close();
    const text = await readFile(file, 'utf8');
    expect(text.trim().split('\n').map((l) => JSON.parse(l).stage)).toEqual(['uploaded', 'uploaded', 'training']);
    const { records } = await loadCheckpoint(file);
    expect(records.get('a')).toMatchObject({ v: 2, key: 'a', stage: 'training', externalProcessId: 'x', polls: 0, at: expect.any(String) });
    expect(records.get('b')?.stage).toBe('uploaded');
  });

  it('should never interleave concurrent writes', async () => {
    const cp = await openCheckpoint(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => cp.write({ key: `k${i}`, stage: 'uploaded', externalProcessId: 'x'.repeat(500), polls: 0 })));
    await cp.close();
    expect((await loadCheckpoint(file)).records.size).toBe(50);
  });

  it('should ignore a torn last line and cut it off before appending', async () => {
    await writeFile(path.join(dir, 'cp.jsonl'), line('a', 'uploaded') + line('a', 'training-requested').slice(0, 30));
    const torn = path.join(dir, 'cp.jsonl');
    const loaded = await loadCheckpoint(torn);
    expect(loaded.tornTail).toBe(true);
    expect(loaded.records.get('a')?.stage).toBe('uploaded');
    const cp = await openCheckpoint(torn);
    await cp.write({ key: 'a', stage: 'creating', externalProcessId: 'id-a', polls: 0 });
    await cp.close();
    const after = await loadCheckpoint(torn);
    expect(after.tornTail).toBe(false);
    expect((await readFile(torn, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('should ignore a last line without its newline even if it parses', () => {
    const { records, tornTail } = parseCheckpoint(line('a', 'uploaded') + line('a', 'downloaded').trimEnd());
    expect(tornTail).toBe(true);
    expect(records.get('a')?.stage).toBe('uploaded');
  });

  it('should refuse a corrupt line in the middle, naming it', () => {
    expect(() => parseCheckpoint(line('a', 'uploaded') + 'garbage\n' + line('b', 'uploaded'), 'cp')).toThrow(
      new CheckpointError('cp line 2: not JSON (the file was not written by p1rx, or was edited)'),
    );
    expect(() => parseCheckpoint('{"v":2}\n', 'cp')).toThrow('cp line 1: not a checkpoint record');
    expect(() => parseCheckpoint('{"v":2,"key":"a","stage":"training","polls":0}\n', 'cp')).toThrow('cp line 1: not a checkpoint record');
  });

  it('should treat a missing file as empty and empty an existing one with fresh', async () => {
    expect((await loadCheckpoint(file)).records.size).toBe(0);
    const first = await openCheckpoint(file);
    await first.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
    await first.close();
    await appendFile(file, '');
    const fresh = await openCheckpoint(file, { fresh: true });
    expect(fresh.records.size).toBe(0);
    await fresh.close();
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('should make a record readable once its write resolved, and refuse writes after close', async () => {
    const cp = await openCheckpoint(file);
    // fdatasync itself is not observable without a crash; spec/cli/crash.spec.ts kills -9.
    await cp.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
    expect((await loadCheckpoint(file)).records.get('a')?.stage).toBe('uploaded');
    await cp.close();
    await expect(cp.write({ key: 'a', stage: 'downloaded', polls: 0 })).rejects.toThrow(CheckpointError);
  });

  it('should read format-1 files, upgrading their stages', () => {
    const { records } = parseCheckpoint(line('a', 'uploaded') + line('b', 'training-requested') + line('c', 'training-started') + line('d', 'downloaded'));
    expect([...records.values()].map((r) => [r.key, r.v, r.stage, r.polls])).toEqual([
      ['a', 2, 'uploaded', 0],
      ['b', 2, 'creating', 0],
      ['c', 2, 'training', 0],
      ['d', 2, 'downloaded', 0],
    ]);
    expect(records.get('b')?.createAttempts).toBe(1);
  });

  it('should compact the file to the last record per key on open (atomic replace), leaving no temporary file', async () => {
    const cp = await openCheckpoint(file);
    for (const stage of ['uploading', 'uploaded', 'creating', 'training'] as const) await cp.write({ key: 'a', stage, externalProcessId: 'x', polls: 0 });
    await cp.write({ key: 'b', stage: 'uploading', externalProcessId: 'y', polls: 0 });
    await cp.close();
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(5);
    const again = await openCheckpoint(file);
    await again.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { key: string; stage: string });
    expect(lines.map((l) => `${l.key}:${l.stage}`)).toEqual(['a:training', 'b:uploading']);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
  });
});
