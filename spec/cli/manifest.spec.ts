/** Specs: batch manifests. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ManifestError, parseManifest, readManifest } from '../../lib/cli/manifest';
import { API_KEY } from '../helpers/emulator';
import { runCli, workDir } from './cliHarness';

describe('manifest', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir(5));
  });
  afterEach(() => cleanup());

  const issuesOf = (text: string, format: 'json' | 'csv'): readonly string[] => {
    try {
      parseManifest(text, format, dir, 'm');
    } catch (err) {
      if (err instanceof ManifestError) return err.issues;
      throw err;
    }
    throw new Error('expected a ManifestError');
  };

  it('should read a JSON array and a { jobs } object, resolving paths against the manifest folder', () => {
    const job = { key: 'a', csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 3, eval: 'weather.csv' };
    const [a] = parseManifest(JSON.stringify([job]), 'json', dir);
    expect(a).toEqual({
      key: 'a',
      csv: path.join(dir, 'weather.csv'),
      eval: path.join(dir, 'weather.csv'),
      name: 'a',
      // As the vendor's only wire example writes it: "cv": "2".
      config: { tt: 'multi_classification', tc: 'weather', cv: '3' },
      where: 'line 1, entry 1',
    });
    expect(parseManifest(JSON.stringify({ jobs: [{ ...job, name: 'model-a' }] }), 'json', dir)[0].name).toBe('model-a');
  });

  it('should read a CSV with one job per row, blank cells as absent, the key defaulting to the file name', () => {
    const jobs = parseManifest('csv,target,type,positive,cv,name\nweather.csv,weather,binary_classification,rain,,\n\n', 'csv', dir);
    expect(jobs).toEqual([
      expect.objectContaining({ key: 'weather', name: 'weather', config: { tt: 'binary_classification', tc: 'weather', tv: 'rain' }, where: 'line 2' }),
    ]);
  });

  it.each([
    ['missing target', [{ key: 'a', csv: 'weather.csv', type: 'regression' }], "entry 1 (key 'a'): missing 'target' (the column to predict)"],
    ['unknown type', [{ key: 'a', csv: 'weather.csv', target: 't', type: 'clustering' }], "entry 1 (key 'a'): unknown task type 'clustering'"],
    ['missing type', [{ key: 'a', csv: 'weather.csv', target: 't' }], "entry 1 (key 'a'): missing 'type'"],
    ['file not found', [{ key: 'a', csv: 'nope.csv', target: 't', type: 'regression' }], "entry 1 (key 'a'): csv file not found: nope.csv"],
    ['eval not found', [{ key: 'a', csv: 'weather.csv', eval: 'e.csv', target: 't', type: 'regression' }], 'eval file not found: e.csv'],
    ['missing csv', [{ key: 'a', target: 't', type: 'regression' }], "entry 1 (key 'a'): missing 'csv'"],
    [
      'missing positive',
      [{ key: 'a', csv: 'weather.csv', target: 't', type: 'binary_classification' }],
      "missing 'positive' (required for binary_classification)",
    ],
    ['bad cv', [{ key: 'a', csv: 'weather.csv', target: 't', type: 'regression', cv: 'x' }], "'cv' must be an integer"],
    ['unknown field', [{ key: 'a', csv: 'weather.csv', target: 't', type: 'regression', tagret: 'x' }], "unknown field 'tagret'"],
    ['unsafe key', [{ key: '../x', csv: 'weather.csv', target: 't', type: 'regression' }], "key '../x' must be letters"],
    ['not an object', [42], 'entry 1: expected an object'],
    [
      'duplicate key',
      [
        { key: 'a', csv: 'weather.csv', target: 't', type: 'regression' },
        { key: 'a', csv: 'weather.csv', target: 't', type: 'regression' },
      ],
      "line 1, entry 2: duplicate key 'a' (first used at line 1, entry 1)",
    ],
  ])('should name the entry and the problem in JSON: %s', (_, jobs, message) => {
    expect(issuesOf(JSON.stringify(jobs), 'json').join('\n')).toContain(message);
  });

  it('should give the line and column of invalid JSON', () => {
    const issues = issuesOf('[\n  { "key": "a",\n    "csv": "weather.csv" ,, }\n]', 'json');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^invalid JSON at line 3 column \d+: /);
  });

  it('should refuse JSON that is not a list of jobs, and an empty one', () => {
    expect(issuesOf('{"job": []}', 'json')).toEqual(['expected an array of jobs or an object { "jobs": [...] }']);
    expect(issuesOf('[]', 'json')).toEqual(['no jobs']);
  });

  it('should name the CSV line of each problem, all at once', () => {
    const issues = issuesOf(
      'key,csv,target,type\n' +
        'a,weather.csv,weather,multi_classification\n' +
        'b,weather.csv,,regression\n' +
        'a,weather.csv,x,regression\n' +
        'c,missing.csv,x,magic\n',
      'csv',
    );
    expect(issues).toEqual([
      "line 3 (key 'b'): missing 'target' (the column to predict)",
      "line 4: duplicate key 'a' (first used at line 2)",
      "line 5 (key 'c'): csv file not found: missing.csv (looked for " + path.join(dir, 'missing.csv') + ')',
      "line 5 (key 'c'): unknown task type 'magic' (expected one of binary_classification, multi_classification, regression)",
    ]);
  });

  it('should refuse unknown CSV columns and rows with too many cells', () => {
    expect(issuesOf('key,csv,tagret,type\n', 'csv')[0]).toBe("line 1: unknown column 'tagret' (known: key, csv, target, type, positive, cv, name, eval)");
    expect(issuesOf('key,csv,target,type\na,weather.csv,w,regression,extra\n', 'csv')).toContain('line 2: 5 cells, but the header has 4 columns');
  });

  it('should name the line each JSON job starts on, in an array or a { jobs } object', () => {
    const jobs = [
      { key: 'a', csv: 'weather.csv', type: 'regression' },
      { key: 'b', csv: 'weather.csv', target: 't', type: 'clustering' },
    ];
    const pretty = JSON.stringify({ note: ['[', { x: ']' }], jobs }, null, 2);
    const issues = (() => {
      try {
        parseManifest(pretty, 'json', dir);
        return [];
      } catch (err) {
        return (err as ManifestError).issues;
      }
    })();
    const lineOf = (key: string) => pretty.split('\n').findIndex((l) => l.includes(`"key": "${key}"`));
    expect(issues).toEqual([
      `line ${lineOf('a')}, entry 1 (key 'a'): missing 'target' (the column to predict)`,
      expect.stringMatching(new RegExp(`^line ${lineOf('b')}, entry 2 \\(key 'b'\\): unknown task type 'clustering'`)),
    ]);
  });

  it('should say when the manifest file does not exist', async () => {
    await expect(readManifest(path.join(dir, 'none.json'))).rejects.toThrow(/none\.json: manifest file not found/);
  });

  describe('p1rx batch usage errors', () => {
    const conn = ['--base-url', 'http://127.0.0.1:9', '--api-key', API_KEY];

    it('should exit 2 and print every manifest problem', async () => {
      const file = path.join(dir, 'm.json');
      await writeFile(
        file,
        JSON.stringify([
          { key: 'a', csv: 'weather.csv', type: 'regression' },
          { key: 'b', csv: 'x.csv', target: 't', type: 'regression' },
        ]),
      );
      const { code, io } = await runCli(['batch', file, ...conn]);
      expect(code).toBe(2);
      expect(io.err()).toContain('2 problems');
      expect(io.err()).toContain("entry 1 (key 'a'): missing 'target'");
      expect(io.err()).toContain("entry 2 (key 'b'): csv file not found: x.csv");
      expect(io.out()).toBe('');
    });

    it('should exit 2 for a missing manifest file', async () => {
      const { code, io } = await runCli(['batch', path.join(dir, 'nope.csv'), ...conn]);
      expect(code).toBe(2);
      expect(io.err()).toContain('manifest file not found');
    });

    it.each([
      [['--concurrency', '0'], "--concurrency must be an integer >= 1, got '0'"],
      [['--concurrency', 'many'], "--concurrency must be an integer >= 1, got 'many'"],
      [['--poll-interval', '-5'], '--poll-interval must be an integer >= 1'],
      [['--resume', '--fresh'], '--resume and --fresh cannot be used together'],
      [['--no-such-flag'], "unknown option '--no-such-flag'"],
    ])('should exit 2 for bad options %j', async (flags, message) => {
      const file = path.join(dir, 'm.json');
      await writeFile(file, JSON.stringify([{ key: 'a', csv: 'weather.csv', target: 'weather', type: 'multi_classification' }]));
      const { code, io } = await runCli(['batch', file, ...conn, ...flags]);
      expect(io.err()).toContain(message);
      expect(code).toBe(2);
    });

    it('should exit 2 without credentials', async () => {
      const file = path.join(dir, 'm.json');
      await writeFile(file, JSON.stringify([{ key: 'a', csv: 'weather.csv', target: 'weather', type: 'multi_classification' }]));
      const saved = { api: process.env.P1RX_API_KEY, secret: process.env.P1RX_SECRET_KEY };
      delete process.env.P1RX_API_KEY;
      delete process.env.P1RX_SECRET_KEY;
      try {
        const { code, io } = await runCli(['batch', file, '--base-url', 'http://127.0.0.1:9']);
        expect(code).toBe(2);
        expect(io.err()).toContain('give --api-key or --secret-key');
      } finally {
        if (saved.api !== undefined) process.env.P1RX_API_KEY = saved.api;
        if (saved.secret !== undefined) process.env.P1RX_SECRET_KEY = saved.secret;
      }
    });

    it('should exit 2 when the manifest argument is missing', async () => {
      const { code, io } = await runCli(['batch']);
      expect(code).toBe(2);
      expect(io.err()).toContain("missing required argument 'manifest'");
    });
  });
});
