/** Specs: p1rx usage errors. */
import { run } from '../../lib/cli/main';
import { summaryTable } from '../../lib/cli/batchCommand';
import type { ManifestJob } from '../../lib/cli/manifest';
import type { JobOutcome } from '../../lib/cli/batchDisplay';

describe('p1rx usage errors', () => {
  let stderr: string;
  let stdout: string;
  let spies: jest.SpyInstance[];
  beforeEach(() => {
    stderr = '';
    stdout = '';
    spies = [
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
    ];
  });
  afterEach(() => spies.forEach((s) => s.mockRestore()));

  it.each([
    [['batch'], /^p1rx batch: missing required argument 'manifest' \(see p1rx batch --help\)\n$/],
    [
      ['batch', 'jobs.json', '--concurrency', 'many'],
      /^p1rx batch: option '-c, --concurrency <n>' argument 'many' is invalid\. --concurrency must be an integer >= 1, got 'many' \(see p1rx batch --help\)\n$/,
    ],
    [['train', 'x.csv', '--type', 'regression'], /^p1rx train: required option '-t, --target <column>' not specified \(see p1rx train --help\)\n$/],
    [['status', 'id', '--bogus'], /^p1rx status: unknown option '--bogus' \(see p1rx status --help\)\n$/],
    [['models', '--bogus'], /^p1rx models: unknown option '--bogus' \(see p1rx models --help\)\n$/],
    [['trian'], /^p1rx: unknown command 'trian' \(Did you mean train\?\) \(see p1rx --help\)\n$/],
  ])('p1rx %j: exit 2 with one line naming the help, not the help itself', async (argv, message) => {
    expect(await run(argv)).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('should still print the help, exit 0, when asked', async () => {
    const spy = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    try {
      expect(await run(['batch', '--help'])).toBe(0);
      expect(stdout).toContain('Usage: p1rx batch [options] <manifest>');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the batch summary', () => {
  it('should wrap a long error to fit the terminal width', () => {
    const long = `Create Model answered 400: ${'the column information file declares a type the values do not have, '.repeat(4)}end`;
    const jobs = [{ key: 'weather-2024-full' }, { key: 'b' }] as ManifestJob[];
    const outcomes = new Map<string, JobOutcome>([
      ['weather-2024-full', { outcome: 'failed', error: Object.assign(new Error(long), { name: 'ApiError' }), seconds: 12.5 }],
      ['b', { outcome: 'succeeded', resultDir: 'out/b', score: { name: 'accuracy', value: 0.9 }, seconds: 3 }],
    ]);
    const lines = summaryTable(jobs, outcomes, 72).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(72);
    expect(lines.length).toBeGreaterThan(5);
    // Nothing is lost: the wrapped column holds the whole message.
    const column = lines[0]!.indexOf('accuracy / r2 / error');
    const text = lines
      .slice(2)
      .map((l) =>
        l
          .slice(column)
          .replace(/\s+\d+\.\d$/, '')
          .trim(),
      )
      .join(' ');
    expect(text).toContain(`ApiError: ${long}`);
    expect(lines.find((l) => l.startsWith('weather-2024-full'))).toMatch(/^weather-2024-full\s+failed\s+ApiError: Create Model.*\s12\.5$/);
    expect(lines.find((l) => l.startsWith('b '))).toMatch(/^b\s+succeeded\s+accuracy 0\.9000\s+3\.0$/);
  });
});
