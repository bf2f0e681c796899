/** Specs: p1rx batch killed at each step boundary, then resumed. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint, type CheckpointRecord } from '../../lib/node';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { until } from '../helpers/wait';
import { jsonManifest, runCli, workDir } from './cliHarness';
import { p1rxScript } from '../helpers/childBundles';

/**
 * `kill -9` of a real `p1rx batch` process at each step boundary where the service has acted
 * but the checkpoint has not recorded it yet, then `--resume`, counting at the emulator. The
 * moment of each kill is made deterministic, never raced:
 *
 * - uploaded, not recorded: the emulator stores the training data PUT and holds its answer
 *   (`delayNext`); the kill comes once Train Data Set Info knows the upload.
 * - created, not recorded: the emulator creates the training and holds Create Model's answer.
 * - downloaded, not recorded: one result file's path is a named pipe (FIFO) with no reader, so
 *   writing the result blocks there for good; the kill comes once an earlier file of the result
 *   is on disk, which proves the whole archive was downloaded (the files are written only after).
 */
const root = path.resolve(__dirname, '../..');
const HOLD_MS = 10 * 60_000;

function spawnBatch(args: string[], baseUrl: string): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  // `node <bundled p1rx>`: the child is the CLI itself (no launcher a SIGKILL could hit instead).
  const child = spawn(process.execPath, [p1rxScript(), 'batch', ...args], {
    cwd: root,
    env: { ...process.env, P1RX_BASE_URL: baseUrl, P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return { child, exited };
}

describe('p1rx batch killed with SIGKILL at each step boundary, then resumed', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 0 });
  let dir: string;
  let out: string;
  let cpFile: string;
  let cleanup: () => Promise<void>;
  let running: ChildProcess | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    out = path.join(dir, 'out');
    cpFile = path.join(out, '.p1rx-checkpoint.jsonl');
    emulator().clearLog();
  });
  afterEach(async () => {
    if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    running = undefined;
    await cleanup();
  });

  const record = async (key = 'job1'): Promise<CheckpointRecord | undefined> => (await loadCheckpoint(cpFile).catch(() => undefined))?.records.get(key);
  const kill = async (cli: ReturnType<typeof spawnBatch>) => {
    cli.child.kill('SIGKILL');
    expect(await cli.exited).toBe('SIGKILL');
  };
  // Upload sessions are counted since the emulator started: relative to the test's start.
  let sessionsBefore = 0;
  beforeEach(() => (sessionsBefore = emulator().stats().uploadSessions));
  const stats = () => ({
    uploadSessions: emulator().stats().uploadSessions - sessionsBefore,
    puts: emulator().count('PUT /storage/upload'),
    creates: emulator().count('POST /v1/external/models'),
    results: emulator().count('GET /storage/result'),
  });
  const resume = async (manifest: string) => {
    const { code, io } = await runCli(['batch', manifest, '-o', out, '--resume', '--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '10']);
    expect(io.events().at(-1)).toMatchObject({ type: 'summary', failed: 0 });
    expect(code).toBe(0);
  };
  /** The result folder holds a valid result: metrics with an accuracy, and every file. */
  const expectValidResult = (key = 'job1') => {
    const metrics = readFileSync(path.join(out, key, 'metrics.csv'), 'utf8');
    expect(metrics).toMatch(/^metric,value\n(.*\n)*accuracy,0?\.\d+/m);
    expect(readFileSync(path.join(out, key, 'evaluation_raw_data.csv'), 'utf8').split('\n').length).toBeGreaterThan(10);
  };

  it('uploaded but not recorded: the resume asks Train Data Set Info and uploads nothing again', async () => {
    const manifest = await jsonManifest(dir, 1);
    // The column information goes first (answered at once), then the training data: stored, answer held.
    emulator().delayNext('PUT /storage/upload', 0);
    emulator().delayNext('PUT /storage/upload', HOLD_MS);
    const cli = spawnBatch([manifest, '-o', out, '--json', '--poll-interval', '10'], emulator().url);
    running = cli.child;
    await until(
      () => emulator().requests.filter((r) => r.route === 'PUT /storage/upload' && r.path.includes('/learn.')).length === 1,
      'the training data PUT',
      60_000,
    );
    const uploading = await waitForRecord(
      () => record(),
      (r) => r.stage === 'uploading',
    );
    const id = uploading.externalProcessId!;
    // The service has the upload (Train Data Set Info knows it) while its answer is held.
    await eventually(async () => {
      const res = await fetch(`${emulator().url}/v1/external/data-sets/column-info?external_process_id=${id}`, { headers: { 'x-api-key': API_KEY } });
      await res.arrayBuffer();
      return res.status === 200;
    }, 'the upload stored');
    await kill(cli);
    expect((await record())?.stage).toBe('uploading');
    const before = stats();
    expect(before).toMatchObject({ uploadSessions: 1, puts: 2, creates: 0 });

    await resume(manifest);
    const after = stats();
    expect(after.uploadSessions - before.uploadSessions).toBe(0);
    expect(after.puts - before.puts).toBe(0);
    expect(after.creates).toBe(1);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
    expect(await record()).toMatchObject({ stage: 'downloaded', externalProcessId: id });
    expectValidResult();
  }, 180_000);

  it('created but not recorded: the resume follows the training by id and never sends Create Model again', async () => {
    const manifest = await jsonManifest(dir, 1);
    emulator().delayNext('POST /v1/external/models', HOLD_MS);
    const cli = spawnBatch([manifest, '-o', out, '--json', '--poll-interval', '10'], emulator().url);
    running = cli.child;
    const creating = await waitForRecord(
      () => record(),
      (r) => r.stage === 'creating',
    );
    const id = creating.externalProcessId!;
    await until(() => (emulator().job(id)?.modelsCreated ?? 0) === 1, 'the training created', 60_000);
    await kill(cli);
    expect((await record())?.stage).toBe('creating');
    const before = stats();
    expect(before).toMatchObject({ uploadSessions: 1, creates: 1 });

    await resume(manifest);
    const after = stats();
    expect(after.creates).toBe(1);
    expect(emulator().job(id)?.modelsCreated).toBe(1);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
    expect(after.uploadSessions).toBe(1);
    expect(after.puts).toBe(before.puts);
    expect(await record()).toMatchObject({ stage: 'downloaded', externalProcessId: id });
    expectValidResult();
  }, 180_000);

  it('downloaded but not recorded: the resume downloads again, trains nothing twice, and the result is valid', async () => {
    const manifest = await jsonManifest(dir, 1);
    // Writing the result blocks forever at this file (a FIFO nobody reads): the process is
    // frozen between "downloaded" and "recorded".
    const fifo = path.join(out, 'job1', 'evaluation_raw_data.csv');
    await mkdir(path.dirname(fifo), { recursive: true });
    execFileSync('mkfifo', [fifo]);
    const cli = spawnBatch([manifest, '-o', out, '--json', '--poll-interval', '10'], emulator().url);
    running = cli.child;
    // metrics.csv is written first, and only once the whole archive was read.
    await until(() => existsSync(path.join(out, 'job1', 'metrics.csv')), 'the result being written', 60_000);
    await kill(cli);
    const crashed = await record();
    expect(crashed?.stage).toBe('training');
    const before = stats();
    expect(before).toMatchObject({ uploadSessions: 1, creates: 1, results: 1 });

    await rm(fifo);
    await resume(manifest);
    const after = stats();
    expect(after.creates).toBe(1);
    expect(after.uploadSessions).toBe(1);
    expect(after.results).toBe(2);
    expect(emulator().job(crashed!.externalProcessId!)?.modelsCreated).toBe(1);
    expect(await record()).toMatchObject({ stage: 'downloaded', externalProcessId: crashed!.externalProcessId });
    expectValidResult();
  }, 180_000);
});

/** Waits until an asynchronous probe holds (checking every 10 ms, giving up after 60 s: a state to wait for, not a speed bound). */
async function eventually(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForRecord(read: () => Promise<CheckpointRecord | undefined>, ok: (r: CheckpointRecord) => boolean): Promise<CheckpointRecord> {
  let found: CheckpointRecord | undefined;
  await eventually(async () => {
    const r = await read();
    if (r && ok(r)) found = r;
    return found !== undefined;
  }, 'the checkpoint record');
  return found!;
}
