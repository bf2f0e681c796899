/** Specs: the checkpoint on a full tmpfs. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CheckpointWriteError, loadCheckpoint, openCheckpoint, type CheckpointRecord } from '../../lib/node';

/**
 * A real full disk: a 64 KiB tmpfs (needs root and `mount`). The kernel stores part of the
 * write that crosses into a page it cannot allocate and returns a short count; then ENOSPC. The
 * spec is skipped only where tmpfs cannot be mounted outside CI; in CI it must run.
 * spec/node/checkpoint.spec.ts injects the same faults through the file layer everywhere.
 */
describe('checkpoint on a full tmpfs', () => {
  let dir: string;
  let mounted = false;
  let why = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      why = String((err as { stderr?: Buffer }).stderr ?? err).trim();
    }
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });

  it('should acknowledge only records that are whole on disk, and refuse every write after the disk filled', async () => {
    if (!mounted) {
      if (process.env.CI) throw new Error(`tmpfs cannot be mounted in CI: ${why}`);
      console.warn(`skipped: tmpfs cannot be mounted here (${why})`);
      return;
    }
    const file = path.join(dir, 'cp.jsonl');
    const cp = await openCheckpoint(file);
    const acknowledged: CheckpointRecord[] = [];
    let failure: unknown;
    // ~1 KB records: one of them crosses into the page the disk no longer has.
    for (let i = 0; i < 200 && failure === undefined; i++) {
      try {
        acknowledged.push(await cp.write({ key: `k${i}`, stage: 'training', externalProcessId: `id-${i}`, polls: 0, lastStatus: 'x'.repeat(1000) }));
      } catch (err) {
        failure = err;
      }
    }
    expect(failure).toBeInstanceOf(CheckpointWriteError);
    expect((failure as CheckpointWriteError).code).toBe('ENOSPC');
    await expect(cp.write({ key: 'late', stage: 'training', externalProcessId: 'x', polls: 0 })).rejects.toBe(failure);
    await cp.close();
    const { records } = await loadCheckpoint(file);
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const record of acknowledged) expect(records.get(record.key)).toEqual(record);
    expect(records.size).toBe(acknowledged.length);
  });
});
