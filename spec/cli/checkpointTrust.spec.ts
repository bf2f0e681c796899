/** Specs: what p1rx batch trusts in a checkpoint file. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, open, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCheckpoint, lockCheckpoint, type CheckpointFileHandle, type CheckpointFs } from '../../lib/node';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { fakeIo, jsonManifest, runCli, workDir, type FakeIo } from './cliHarness';

/**
 * The checkpoint of `p1rx batch` in-process: job identity on --resume, the connection check
 * before the first upload, a full disk, a read-only or empty checkpoint, and its lock.
 * spec/cli/checkpointProcesses.spec.ts runs two real processes and real signals.
 */

/** The real file layer, except that appending a record whose line matches `failOn` stores half of it and fails with ENOSPC; `short` caps every write. */
function faultyFs(faults: { failOn?: RegExp; short?: number }): CheckpointFs {
  return {
    async open(file, flags, mode): Promise<CheckpointFileHandle> {
      const h = await open(file, flags, mode);
      return {
        async write(buffer, offset, length) {
          if (flags === 'a' && offset === 0 && faults.failOn?.test(Buffer.from(buffer).toString('utf8'))) {
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
}

function ioWith(checkpointFs: CheckpointFs): FakeIo {
  return Object.assign(fakeIo(), { checkpointFs });
}

describe('p1rx batch checkpoint', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 0 });
  let dir: string;
  let out: string;
  let cpFile: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    out = path.join(dir, 'out');
    cpFile = path.join(out, '.p1rx-checkpoint.jsonl');
    emulator().clearLog();
  });
  afterEach(() => cleanup());

  const conn = (o: { apiKey?: string; baseUrl?: string } = {}) => [
    '--base-url',
    o.baseUrl ?? emulator().url,
    '--api-key',
    o.apiKey ?? API_KEY,
    '--poll-interval',
    '10',
  ];
  const count = (route: string) => emulator().count(route);
  const uploads = () => count('GET /v1/external/data-sets/upload-url');
  const creates = () => count('POST /v1/external/models');

  describe('job identity', () => {
    it('should train a job whose config changed as a new job, move its old result aside and say so, never report it skipped', async () => {
      const manifest = await jsonManifest(dir, 2);
      expect((await runCli(['batch', manifest, '-o', out, ...conn()])).code).toBe(0);
      const before = await loadCheckpoint(cpFile);
      expect(before.records.get('job1')?.fingerprint).toMatch(/^p1rx1;data=[0-9a-f]{64};config=/);
      const oldMetrics = await readFile(path.join(out, 'job1', 'metrics.csv'), 'utf8');
      // Another target and task for job1; job2 unchanged.
      const jobs = JSON.parse(await readFile(manifest, 'utf8')) as Record<string, unknown>[];
      jobs[0] = { ...jobs[0], target: 'temp_max', type: 'regression' };
      await writeFile(manifest, JSON.stringify(jobs));

      const { code, io } = await runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
      expect(code).toBe(0);
      expect(io.events()).toContainEqual(expect.objectContaining({ type: 'succeeded', key: 'job1' }));
      expect(io.events()).toContainEqual(expect.objectContaining({ type: 'skipped', key: 'job2' }));
      expect(io.events()).not.toContainEqual(expect.objectContaining({ type: 'skipped', key: 'job1' }));
      expect(io.events().at(-1)).toMatchObject({ type: 'summary', succeeded: 1, skipped: 1, replaced: 1 });
      expect(creates()).toBe(3);
      const aside = await readdir(path.join(out, '.p1rx-replaced'));
      expect(aside).toEqual([expect.stringMatching(/^job1\./)]);
      expect(await readFile(path.join(out, '.p1rx-replaced', aside[0], 'metrics.csv'), 'utf8')).toBe(oldMetrics);
      expect(io.err()).toContain(
        `job1: changed since the checkpoint (config): trained again as a new job; its earlier result was moved to ${path.join(out, '.p1rx-replaced', aside[0])}`,
      );
      expect(await readFile(path.join(out, 'job1', 'metrics.csv'), 'utf8')).not.toBe(oldMetrics);
      const after = (await loadCheckpoint(cpFile)).records.get('job1');
      expect(after).toMatchObject({ stage: 'downloaded' });
      expect(after?.fingerprint).not.toBe(before.records.get('job1')?.fingerprint);
      // And now it is the same job again.
      const third = await runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
      expect(third.io.events().at(-1)).toMatchObject({ type: 'summary', skipped: 2, succeeded: 0 });
    });

    it('should train a job whose data changed in flight as a new job, naming the training left at the service', async () => {
      const manifest = await jsonManifest(dir, 1);
      const io = fakeIo();
      emulator().delayNext('GET /v1/external/models/results', 5_000);
      const running = runCli(['batch', manifest, '-o', out, ...conn()], io);
      await emulator().waitForRequest('GET /v1/external/models/results');
      io.interrupt();
      expect((await running).code).toBe(130);
      const id = (await loadCheckpoint(cpFile)).records.get('job1')?.externalProcessId;
      expect(id).toBeDefined();
      await writeFile(path.join(dir, 'weather.csv'), `${await readFile(path.join(dir, 'weather.csv'), 'utf8')}2016-01-01,0.0,9.9,1.1,2.2,sun\n`);
      emulator().clearLog();
      const { code, io: again } = await runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
      expect(code).toBe(0);
      expect(uploads()).toBe(1);
      expect(again.err()).toContain(
        `job1: changed since the checkpoint (data): trained again as a new job (its earlier training ${id} is left at the service)`,
      );
    });
  });

  describe('preflight', () => {
    it('should check the key once before any upload, exit 2 naming the flag, and leave no checkpoint', async () => {
      const manifest = await jsonManifest(dir, 10);
      const { code, io } = await runCli(['batch', manifest, '-o', out, ...conn({ apiKey: 'wrong-key-0123456789' })]);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/^p1rx batch: nothing was uploaded: the service refused the API key \(.*\): check --api-key \(or P1RX_API_KEY\)$/m);
      expect(io.err()).not.toContain('wrong-key-0123456789');
      expect(emulator().requests.map((r) => r.route)).toEqual(['GET /v1/external/models']);
      expect(existsSync(cpFile)).toBe(false);
      expect(existsSync(`${cpFile}.lock`)).toBe(false);
      // The corrected run is not blocked.
      expect((await runCli(['batch', manifest, '-o', out, '-c', '5', ...conn()])).code).toBe(0);
    });

    it('should name --secret-key when the key made from it is refused', async () => {
      const manifest = await jsonManifest(dir, 2);
      const { code, io } = await runCli(['batch', manifest, '-o', out, '--base-url', emulator().url, '--secret-key', 'wrong-secret-0123456789']);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/^p1rx batch: nothing was uploaded: the service refused the secret key \(.*\): check --secret-key \(or P1RX_SECRET_KEY\)$/m);
      expect(io.err()).not.toContain('wrong-secret-0123456789');
      expect(uploads()).toBe(0);
      expect(existsSync(cpFile)).toBe(false);
    });

    it('should name --base-url when it does not lead to the API', async () => {
      const manifest = await jsonManifest(dir, 3);
      const { code, io } = await runCli(['batch', manifest, '-o', out, ...conn({ baseUrl: `${emulator().url}/not-the-api` })]);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/nothing was uploaded: .* does not serve the Prediction One API .*check --base-url \(or P1RX_BASE_URL\)/);
      expect(uploads()).toBe(0);
      expect(existsSync(cpFile)).toBe(false);
    });

    it('should check the key before a fleet producer uploads, before Redis is even reached', async () => {
      const manifest = await jsonManifest(dir, 4);
      const { code, io } = await runCli(['batch', manifest, '-o', out, '--queue', 'redis://127.0.0.1:9', ...conn({ apiKey: 'wrong-key-0123456789' })]);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/nothing was uploaded: the service refused the API key .*check --api-key/);
      expect(emulator().requests.map((r) => r.route)).toEqual(['GET /v1/external/models']);
    });

    it('should send no request at all when every job is done', async () => {
      const manifest = await jsonManifest(dir, 1);
      expect((await runCli(['batch', manifest, '-o', out, ...conn()])).code).toBe(0);
      emulator().clearLog();
      const { code } = await runCli(['batch', manifest, '-o', out, '--resume', ...conn({ apiKey: 'wrong-key-0123456789' })]);
      expect(code).toBe(0);
      expect(emulator().requests).toHaveLength(0);
    });
  });

  describe('a full disk', () => {
    it('should stop the batch when a record cannot be written, send nothing it announces, and resume without training twice', async () => {
      const manifest = await jsonManifest(dir, 3);
      const io = ioWith(faultyFs({ failOn: /"key":"job1","stage":"creating"/ }));
      const { code } = await runCli(['batch', manifest, '-o', out, '-c', '1', ...conn()], io);
      expect(code).toBe(1);
      expect(io.err()).toMatch(
        /the batch stopped: .*\.p1rx-checkpoint\.jsonl could not be written \(ENOSPC: the disk is full\); records written before are safe\. Free some space .* run the same command with --resume\./,
      );
      expect(io.events().at(-1)).toMatchObject({ type: 'summary', exitCode: 1, notRun: 2, stopped: expect.stringContaining('ENOSPC') });
      // Create Model was announced by the record that failed: it was never sent; nothing else started.
      expect(creates()).toBe(0);
      expect(uploads()).toBe(1);
      expect(io.err()).not.toContain('was accepted by the service');
      expect((await loadCheckpoint(cpFile)).records.get('job1')?.stage).toBe('uploaded');

      const { code: resumed } = await runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
      expect(resumed).toBe(0);
      expect(uploads()).toBe(3);
      expect(creates()).toBe(3);
    });

    it('should go on after short writes, acknowledging each record only once all of it is on disk', async () => {
      const manifest = await jsonManifest(dir, 2);
      const { code } = await runCli(['batch', manifest, '-o', out, ...conn()], ioWith(faultyFs({ short: 9 })));
      expect(code).toBe(0);
      const { records, tornTail } = await loadCheckpoint(cpFile);
      expect(tornTail).toBe(false);
      expect([...records.values()].map((r) => r.stage)).toEqual(['downloaded', 'downloaded']);
    });
  });

  describe('the checkpoint file', () => {
    it('should refuse a read-only checkpoint with a clear message, leaving it as it was', async () => {
      const manifest = await jsonManifest(dir, 1);
      expect((await runCli(['batch', manifest, '-o', out, ...conn()])).code).toBe(0);
      await chmod(cpFile, 0o444);
      const text = await readFile(cpFile, 'utf8');
      emulator().clearLog();
      const { code, io } = await runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
      expect(code).toBe(2);
      expect(io.err()).toContain(
        `p1rx batch: ${cpFile} is read-only: p1rx will not replace it. Make it writable (chmod u+w ${cpFile}) to continue it, or give --checkpoint another file (mode 0444)`,
      );
      expect(await readFile(cpFile, 'utf8')).toBe(text);
      expect((await stat(cpFile)).mode & 0o777).toBe(0o444);
      expect(emulator().requests).toHaveLength(0);
    });

    it('should not let a checkpoint with no request in it block a new run, nor leave one behind', async () => {
      const manifest = await jsonManifest(dir, 2);
      await runCli(['batch', manifest, '-o', out, '--checkpoint', cpFile, '--fresh', ...conn({ apiKey: 'wrong-key-0123456789' })]);
      await writeFile(cpFile, '');
      expect((await runCli(['batch', manifest, '-o', out, ...conn()])).code).toBe(0);
      // A batch whose every job failed before its first record leaves no checkpoint.
      const other = path.join(dir, 'other');
      emulator().failNext('GET /v1/external/data-sets/upload-url', 400);
      const single = await jsonManifest(dir, 1);
      const { code } = await runCli(['batch', single, '-o', other, ...conn()]);
      expect(code).toBe(1);
      expect(await readdir(other)).toEqual([]);
    });
  });

  describe('the lock', () => {
    it('should refuse while another process holds the checkpoint, naming its pid, and send nothing', async () => {
      const manifest = await jsonManifest(dir, 1);
      expect((await runCli(['batch', manifest, '-o', out, ...conn()])).code).toBe(0);
      const lock = await lockCheckpoint(cpFile);
      emulator().clearLog();
      const { code, io } = await runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
      await lock.release();
      expect(code).toBe(75);
      expect(io.err()).toContain(`p1rx batch: ${cpFile} is in use by another p1rx (pid ${process.pid}, since`);
      expect(io.err()).toContain('--wait-lock');
      expect(emulator().requests).toHaveLength(0);
    });

    it('should take over the lock of a process that is gone', async () => {
      const manifest = await jsonManifest(dir, 1);
      const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
      await new Promise((resolve) => child.on('exit', resolve));
      const { mkdir } = await import('node:fs/promises');
      await mkdir(out, { recursive: true });
      await writeFile(`${cpFile}.lock`, JSON.stringify({ pid: child.pid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }));
      const { code, io } = await runCli(['batch', manifest, '-o', out, ...conn()]);
      expect(code).toBe(0);
      expect(io.err()).toContain(`taking over ${cpFile} from pid ${child.pid}, which is no longer running`);
      expect(existsSync(`${cpFile}.lock`)).toBe(false);
    });
  });
});
