/** Specs: p1rx messages name flags, not library options. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../lib/cli/main';
import { printable, table } from '../../lib/cli/format';
import { inUserWords, smallDataWarning, TRAIN_FLAG_WORDS } from '../../lib/cli/localChecks';
import { API_KEY, SECRET_KEY, useEmulator } from '../helpers/emulator';
import { workDir } from './cliHarness';

/**
 * The CLI's messages name what the user typed and say what to do (issue 23): flags instead of
 * the vendor's field codes, "did you mean" by edit distance, one manifest problem per line,
 * which credential failed, a base URL holding the API path, a CSV too small for its
 * cross-validation, and service strings escaped before they reach the terminal.
 */
describe('p1rx messages in the words of the command line', () => {
  const { emulator } = useEmulator();
  let dir: string;
  let cleanup: () => Promise<void>;
  let stderr: string;
  let spy: jest.SpyInstance;
  let outSpy: jest.SpyInstance;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir(60));
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i % 3 === 0 ? 'yes' : 'no'}`);
    await writeFile(path.join(dir, 'churn.csv'), ['id,visits,churned', ...rows].join('\n'));
    await writeFile(path.join(dir, 'small.csv'), 'id,visits,churned\n1,2,yes\n2,3,no\n3,4,yes\n');
    await writeFile(path.join(dir, 'key.txt'), `${SECRET_KEY}\n`);
    await writeFile(path.join(dir, 'wrong-key.txt'), 'not-the-secret-key\n');
    emulator().clearLog();
    stderr = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    outSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    spy.mockRestore();
    outSpy.mockRestore();
    await cleanup();
  });

  const train = (file: string, ...args: string[]) =>
    run(['train', path.join(dir, file), '--base-url', emulator().url, '--api-key', API_KEY, '-o', path.join(dir, 'out'), ...args]);

  it('should name --type, not tt, for an unknown task type', async () => {
    expect(await train('churn.csv', '-t', 'churned', '--type', 'binary')).toBe(2);
    expect(stderr).toContain('  - --type must be one of binary_classification, multi_classification, regression, got "binary"\n');
    expect(stderr).not.toMatch(/\btt\b/);
    expect(emulator().requests).toEqual([]);
  });

  it('should name --positive, not tv, when binary_classification lacks it', async () => {
    expect(await train('churn.csv', '-t', 'churned', '--type', 'binary_classification')).toBe(2);
    expect(stderr).toContain('  - --positive is required for binary_classification\n');
    expect(stderr).not.toMatch(/\btv\b/);
  });

  it('should suggest the nearest column by edit distance and name --target', async () => {
    expect(await train('churn.csv', '-t', 'churn', '--type', 'binary_classification', '--positive', 'yes')).toBe(2);
    expect(stderr).toMatch(
      /target column \(--target\) 'churn' is not in the header of the file .*churn\.csv \(did you mean 'churned'\? columns: 'id', 'visits', 'churned'\)/,
    );
  });

  it('should warn before the upload when the CSV is too small for the cross-validation', async () => {
    const code = await train('small.csv', '-t', 'churned', '--type', 'binary_classification', '--positive', 'yes', '--cv', '5');
    const warning = stderr.indexOf(
      'p1rx: warning: ' +
        path.join(dir, 'small.csv') +
        " has 3 data rows with a value in 'churned': too few for --cv 5 (5-fold cross-validation needs at least 10, two per fold and 10 in all); the training will likely fail at the service\n",
    );
    expect(warning).toBe(0);
    // The service (here the emulator) decides: the training was sent, and failed.
    expect(emulator().requests.length).toBeGreaterThan(0);
    expect(code).toBe(1);
  });

  it('should print each manifest problem on its own line with its line number', async () => {
    const manifest = path.join(dir, 'jobs.csv');
    await writeFile(
      manifest,
      'key,csv,target,type,cv\nk1,churn.csv,churned,binary_classification,5\nk2,nope.csv,b,regression,\nk3,churn.csv,churned,binary,\nk4,churn.csv,churned,multi_classification,x\n',
    );
    expect(await run(['batch', manifest, '--base-url', emulator().url, '--api-key', API_KEY, '--out', path.join(dir, 'out')])).toBe(2);
    expect(stderr).toBe(
      [
        'p1rx batch: ' + manifest + ': 4 problems (see p1rx batch --help)',
        "  - line 2 (key 'k1'): missing 'positive' (required for binary_classification)",
        `  - line 3 (key 'k2'): csv file not found: nope.csv (looked for ${path.join(dir, 'nope.csv')})`,
        "  - line 4 (key 'k3'): unknown task type 'binary' (expected one of binary_classification, multi_classification, regression)",
        "  - line 5 (key 'k4'): 'cv' must be an integer, got \"x\"",
        '',
      ].join('\n'),
    );
  });

  it('should say the secret key was refused and how to give another', async () => {
    expect(await run(['models', '--base-url', emulator().url, '--secret-key-file', path.join(dir, 'wrong-key.txt')])).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^p1rx: AuthError: GET http:\/\/127\.0\.0\.1:\d+\/v1\/external\/api-key\?\[REDACTED\] failed with HTTP 400: .*invalid_api_key/);
    expect(lines[1]).toBe(
      'p1rx: the secret key was refused (from --secret-key, --secret-key-file or P1RX_SECRET_KEY): check it in Prediction One, then give it by P1RX_SECRET_KEY or --secret-key-file <path>',
    );
    expect(stderr).not.toContain('not-the-secret-key');
  });

  it('should say an API key was refused and what to give instead', async () => {
    expect(await run(['models', '--base-url', emulator().url, '--api-key', 'wrong-api-key-0123456789'])).toBe(1);
    expect(stderr).toMatch(
      /\np1rx: the API key was refused \(from --api-key or P1RX_API_KEY\): it may have expired .* give the secret key instead \(P1RX_SECRET_KEY\)/,
    );
  });

  it("should escape a service's text quoted in an error (the service echoes an id holding terminal escapes)", async () => {
    expect(await run(['status', 'abc\u001b[2J\r\nforged line', '--base-url', emulator().url, '--api-key', API_KEY])).toBe(1);
    expect(stderr).toContain("Unknown external_process_id 'abc\\x1b[2J\\r\\nforged line'");
    expect(stderr).not.toContain('\u001b');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('should refuse a base URL that holds /v1/external before any request, naming the origin to give', async () => {
    expect(await run(['models', '--base-url', `${emulator().url}/v1/external`, '--secret-key-file', path.join(dir, 'key.txt')])).toBe(2);
    expect(stderr).toBe(
      `p1rx: --base-url ${emulator().url}/v1/external holds the API path /v1/external: give the service's origin only (${emulator().url}); p1rx adds /v1/external (see p1rx --help)\n`,
    );
    expect(emulator().requests).toEqual([]);
  });
});

describe('CLI words, unit', () => {
  it('should rewrite the wire codes of config and data issues as flags', () => {
    expect(inUserWords('tc (target column) is required', TRAIN_FLAG_WORDS)).toBe('--target is required');
    expect(inUserWords("positive value (tv) 'Yes' is not a value of 'rain'", TRAIN_FLAG_WORDS)).toBe(
      "positive value (--positive) 'Yes' is not a value of 'rain'",
    );
    expect(inUserWords('cv must be an integer: 0 (auto), -1, 1 or k >= 2', TRAIN_FLAG_WORDS)).toBe('--cv must be an integer: 0 (auto), -1, 1 or k >= 2');
    // Words that merely look like codes stay.
    expect(inUserWords('file a.csv: it holds binary data, not CSV text', TRAIN_FLAG_WORDS)).toBe('file a.csv: it holds binary data, not CSV text');
  });

  it('should not warn about data large enough, or a sample cut short', () => {
    const rows = (n: number) => ['a,y', ...Array.from({ length: n }, (_, i) => `${i},${i % 2 ? 'yes' : 'no'}`)].join('\n');
    const config = { tt: 'binary_classification', tc: 'y', tv: 'yes' } as const;
    expect(smallDataWarning(rows(10), true, config, 'f.csv', '--cv')).toBeUndefined();
    expect(smallDataWarning(rows(9), true, config, 'f.csv', '--cv')).toMatch(/^f\.csv has 9 data rows .* too few for the default --cv 0 \(5-fold/);
    expect(smallDataWarning(rows(12), true, { ...config, cv: 8 }, 'f.csv', '--cv')).toMatch(/too few for --cv 8 \(8-fold cross-validation needs at least 16/);
    expect(smallDataWarning(rows(3), false, config, 'f.csv', '--cv')).toBeUndefined();
  });

  it('should escape terminal controls, CR/LF and bidi overrides in service strings', () => {
    expect(printable('churn\u001b[2J\r\nfake\tx\u202e\u0085')).toBe('churn\\x1b[2J\\r\\nfake\\tx\\u202e\\x85');
    expect(printable('売上 model-1')).toBe('売上 model-1');
    const rendered = table(['id', 'name'], [['m1', 'evil\u001b]0;title\u0007\r\nm2  forged']]);
    const row = 'm1  evil\\x1b]0;title\\x07\\r\\nm2  forged';
    expect(rendered.split('\n')).toEqual(['id  name', `--  ${'-'.repeat(row.length - 4)}`, row]);
  });
});
