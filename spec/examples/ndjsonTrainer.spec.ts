import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runTrainer } from '../../docs/examples/ndjson-trainer';
import { API_KEY, seattleRain, seattleWeather, useEmulator } from '../helpers/emulator';

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
    const records = written.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => 'ack' in r).map((r) => r.ack).sort()).toEqual(['rain', 'weather']);
    expect(records).toContainEqual(expect.objectContaining({ rejected: expect.stringContaining('request broken: tv is required') }));
    // A target the data lacks is refused before anything is uploaded (trainModel$'s local checks).
    expect(records).toContainEqual(expect.objectContaining({ failed: 'missing', error: expect.stringContaining("ValidationError: Invalid training job: target column (tc) 'no_such_column'") }));
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
});
