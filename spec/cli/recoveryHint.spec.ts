/** Specs: the recovery hints of p1rx train. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { runCli, workDir } from './cliHarness';
import { p1rxScript } from '../helpers/childBundles';

/**
 * `p1rx train` in a child process against an emulator in this process (manual mode: a job
 * moves only when the test says). Once Create Model was accepted, a failure or Ctrl-C prints
 * the training's id and the commands that follow and fetch it; the printed download command
 * then really fetches the result.
 */
const root = path.resolve(__dirname, '../..');
const STATUS = 'GET /v1/external/models/results';

interface Child {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  stdout: () => string;
}

function spawnTrain(args: string[]): Child {
  const child = spawn(process.execPath, [p1rxScript(), 'train', ...args], {
    cwd: root,
    env: { ...process.env, P1RX_BASE_URL: '', P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => err, stdout: () => out };
}

describe('p1rx train recovery hints', () => {
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let cleanup: () => Promise<void>;
  let running: ChildProcess | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir(60));
    emulator().clearLog();
  });
  afterEach(async () => {
    if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    running = undefined;
    await cleanup();
  });

  const trainArgs = (out: string) => [
    path.join(dir, 'weather.csv'),
    '-t',
    'weather',
    '--type',
    'multi_classification',
    '--cv',
    '1',
    '-o',
    out,
    '--base-url',
    emulator().url,
  ];
  const hintLines = (stderr: string, id: string, out: string) => {
    expect(stderr).toContain(`p1rx: training ${id} was accepted by the service and goes on there.`);
    expect(stderr).toContain(`  follow it:      p1rx status ${id} --watch --base-url ${emulator().url}\n`);
    expect(stderr).toContain(`  fetch it later: p1rx download ${id} --wait --out ${out} --base-url ${emulator().url}\n`);
    expect(stderr).not.toContain(API_KEY);
  };

  it('should print the id and the status/download commands after the connection is killed mid-training', async () => {
    // Every status request of the training has its connection reset, more times than the retry budget.
    for (let i = 0; i < 20; i += 1) emulator().injectNext(STATUS, 'resetBefore');
    const out = path.join(dir, 'result');
    const cli = spawnTrain(trainArgs(out));
    running = cli.child;
    const code = await cli.exited;
    expect(code).toBe(1);
    expect(emulator().expectOne('POST /v1/external/models').status).toBe(200);
    expect(
      emulator()
        .requests.filter((r) => r.route === STATUS)
        .every((r) => r.fault === 'resetBefore'),
    ).toBe(true);
    const externalProcessId = /training (\S+) was accepted/.exec(cli.stderr())?.[1];
    expect(externalProcessId).toBeDefined();
    expect(emulator().job(externalProcessId!)?.modelsCreated).toBe(1);
    hintLines(cli.stderr(), externalProcessId!, out);
    expect(cli.stderr()).toMatch(/p1rx: NetworkError: /);

    // Drain the resets the CLI did not use, then the printed command works: the training went
    // on, and download --wait fetches it.
    const unused = 20 - emulator().count(STATUS);
    for (let i = 0; i < unused; i += 1) await fetch(`${emulator().url}/v1/external/models/results`).catch(() => undefined);
    await emulator().advance(externalProcessId!, 'finished');
    const fetched = await runCli(['download', externalProcessId!, '--wait', '--out', out, '--base-url', emulator().url, '--api-key', API_KEY]);
    expect(fetched.code).toBe(0);
    expect(existsSync(path.join(out, 'metrics.csv'))).toBe(true);
  });

  it('should print the id and the commands after Ctrl-C (SIGINT), exit 130', async () => {
    const out = path.join(dir, 'result');
    const cli = spawnTrain(trainArgs(out));
    running = cli.child;
    // The training is accepted and polled: the service has it, this process only watches.
    await emulator().waitForRequest(STATUS, { timeoutMs: 30_000 });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    const externalProcessId = /training (\S+) was accepted/.exec(cli.stderr())?.[1];
    expect(externalProcessId).toBeDefined();
    expect(emulator().job(externalProcessId!)?.status).toBe('waiting');
    expect(cli.stderr()).toContain('p1rx: interrupted\n');
    hintLines(cli.stderr(), externalProcessId!, out);
  });

  it('should say nothing goes on at the service after Ctrl-C before Create Model', async () => {
    // Hold the upload-URL answer so the interrupt lands before anything was created.
    emulator().delayNext('GET /v1/external/data-sets/upload-url', 60_000);
    const cli = spawnTrain(trainArgs(path.join(dir, 'result')));
    running = cli.child;
    await emulator().waitForRequest('GET /v1/external/data-sets/upload-url', { timeoutMs: 30_000 });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.stderr()).toContain('p1rx: interrupted before the service accepted a training; nothing goes on there');
    expect(cli.stderr()).not.toContain('p1rx status');
    expect(emulator().count('POST /v1/external/models')).toBe(0);
  });
});
