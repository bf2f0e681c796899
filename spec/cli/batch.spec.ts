/** Specs: p1rx batch. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../lib/node';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { fakeIo, jsonManifest, runCli, workDir } from './cliHarness';

describe('p1rx batch', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 0 });
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    emulator().clearLog();
  });
  afterEach(() => cleanup());

  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '10'];

  it('should run every job with at most --concurrency at once, write results and print JSON lines', async () => {
    const manifest = await jsonManifest(dir, 5);
    const out = path.join(dir, 'out');
    const { code, io } = await runCli(['batch', manifest, '--out', out, '--concurrency', '2', ...conn()]);
    expect(io.err()).toContain('succeeded');
    expect(code).toBe(0);

    // JSON lines: every line parses, no pre-signed URL or key anywhere.
    const events = io.events();
    expect(io.out()).not.toMatch(/resultUrl|result_url|X-Amz|signature|Signature/);
    expect(io.out()).not.toContain(API_KEY);
    expect(events[0]).toMatchObject({ type: 'batch', jobs: 5, toRun: 5, concurrency: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'summary', succeeded: 5, failed: 0, exitCode: 0 });

    // Concurrency, from the output: never more than 2 jobs between start and end.
    let running = 0;
    let most = 0;
    for (const e of events) {
      if (e.type === 'start') most = Math.max(most, ++running);
      if (e.type === 'succeeded' || e.type === 'failed') running -= 1;
    }
    expect(most).toBe(2);
    // ... and from the emulator: the third upload starts only after a first result was fetched.
    const routes = emulator().requests.map((r) => r.route);
    const uploads = routes.flatMap((r, i) => (r === 'GET /v1/external/data-sets/upload-url' ? [i] : []));
    expect(uploads).toHaveLength(5);
    expect(uploads[2]).toBeGreaterThan(routes.indexOf('GET /storage/result'));
    expect(emulator().count('POST /v1/external/models')).toBe(5);

    for (let i = 1; i <= 5; i++) expect(existsSync(path.join(out, `job${i}`, 'metrics.csv'))).toBe(true);
    const succeeded = events.filter((e) => e.type === 'succeeded');
    expect(succeeded.map((e) => e.key).sort()).toEqual(['job1', 'job2', 'job3', 'job4', 'job5']);
    expect(succeeded[0]).toMatchObject({ score: { name: 'accuracy', value: expect.any(Number) }, seconds: expect.any(Number) });

    // The summary table goes to stderr in JSON mode.
    expect(io.err()).toMatch(/key\s+outcome\s+accuracy \/ r2 \/ error\s+seconds/);
    expect(io.err()).toMatch(/job3\s+succeeded\s+accuracy \d/);

    const { records } = await loadCheckpoint(path.join(out, '.p1rx-checkpoint.jsonl'));
    expect([...records.values()].every((r) => r.stage === 'downloaded')).toBe(true);
  });

  it('should read a CSV manifest, report a failing job and exit 1', async () => {
    await writeFile(
      path.join(dir, 'jobs.csv'),
      'key,csv,target,type,positive,cv\n' +
        'temp,weather.csv,temp_max,regression,,1\n' +
        // More folds than rows: only the service knows the row count, so this fails there.
        'toomanyfolds,weather.csv,temp_max,regression,,1000\n',
    );
    const out = path.join(dir, 'out');
    const { code, io } = await runCli(['batch', path.join(dir, 'jobs.csv'), '-o', out, '--json', ...conn()]);
    expect(code).toBe(1);
    const byKey = Object.fromEntries(
      io
        .events()
        .filter((e) => e.type === 'succeeded' || e.type === 'failed')
        .map((e) => [e.key, e]),
    );
    expect(byKey.temp).toMatchObject({ type: 'succeeded', score: { name: 'r2' } });
    expect(byKey.toomanyfolds).toMatchObject({ type: 'failed', error: { name: 'ApiError' } });
    expect(io.err()).toMatch(/toomanyfolds\s+failed\s+ApiError/);
    expect(existsSync(path.join(out, 'temp', 'metrics.csv'))).toBe(true);
  });

  it('should warn before the first upload when the CSV of a job is too small for its cross-validation', async () => {
    await writeFile(path.join(dir, 'tiny.csv'), 'id,visits,churned\n1,2,yes\n2,3,no\n3,4,yes\n');
    await writeFile(path.join(dir, 'tiny-jobs.csv'), 'key,csv,target,type,positive,cv\ntiny,tiny.csv,churned,binary_classification,yes,5\n');
    const out = path.join(dir, 'tiny-out');
    const { io } = await runCli(['batch', path.join(dir, 'tiny-jobs.csv'), '-o', out, '--json', ...conn()]);
    const warning = io.err().indexOf('p1rx batch: warning: tiny (line 2): ');
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(io.err()).toMatch(
      /warning: tiny \(line 2\): .*tiny\.csv has 3 data rows with a value in 'churned': too few for 'cv' 5 \(5-fold cross-validation needs at least 10/,
    );
  });

  it('should draw live bars and print the summary table on a terminal', async () => {
    const manifest = await jsonManifest(dir, 2);
    const io = fakeIo({ tty: true });
    const { code } = await runCli(['batch', manifest, '-o', path.join(dir, 'out'), ...conn()], io);
    expect(code).toBe(0);
    expect(io.out()).toContain('total');
    expect(io.out()).toMatch(/job1\s+ok\s+accuracy/);
    expect(io.out()).toMatch(/job2\s+succeeded\s+accuracy/);
    expect(() => JSON.parse(io.out().split('\n')[0])).toThrow();
  });

  it('should refuse to overwrite an existing checkpoint without --resume or --fresh', async () => {
    const manifest = await jsonManifest(dir, 1);
    const out = path.join(dir, 'out');
    expect((await runCli(['batch', manifest, '-o', out, ...conn()])).code).toBe(0);
    const again = await runCli(['batch', manifest, '-o', out, ...conn()]);
    expect(again.code).toBe(2);
    expect(again.io.err()).toMatch(/exists .*--resume .*--fresh/);
    const fresh = await runCli(['batch', manifest, '-o', out, '--fresh', ...conn()]);
    expect(fresh.code).toBe(0);
    expect(emulator().count('POST /v1/external/models')).toBe(2);
    const lines = (await readFile(path.join(out, '.p1rx-checkpoint.jsonl'), 'utf8')).trim().split('\n');
    // Write-ahead before each request, and each answer: uploading, uploaded, creating, training, downloaded.
    expect(lines.map((l) => (JSON.parse(l) as { stage: string }).stage)).toEqual(['uploading', 'uploaded', 'creating', 'training', 'downloaded']);
  });

  it('should cancel running jobs on Ctrl-C and exit 130 with a consistent checkpoint', async () => {
    const manifest = await jsonManifest(dir, 3);
    const out = path.join(dir, 'out');
    const io = fakeIo();
    emulator().delayNext('POST /v1/external/models', 2_000);
    const running = runCli(['batch', manifest, '-o', out, '-c', '1', ...conn()], io);
    await emulator().waitForRequest('POST /v1/external/models');
    io.interrupt();
    const { code } = await running;
    expect(code).toBe(130);
    expect(io.events().at(-1)).toMatchObject({ type: 'summary', interrupted: true, exitCode: 130 });
    expect(io.err()).toMatch(/job1\s+interrupted/);
    expect(io.err()).toMatch(/job3\s+not started/);
    expect(io.err()).toContain('--resume');
    const { records, tornTail } = await loadCheckpoint(path.join(out, '.p1rx-checkpoint.jsonl'));
    expect(tornTail).toBe(false);
    expect(records.get('job1')?.stage).toBe('creating');
    expect(records.has('job2')).toBe(false);
    await emulator().waitForAbort('POST /v1/external/models');
  });

  it('should exit at once on a second Ctrl-C', async () => {
    const manifest = await jsonManifest(dir, 2);
    const io = fakeIo();
    emulator().delayNext('POST /v1/external/models', 1_000);
    const running = runCli(['batch', manifest, '-o', path.join(dir, 'out'), ...conn()], io);
    await emulator().waitForRequest('POST /v1/external/models');
    io.interrupt();
    io.interrupt();
    expect(io.exits).toEqual([130]);
    expect(io.err()).toContain('second Ctrl-C, exiting now');
    expect((await running).code).toBe(130);
  });

  it('should write the checkpoint where --checkpoint says', async () => {
    const manifest = await jsonManifest(dir, 1);
    const cp = path.join(dir, 'elsewhere', 'cp.jsonl');
    const { code } = await runCli(['batch', manifest, '-o', path.join(dir, 'out'), '--checkpoint', cp, ...conn()]);
    expect(code).toBe(0);
    expect((await loadCheckpoint(cp)).records.get('job1')?.stage).toBe('downloaded');
    expect(existsSync(path.join(dir, 'out', '.p1rx-checkpoint.jsonl'))).toBe(false);
  });
});
