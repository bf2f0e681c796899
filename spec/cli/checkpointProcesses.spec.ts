/** Specs: several p1rx batch processes on one checkpoint. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadCheckpoint, type CheckpointRecord } from '../../lib/node';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { jsonManifest, workDir } from './cliHarness';
import { waitForValue } from '../helpers/wait';
import { p1rxScript } from '../helpers/childBundles';

/**
 * `p1rx batch` as real processes on one checkpoint, and real signals, against a manual
 * emulator in this process (the moments are chosen, not raced).
 */
const root = path.resolve(__dirname, '../..');

interface Cli {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
}

function spawnCli(args: string[], baseUrl: string): Cli {
  // `node <bundled p1rx>`: the child is the CLI itself, so a signal reaches it.
  const child = spawn(process.execPath, [p1rxScript(), ...args], {
    cwd: root,
    env: { ...process.env, P1RX_BASE_URL: baseUrl, P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => out, stderr: () => err };
}

describe('p1rx batch processes on one checkpoint', () => {
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let out: string;
  let cpFile: string;
  let cleanup: () => Promise<void>;
  const running: ChildProcess[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    out = path.join(dir, 'out');
    cpFile = path.join(out, '.p1rx-checkpoint.jsonl');
    emulator().clearLog();
  });
  afterEach(async () => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cleanup();
  });

  const start = (args: string[]) => {
    const cli = spawnCli(args, emulator().url);
    running.push(cli.child);
    return cli;
  };
  const trainingAll = (keys: string[]) => async () => {
    const { records } = await loadCheckpoint(cpFile);
    return keys.every((k) => records.get(k)?.stage === 'training') ? records : undefined;
  };
  const summary = (cli: Cli) => JSON.parse(cli.stdout().trim().split('\n').at(-1)!) as Record<string, unknown>;

  it('should let one process at a time write it: a second refuses naming the holder, a third waits; 3 jobs, 3 uploads, 3 Create Models', async () => {
    const manifest = await jsonManifest(dir, 3);
    const args = ['batch', manifest, '-o', out, '-c', '3', '--json', '--poll-interval', '20'];
    const first = start(args);
    const records: ReadonlyMap<string, CheckpointRecord> = await waitForValue('3 trainings', trainingAll(['job1', 'job2', 'job3']));

    const refused = start([...args, '--resume']);
    expect((await refused.exited).code).toBe(75);
    expect(refused.stderr()).toContain(`${cpFile} is in use by another p1rx (pid ${first.child.pid}, since`);

    const waiting = start([...args, '--resume', '--wait-lock']);
    await waitForValue('the third to wait', () =>
      waiting.stderr().includes(`waiting for pid ${first.child.pid} to finish with ${cpFile}`) ? true : undefined,
    );
    for (const key of ['job1', 'job2', 'job3']) await emulator().advance(records.get(key)!.externalProcessId!, 'finished');

    expect((await first.exited).code).toBe(0);
    expect(summary(first)).toMatchObject({ type: 'summary', succeeded: 3 });
    expect((await waiting.exited).code).toBe(0);
    expect(summary(waiting)).toMatchObject({ type: 'summary', skipped: 3, succeeded: 0 });

    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(3);
    expect(emulator().count('POST /v1/external/models')).toBe(3);
    const after = await loadCheckpoint(cpFile);
    expect(after.tornTail).toBe(false);
    expect([...after.records.values()].map((r) => `${r.key}:${r.stage}`).sort()).toEqual(['job1:downloaded', 'job2:downloaded', 'job3:downloaded']);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('should end on %s like on Ctrl-C: a summary, exit code %d and the resume hint', async (signal, exitCode) => {
    const manifest = await jsonManifest(dir, 3);
    const cli = start(['batch', manifest, '-o', out, '-c', '2', '--json', '--poll-interval', '20']);
    await waitForValue('2 trainings', trainingAll(['job1', 'job2']));
    cli.child.kill(signal);
    expect(await cli.exited).toEqual({ code: exitCode, signal: null });
    expect(summary(cli)).toMatchObject({ type: 'summary', interrupted: true, exitCode, signal, notRun: 3 });
    expect(cli.stderr()).toContain(`p1rx: ${signal} received, stopping`);
    expect(cli.stderr()).toMatch(new RegExp(`job1\\s+interrupted`));
    expect(cli.stderr()).toContain(`stopped by ${signal}: run the same command with --resume to continue (checkpoint ${cpFile})`);
    const { records, tornTail } = await loadCheckpoint(cpFile);
    expect(tornTail).toBe(false);
    expect(records.get('job1')?.stage).toBe('training');
  });
});
