/** Specs: the NDJSON event processor example. */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runTrainer } from '../../docs/examples/ndjson-trainer';
import { API_KEY, seattleRain, seattleWeather, useEmulator } from '../helpers/emulator';
import { until } from '../helpers/wait';

describe('docs/examples/ndjson-trainer', () => {
  const { emulator } = useEmulator();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-ndjson-'));
    writeFileSync(path.join(dir, 'weather.csv'), seattleWeather(60));
    writeFileSync(path.join(dir, 'rain.csv'), seattleRain(60));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should train each request, write its result, then acknowledge it; bad requests are reported', async () => {
    const lines = [
      { key: 'weather', csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 2 },
      'this is not json',
      { key: 'rain', csv: 'rain.csv', target: 'rain', type: 'binary_classification', positive: 'yes', cv: 2 },
      { key: 'broken', csv: 'weather.csv', target: 'weather', type: 'binary_classification' },
      { key: 'missing', csv: 'weather.csv', target: 'no_such_column', type: 'regression' },
    ].map((l) => (typeof l === 'string' ? `${l}\n` : `${JSON.stringify(l)}\n`));
    const output = new PassThrough();
    const written: string[] = [];
    output.on('data', (c: Buffer) => written.push(c.toString()));
    const out = path.join(dir, 'results');
    const failures = await runTrainer(Readable.from(lines.filter((l) => l !== 'this is not json\n')), output, {
      baseUrl: emulator().url,
      apiKey: API_KEY,
      out,
      concurrency: 2,
      baseDir: dir,
    });
    const records = written
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      records
        .filter((r) => 'ack' in r)
        .map((r) => r.ack)
        .sort(),
    ).toEqual(['rain', 'weather']);
    expect(records).toContainEqual(expect.objectContaining({ rejected: expect.stringContaining('request broken: tv is required') }));
    // A target the data lacks is refused before anything is uploaded (trainModel$'s local checks).
    expect(records).toContainEqual(
      expect.objectContaining({
        failed: 'missing',
        error: expect.stringContaining("ValidationError: Invalid training job: target column (tc) 'no_such_column'"),
      }),
    );
    expect(failures).toBe(2);
    // Acknowledged only after the files exist.
    for (const key of ['rain', 'weather']) expect(existsSync(path.join(out, key, 'metrics.csv'))).toBe(true);
    expect(readFileSync(path.join(out, 'rain', 'metrics.csv'), 'utf8')).toContain('auc');
  });

  it('should report a line that is not JSON with its line number and stop', async () => {
    const output = new PassThrough();
    await expect(
      runTrainer(Readable.from(['{"key":"a"}\n', 'not json\n']), output, { baseUrl: emulator().url, apiKey: API_KEY, out: dir, concurrency: 1, baseDir: dir }),
    ).rejects.toThrow('line 2: not JSON');
  });

  it('should drain on stop: no further request is read, the one in flight is written and acknowledged', async () => {
    emulator().clearLog();
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (c: Buffer) => (written += c.toString()));
    const stop = new AbortController();
    const out = path.join(dir, 'drained');
    const done = runTrainer(input, output, { baseUrl: emulator().url, apiKey: API_KEY, out, concurrency: 2, baseDir: dir, stop: stop.signal });
    input.write(`${JSON.stringify({ key: 'first', csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 2 })}\n`);
    // Stop once the first request's training was created at the service (it is in flight).
    await until(() => emulator().count('POST /v1/external/models') === 1, 'Create Model of the first request');
    stop.abort();
    input.write(`${JSON.stringify({ key: 'second', csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 2 })}\n`);
    await expect(done).resolves.toBe(0);
    expect(
      written
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { ack?: string }).ack),
    ).toEqual(['first']);
    expect(existsSync(path.join(out, 'first', 'metrics.csv'))).toBe(true);
    expect(emulator().count('POST /v1/external/models')).toBe(1);
    input.destroy();
  });

  // The command as users run it: `tsx run-ndjson-trainer.ts` in a project of each module format,
  // importing the package by name (built dist/, linked as node_modules/prediction-one-rx).
  describe.each(['module', 'commonjs'])('run as a command in a "type": "%s" project', (type) => {
    const root = path.resolve(__dirname, '../..');
    let project: string;
    beforeAll(() => {
      if (!existsSync(path.join(root, 'dist/node/index.mjs'))) throw new Error('dist/ is missing: run `npm run build` first');
      project = path.join(dir, type);
      mkdirSync(path.join(project, 'node_modules'), { recursive: true });
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: `trainer-${type}`, private: true, type }));
      for (const f of ['ndjson-trainer.ts', 'run-ndjson-trainer.ts']) copyFileSync(path.join(root, 'docs/examples', f), path.join(project, f));
      symlinkSync(root, path.join(project, 'node_modules/prediction-one-rx'), 'dir');
      symlinkSync(path.join(root, 'node_modules/rxjs'), path.join(project, 'node_modules/rxjs'), 'dir');
    });

    it('should train a request from stdin and acknowledge it on stdout after writing the result', async () => {
      const child = spawn(
        path.join(root, 'node_modules/.bin/tsx'),
        ['run-ndjson-trainer.ts', '--base-url', emulator().url, '--out', 'results', '--concurrency', '2'],
        {
          cwd: project,
          env: { ...process.env, P1RX_API_KEY: API_KEY, NODE_OPTIONS: '' },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdin.end(`${JSON.stringify({ key: 'weather', csv: path.join(dir, 'weather.csv'), target: 'weather', type: 'multi_classification', cv: 2 })}\n`);
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', resolve);
      });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const records = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toEqual([expect.objectContaining({ ack: 'weather', dir: path.join('results', 'weather') })]);
      expect(existsSync(path.join(project, 'results/weather/metrics.csv'))).toBe(true);
    });
  });
});
