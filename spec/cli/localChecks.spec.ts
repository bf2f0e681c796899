/** Specs: the local checks of p1rx before any upload. */
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../lib/cli/main';
import { API_KEY, seattleRain, useEmulator } from '../helpers/emulator';
import { runCli, workDir } from './cliHarness';

/**
 * `p1rx train` and `p1rx batch` refuse what can be known locally before the first request:
 * every case exits 2 listing the problems, and the emulator's request log stays empty.
 */
describe('p1rx local checks before any upload', () => {
  const { emulator } = useEmulator();
  let dir: string;
  let cleanup: () => Promise<void>;
  let stderr: string;
  let spy: jest.SpyInstance;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir(60));
    await writeFile(path.join(dir, 'rain.csv'), seattleRain(60));
    await writeFile(path.join(dir, 'header-only.csv'), 'date,precipitation,temp_max,temp_min,wind,weather\n');
    await writeFile(path.join(dir, 'data.json.csv'), JSON.stringify([{ date: '2012-01-01', weather: 'rain' }]));
    await writeFile(path.join(dir, 'book.xlsx.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0, 0, 0, 0x21, 0]));
    await writeFile(path.join(dir, 'a-file'), 'not a folder');
    emulator().clearLog();
    stderr = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(async () => {
    spy.mockRestore();
    await cleanup();
  });

  const train = (file: string, ...args: string[]) =>
    run(['train', path.join(dir, file), '--base-url', emulator().url, '--api-key', API_KEY, '-o', path.join(dir, 'out'), ...args]);

  it.each<[string, string, string[], RegExp]>([
    [
      'a misspelt target column',
      'weather.csv',
      ['-t', 'Weather', '--type', 'multi_classification'],
      /target column \(--target\) 'Weather' is not in the header of the file .*weather\.csv \(did you mean 'weather'\?/,
    ],
    [
      'a --positive value the target does not hold',
      'rain.csv',
      ['-t', 'rain', '--type', 'binary_classification', '--positive', 'Yes'],
      /positive value \(--positive\) 'Yes' is not a value of 'rain' \(did you mean 'yes'\? values: 'no', 'yes'\)/,
    ],
    [
      'a regression on a string column',
      'weather.csv',
      ['-t', 'weather', '--type', 'regression'],
      /regression needs a numeric target, but 'weather' holds text/,
    ],
    ['a header-only CSV', 'header-only.csv', ['-t', 'weather', '--type', 'multi_classification'], /header-only\.csv: the CSV has a header but no data rows/],
    ['a JSON file named .csv', 'data.json.csv', ['-t', 'weather', '--type', 'multi_classification'], /data\.json\.csv: it is a JSON document, not CSV/],
    ['a binary file named .csv', 'book.xlsx.csv', ['-t', 'weather', '--type', 'multi_classification'], /book\.xlsx\.csv: it holds binary data, not CSV text/],
  ])('train: should refuse %s, exit 2 and send nothing', async (_what, file, args, message) => {
    const code = await train(file, ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^p1rx: nothing was uploaded: fix these first\n {2}- /);
    expect(stderr).toMatch(message);
    expect(emulator().requests).toEqual([]);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('train: should refuse an --out that is a file or lies under one, with the data problems, sending nothing', async () => {
    expect(await train('weather.csv', '-t', 'nope', '--type', 'regression', '-o', path.join(dir, 'a-file'))).toBe(2);
    expect(stderr).toMatch(/target column \(--target\) 'nope'/);
    expect(stderr).toMatch(/--out .*a-file is a file, not a folder/);
    expect(await train('weather.csv', '-t', 'temp_max', '--type', 'regression', '-o', path.join(dir, 'a-file', 'sub'))).toBe(2);
    expect(stderr).toMatch(/--out .*a-file\/sub lies under a file/);
    expect(emulator().requests).toEqual([]);
  });

  it('train: should refuse an --out folder that cannot be written, sending nothing', async () => {
    // As root, mode bits do not stop a write: use a read-only file system instead.
    let out = path.join(dir, 'locked', 'results');
    if (process.getuid?.() === 0) out = '/sys/p1rx-results';
    else {
      await mkdir(path.join(dir, 'locked'));
      await chmod(path.join(dir, 'locked'), 0o500);
    }
    try {
      expect(await train('weather.csv', '-t', 'temp_max', '--type', 'regression', '-o', out)).toBe(2);
      expect(stderr).toMatch(/--out .* is not writable/);
      expect(emulator().requests).toEqual([]);
    } finally {
      if (process.getuid?.() !== 0) await chmod(path.join(dir, 'locked'), 0o700);
    }
  });

  it('batch: should check every job before any upload and list every problem', async () => {
    const manifest = path.join(dir, 'jobs.csv');
    await writeFile(
      manifest,
      'key,csv,target,type,positive\n' +
        'good,weather.csv,temp_max,regression,\n' +
        'typo,weather.csv,Weather,multi_classification,\n' +
        'positive,rain.csv,rain,binary_classification,true\n' +
        'json,data.json.csv,weather,multi_classification,\n',
    );
    const out = path.join(dir, 'out');
    const { code, io } = await runCli(['batch', manifest, '-o', out, '--json', '--base-url', emulator().url, '--api-key', API_KEY]);
    expect(code).toBe(2);
    const lines = io.err().trim().split('\n');
    expect(lines[0]).toBe('p1rx batch: nothing was uploaded: fix these first');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- typo \(line 3\): target column \(target\) 'Weather' is not in the header/),
      expect.stringMatching(/^ {2}- positive \(line 4\): positive value \(positive\) 'true' is not a value of 'rain'/),
      expect.stringMatching(/^ {2}- json \(line 5\): file .*data\.json\.csv: it is a JSON document, not CSV/),
    ]);
    expect(io.out()).toBe('');
    expect(emulator().requests).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('batch: should refuse an --out that is a file, and a result folder that is a file, before any upload', async () => {
    const manifest = path.join(dir, 'jobs.json');
    await writeFile(manifest, JSON.stringify([{ key: 'a-file', csv: 'weather.csv', target: 'temp_max', type: 'regression' }]));
    const asFile = await runCli(['batch', manifest, '-o', path.join(dir, 'a-file'), '--base-url', emulator().url, '--api-key', API_KEY]);
    expect(asFile.code).toBe(2);
    expect(asFile.io.err()).toMatch(/--out .*a-file is a file, not a folder/);
    // <out>/<key> is a file: the job's results could not be written.
    const underDir = await runCli(['batch', manifest, '-o', dir, '--base-url', emulator().url, '--api-key', API_KEY]);
    expect(underDir.code).toBe(2);
    expect(underDir.io.err()).toMatch(/a-file \(line 1, entry 1\): its result folder .*a-file is a file/);
    expect(emulator().requests).toEqual([]);
  });
});
