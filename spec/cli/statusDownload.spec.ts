/** Specs: p1rx status and p1rx download. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { filter, lastValueFrom, of } from 'rxjs';
import { train$, upload$, type TrainingEvent } from '../../lib';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { runCli } from './cliHarness';

describe('p1rx status and p1rx download', () => {
  const { emulator, client } = useEmulator({ manual: true });
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-sd-'));
    emulator().clearLog();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '10'];
  const started = async (): Promise<string> => {
    const e = await lastValueFrom(
      of(seattleWeather(60)).pipe(
        upload$(client()),
        train$(client(), { name: 'w', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }),
        filter((x: TrainingEvent) => x.type === 'queued'),
      ),
    );
    return (e as { externalProcessId: string }).externalProcessId;
  };

  it('status: should report a failed training as terminal in --json output', async () => {
    const id = await started();
    await emulator().advance(id, 'failed');
    const { io } = await runCli(['status', id, '--json', ...conn()]);
    const line = JSON.parse(io.out().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ type: 'status', externalProcessId: id, status: 'failed' });
    // a failed training has ended: a script waiting on `terminal` must see it
    expect(line.terminal).toBe(true);
  });
  it('status: should make one call and print the status', async () => {
    const id = await started();
    const { code, io } = await runCli(['status', id, ...conn()]);
    expect(code).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^${id}  waiting\\s+created \\S+  updated \\S+\\n$`));
    expect(emulator().count('GET /v1/external/models/results')).toBe(1);
  });

  it('status --json: should print the status without the result URL', async () => {
    const id = await started();
    await emulator().advance(id, 'finished');
    const { code, io } = await runCli(['status', id, '--json', ...conn()]);
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ type: 'status', externalProcessId: id, status: 'finished', terminal: true, failed: false });
    expect(io.out()).not.toMatch(/resultUrl|storage/);
  });

  it('status --watch: should follow until finished', async () => {
    const id = await started();
    const watching = runCli(['status', id, '--watch', ...conn()]);
    await emulator().waitForRequest('GET /v1/external/models/results');
    await emulator().advance(id, 'running');
    await emulator().waitForRequest('GET /v1/external/models/results');
    await emulator().advance(id, 'finished');
    const { code, io } = await watching;
    expect(code).toBe(0);
    expect(
      io
        .out()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual(['waiting', 'running', 'finished']);
  });

  it('status: should print a failed training; --watch exits 1 on it', async () => {
    const id = await started();
    await emulator().advance(id, 'failed');
    const once = await runCli(['status', id, ...conn()]);
    expect(once.code).toBe(0);
    expect(once.io.out()).toBe(`${id}  failed\n`);
    const watched = await runCli(['status', id, '--watch', ...conn()]);
    expect(watched.code).toBe(1);
  });

  it('status: should fail with the service error for an unknown id', async () => {
    const { code, io } = await runCli(['status', 'no-such-id', ...conn()]);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/ApiError: .*no-such-id/);
  });

  it('download: should write the result of a finished training', async () => {
    const id = await started();
    await emulator().advance(id, 'finished');
    const out = path.join(dir, 'result');
    const { code, io } = await runCli(['download', id, '--out', out, ...conn()]);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/accuracy\s+0\.\d{4}/);
    expect(io.out()).toContain(`wrote`);
    expect(existsSync(path.join(out, 'metrics.csv'))).toBe(true);
    expect(emulator().count('GET /storage/result')).toBe(1);
  });

  it('download: should refuse an unfinished training, or wait for it with --wait', async () => {
    const id = await started();
    const out = path.join(dir, 'result');
    const early = await runCli(['download', id, '--out', out, ...conn()]);
    expect(early.code).toBe(1);
    expect(early.io.err()).toContain(`training ${id} is 'waiting', not finished (use --wait`);
    expect(existsSync(out)).toBe(false);

    const waiting = runCli(['download', id, '--out', out, '--wait', '--json', ...conn()]);
    await emulator().waitForRequest('GET /v1/external/models/results');
    await emulator().advance(id, 'finished');
    const { code, io } = await waiting;
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({
      type: 'downloaded',
      externalProcessId: id,
      files: expect.arrayContaining([path.join(path.resolve(out), 'metrics.csv')]),
    });
  });

  it('should exit 2 on bad usage', async () => {
    expect((await runCli(['status', ...conn()])).code).toBe(2);
    expect((await runCli(['download', 'x', '--poll-interval', 'soon', ...conn()])).code).toBe(2);
  });
});
