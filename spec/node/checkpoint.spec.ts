/** Specs: the batch checkpoint. */
import { spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CheckpointError,
  CheckpointLockedError,
  CheckpointWriteError,
  loadCheckpoint,
  lockCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  type CheckpointFileHandle,
  type CheckpointFs,
} from '../../lib/node';

/**
 * A file layer over the real one whose appends misbehave as a full disk does: `short` caps
 * each write at that many bytes (what `write(2)` may do), `failAt` makes the n-th append
 * (counted from 1) store half its bytes and then fail with ENOSPC.
 */
function faultyFs(faults: { short?: number; failAt?: number }): CheckpointFs & { appends: number } {
  const layer = {
    appends: 0,
    async open(file: string, flags: 'a' | 'w', mode?: number): Promise<CheckpointFileHandle> {
      const h = await open(file, flags, mode);
      const appending = flags === 'a';
      return {
        async write(buffer, offset, length) {
          if (appending && offset === 0) layer.appends += 1;
          if (appending && layer.appends === faults.failAt) {
            await h.write(buffer, offset, Math.floor(length / 2));
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          return h.write(buffer, offset, Math.min(length, faults.short ?? length));
        },
        datasync: () => h.datasync(),
        sync: () => h.sync(),
        close: () => h.close(),
      };
    },
  };
  return layer;
}

/** The pid of a process that has ended (and was reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

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
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).stage),
    ).toEqual(['uploaded', 'uploaded', 'training']);
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
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; stage: string });
    expect(lines.map((l) => `${l.key}:${l.stage}`)).toEqual(['a:training', 'b:uploading']);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
  });

  describe('writing every byte', () => {
    const rec = (key: string, stage: 'uploading' | 'uploaded' | 'creating') => ({ key, stage, externalProcessId: `id-${key}`, polls: 0 });

    it('should go on after short writes until the whole line is stored, then acknowledge it', async () => {
      const fs = faultyFs({ short: 7 });
      const cp = await openCheckpoint(file, { fs });
      await cp.write(rec('a', 'uploading'));
      await cp.write(rec('a', 'uploaded'));
      await cp.write(rec('b', 'creating'));
      await cp.close();
      const loaded = await loadCheckpoint(file);
      expect(loaded.tornTail).toBe(false);
      expect([...loaded.records.values()].map((r) => `${r.key}:${r.stage}`)).toEqual(['a:uploaded', 'b:creating']);
      // The compaction on open loops over short writes too.
      const again = await openCheckpoint(file, { fs: faultyFs({ short: 5 }) });
      await again.close();
      expect((await loadCheckpoint(file)).records.size).toBe(2);
    });

    it('should reject a write the disk cut off (ENOSPC) and every later one, keeping the records before it', async () => {
      const fs = faultyFs({ failAt: 3 });
      const cp = await openCheckpoint(file, { fs });
      await cp.write(rec('a', 'uploading'));
      await cp.write(rec('a', 'uploaded'));
      const failed = cp.write(rec('a', 'creating'));
      await expect(failed).rejects.toBeInstanceOf(CheckpointWriteError);
      await expect(failed).rejects.toThrow(/ENOSPC: the disk is full.*--resume/);
      // A torn line must stay the last: nothing is appended after it, even once space is back.
      await expect(cp.write(rec('b', 'uploading'))).rejects.toBeInstanceOf(CheckpointWriteError);
      expect(cp.failure?.code).toBe('ENOSPC');
      expect(cp.records.get('a')?.stage).toBe('uploaded');
      await cp.close();
      const loaded = await loadCheckpoint(file);
      expect(loaded.tornTail).toBe(true);
      expect([...loaded.records.values()].map((r) => `${r.key}:${r.stage}`)).toEqual(['a:uploaded']);
    });

    it('should leave the file as it was when its compaction cannot be written, and say how to recover', async () => {
      const cp = await openCheckpoint(file);
      await cp.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
      await cp.close();
      const before = await readFile(file, 'utf8');
      const full: CheckpointFs = {
        async open(f, flags, mode) {
          const h = await open(f, flags, mode);
          return {
            write: () => Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })),
            datasync: () => h.datasync(),
            sync: () => h.sync(),
            close: () => h.close(),
          };
        },
      };
      await expect(openCheckpoint(file, { fs: full })).rejects.toThrow(CheckpointWriteError);
      expect(await readFile(file, 'utf8')).toBe(before);
      expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
    });
  });

  describe('one writer', () => {
    it("should refuse a second writer, naming the holder's pid, and free the checkpoint on close", async () => {
      const first = await openCheckpoint(file);
      await first.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
      const second = openCheckpoint(file);
      await expect(second).rejects.toBeInstanceOf(CheckpointLockedError);
      await expect(second).rejects.toThrow(new RegExp(`in use by another p1rx \\(pid ${process.pid}, since .*--wait-lock`));
      // The refused writer compacted nothing: the first one's records are all there.
      await first.write({ key: 'b', stage: 'uploaded', externalProcessId: 'y', polls: 0 });
      await first.close();
      expect((await loadCheckpoint(file)).records.size).toBe(2);
      const third = await openCheckpoint(file);
      expect(third.records.size).toBe(2);
      await third.close();
      expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
    });

    it('should wait for the holder with wait: true, and tell once who it waits for', async () => {
      const first = await openCheckpoint(file);
      const waitedFor: number[] = [];
      let waiting!: () => void;
      const told = new Promise<void>((resolve) => (waiting = resolve));
      const second = openCheckpoint(file, { lock: { wait: true, retryMs: 5, onWait: (h) => (waitedFor.push(h.pid), waiting()) } });
      await told;
      expect(waitedFor).toEqual([process.pid]);
      await first.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
      await first.close();
      const cp = await second;
      expect(cp.records.get('a')?.stage).toBe('uploaded');
      await cp.close();
    });

    it('should take over a lock whose process is gone, or whose pid now belongs to another process', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      const pid = await deadPid();
      const stale = JSON.stringify({ pid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' });
      await writeFile(`${file}.lock`, stale);
      const taken: number[] = [];
      const cp = await openCheckpoint(file, { lock: { onStale: (h) => taken.push(h.pid) } });
      expect(taken).toEqual([pid]);
      expect(JSON.parse(await readFile(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
      await cp.close();
      // A live pid that started at another time is not the holder (the pid was reused).
      await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z', started: '1' }));
      const lock = await lockCheckpoint(file);
      await lock.release();
      expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
    });

    it('should not take a lock held on another host', async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(`${file}.lock`, JSON.stringify({ pid: await deadPid(), host: 'elsewhere.example', since: '2026-01-01T00:00:00.000Z' }));
      await expect(openCheckpoint(file)).rejects.toThrow(/on elsewhere\.example/);
    });
  });

  describe('file modes', () => {
    it('should refuse a read-only checkpoint with a clear message and leave it as it was', async () => {
      const first = await openCheckpoint(file);
      await first.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
      await first.close();
      const before = await readFile(file, 'utf8');
      await chmod(file, 0o444);
      await expect(openCheckpoint(file)).rejects.toThrow(
        /cp\.jsonl is read-only: p1rx will not replace it\. Make it writable \(chmod u\+w .*\) .*--checkpoint another file \(mode 0444\)/,
      );
      expect(await readFile(file, 'utf8')).toBe(before);
      expect((await stat(file)).mode & 0o777).toBe(0o444);
      expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
    });

    it("should keep the file's mode through the compaction", async () => {
      const first = await openCheckpoint(file);
      await first.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
      await first.close();
      await chmod(file, 0o600);
      const again = await openCheckpoint(file);
      await again.close();
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    });

    it('should remove a checkpoint that holds no record when asked on close', async () => {
      const cp = await openCheckpoint(file);
      await cp.close({ removeIfEmpty: true });
      expect(await readdir(path.dirname(file))).toEqual([]);
      const kept = await openCheckpoint(file);
      await kept.write({ key: 'a', stage: 'uploaded', externalProcessId: 'x', polls: 0 });
      await kept.close({ removeIfEmpty: true });
      expect(await readdir(path.dirname(file))).toEqual(['cp.jsonl']);
    });
  });
});
