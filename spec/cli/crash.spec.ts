/** Specs: p1rx batch crashing in a child process and resuming. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadCheckpoint, type CheckpointRecord } from '../../lib/node';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { jsonManifest, runCli, workDir } from './cliHarness';
import { waitForValue } from '../helpers/wait';
import { p1rxScript } from '../helpers/childBundles';

/**
 * The real thing: `p1rx batch` in a child process (`node`, spec/helpers/childBundles.ts), killed with SIGKILL or interrupted
 * with SIGINT mid-batch, against an emulator in this process. The emulator is manual, so the
 * moment of the kill is chosen, not raced.
 */
const root = path.resolve(__dirname, '../..');

function spawnCli(
  args: string[],
  baseUrl: string,
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stdout: () => string } {
  // `node <bundled p1rx>`: the child is the CLI itself, not a launcher whose SIGKILL would leave
  // the CLI running in a grandchild.
  const child = spawn(process.execPath, [p1rxScript(), ...args], {
    cwd: root,
    env: { ...process.env, P1RX_BASE_URL: baseUrl, P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => out };
}

describe('p1rx batch in a child process', () => {
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let cleanup: () => Promise<void>;
  let running: ChildProcess | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    emulator().clearLog();
  });
  afterEach(async () => {
    if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    running = undefined;
    await cleanup();
  });

  const stages = async (file: string) => (await loadCheckpoint(file)).records;
  const when = (file: string, ok: (r: ReadonlyMap<string, CheckpointRecord>) => boolean) => async () => {
    const records = await stages(file);
    return ok(records) ? records : undefined;
  };
  const at = (r: ReadonlyMap<string, CheckpointRecord>, key: string, stage: string) => r.get(key)?.stage === stage;
  const id = (r: ReadonlyMap<string, CheckpointRecord>, key: string) => r.get(key)!.externalProcessId!;

  it('should resume after kill -9 without uploading, training or downloading anything twice', async () => {
    const manifest = await jsonManifest(dir, 5);
    const out = path.join(dir, 'out');
    const cpFile = path.join(out, '.p1rx-checkpoint.jsonl');
    const cli = spawnCli(['batch', manifest, '-o', out, '-c', '3', '--json', '--poll-interval', '20'], emulator().url);
    running = cli.child;

    // Three jobs training (manual mode: they wait), then finish job1 so job4 starts.
    let records = await waitForValue(
      '3 trainings',
      when(cpFile, (r) => ['job1', 'job2', 'job3'].every((k) => at(r, k, 'training'))),
    );
    await emulator().advance(id(records, 'job1'), 'finished');
    await waitForValue(
      'job1 downloaded, job4 training',
      when(cpFile, (r) => at(r, 'job1', 'downloaded') && at(r, 'job4', 'training')),
    );
    cli.child.kill('SIGKILL');
    expect((await cli.exited).signal).toBe('SIGKILL');

    const before = { uploads: emulator().count('GET /v1/external/data-sets/upload-url'), results: emulator().count('GET /storage/result') };
    expect(before).toEqual({ uploads: 4, results: 1 });
    records = await stages(cpFile);
    for (const key of ['job2', 'job3', 'job4']) await emulator().advance(id(records, key), 'finished');

    // Resume in-process; job5 is new: finish its training once it is started.
    const resumed = runCli(['batch', manifest, '-o', out, '--resume', '--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '20']);
    const job5 = await waitForValue(
      'job5 training',
      when(cpFile, (r) => at(r, 'job5', 'training')),
    );
    await emulator().advance(id(job5, 'job5'), 'finished');
    const { code, io } = await resumed;
    expect(io.err()).toMatch(/job1\s+skipped/);
    expect(code).toBe(0);

    records = await stages(cpFile);
    for (let i = 1; i <= 5; i++) {
      expect(records.get(`job${i}`)?.stage).toBe('downloaded');
      expect(emulator().job(id(records, `job${i}`))?.modelsCreated).toBe(1);
      expect(existsSync(path.join(out, `job${i}`, 'metrics.csv'))).toBe(true);
    }
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(5);
    expect(emulator().count('POST /v1/external/models')).toBe(5);
    // job1 was done before the kill: 1 download then, 4 after.
    expect(emulator().count('GET /storage/result')).toBe(5);
    expect(io.events().at(-1)).toMatchObject({ type: 'summary', succeeded: 4, skipped: 1, failed: 0 });
  });

  it('should stop on SIGINT with exit code 130 and a consistent checkpoint', async () => {
    const manifest = await jsonManifest(dir, 3);
    const out = path.join(dir, 'out');
    const cpFile = path.join(out, '.p1rx-checkpoint.jsonl');
    const cli = spawnCli(['batch', manifest, '-o', out, '-c', '2', '--poll-interval', '20'], emulator().url);
    running = cli.child;
    await waitForValue(
      '2 trainings',
      when(cpFile, (r) => at(r, 'job1', 'training') && at(r, 'job2', 'training')),
    );
    cli.child.kill('SIGINT');
    // The emulator is manual, so its trainings never end by themselves: exiting at all proves the
    // CLI did not wait for them (no wall-clock bound: a loaded machine is slow, not wrong).
    const { code } = await cli.exited;
    expect(code).toBe(130);

    const lines = cli
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', interrupted: true, exitCode: 130, notRun: 3 });
    const { records, tornTail } = await loadCheckpoint(cpFile);
    expect(tornTail).toBe(false);
    expect([records.get('job1')?.stage, records.get('job2')?.stage, records.has('job3')]).toEqual(['training', 'training', false]);
  });
});
