/** Specs: p1rx with Japanese CSVs in UTF-8, UTF-8 with a BOM and Shift_JIS. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerBatch } from '../../lib/cli/batchCommand';
import { registerDeploy } from '../../lib/cli/deployCommand';
import { registerPredict } from '../../lib/cli/predictCommand';
import { registerTrain } from '../../lib/cli/trainCommand';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { lastValueFrom, toArray } from 'rxjs';
import { trainModel, type TrainingConfig } from '../../lib';
import { models$ } from '../../lib/deploy';
import { fakeIo, workDir, type FakeIo } from './cliHarness';
import { p1rxScript } from '../helpers/childBundles';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'japanese');
const VENDOR_COLUMNS = ['プレミアムサービス(予測対象)', '入会時期', '年齢', '性別', '顧客ランク', '過去購入額', 'クーポン利用回数', 'メアド登録'];
/** The column types the vendor's own column-info example gives these columns. */
const VENDOR_TYPES = ['string', 'date', 'float', 'string', 'string', 'float', 'float', 'string'];
const TARGET = 'プレミアムサービス(予測対象)';

/** Runs `p1rx <argv>` in-process with train, batch, deploy and predict; resolves with the exit code. */
async function p1rx(argv: readonly string[], io: FakeIo = fakeIo()): Promise<{ code: number; io: FakeIo }> {
  const program = new Command('p1rx').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerTrain(program, io);
  registerBatch(program, io);
  registerDeploy(program, io);
  registerPredict(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { code: 0, io };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode, io };
    const issues = (err as { issues?: readonly string[] }).issues ?? [];
    io.stderr.write(`p1rx: ${(err as Error).name}: ${(err as Error).message}\n${issues.map((i) => `  - ${i}\n`).join('')}`);
    return { code: 1, io };
  }
}

describe('p1rx with Japanese CSVs: UTF-8, UTF-8 with BOM and Shift_JIS, CRLF (issue 20 item 4)', () => {
  const { emulator, client } = useEmulator();
  let dir: string;
  let cleanup: () => Promise<void>;
  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY];
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir(5));
    for (const file of ['premium.utf8.csv', 'premium.utf8bom.csv', 'premium.sjis.csv']) await copyFile(path.join(FIXTURES, file), path.join(dir, file));
  });
  afterEach(() => cleanup());

  it.each(['premium.sjis.csv', 'premium.utf8bom.csv', 'premium.utf8.csv'])(
    'train: should train on %s with the right column names, sending cv as "2"',
    async (file) => {
      const { code, io } = await p1rx([
        'train',
        path.join(dir, file),
        '-t',
        TARGET,
        '--type',
        'binary_classification',
        '--positive',
        '購入あり',
        '--cv',
        '2',
        '--json',
        '-o',
        path.join(dir, 'out'),
        ...conn(),
      ]);
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      const events = io.events();
      const uploaded = events.find((e) => e.type === 'uploaded') as { externalProcessId: string; columns: { name: string; type: string }[] };
      expect(uploaded.columns).toEqual(VENDOR_COLUMNS.map((name, i) => ({ name, type: VENDOR_TYPES[i] })));
      expect(events.find((e) => e.type === 'queued')).toMatchObject({ config: { tc: TARGET, tt: 'binary_classification', tv: '購入あり', cv: '2' } });
      // The service read the same names from the data and from the column-info file.
      const res = await fetch(`${emulator().url}/v1/external/data-sets/column-info?external_process_id=${uploaded.externalProcessId}`, {
        headers: { 'x-api-key': API_KEY },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { raw_column_names: string[] }).raw_column_names).toEqual(VENDOR_COLUMNS);
      expect(events[events.length - 1]).toMatchObject({ type: 'completed' });
    },
  );

  it('train: should train a Shift_JIS file with the right names through the real p1rx process', async () => {
    const root = path.resolve(__dirname, '../..');
    // `node <bundled lib/cli/main.ts>`: the p1rx entry as installed, its argv and exit code included.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        p1rxScript(),
        'train',
        path.join(dir, 'premium.sjis.csv'),
        '-t',
        TARGET,
        '--type',
        'binary_classification',
        '--positive',
        '購入あり',
        '--cv',
        '2',
        '--json',
        '-o',
        path.join(dir, 'out'),
      ],
      {
        cwd: root,
        env: { ...process.env, P1RX_BASE_URL: emulator().url, P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '' },
      },
    );
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; columns?: { name: string }[]; config?: unknown });
    expect(events.find((e) => e.type === 'uploaded')?.columns?.map((c) => c.name)).toEqual(VENDOR_COLUMNS);
    expect(events.find((e) => e.type === 'queued')?.config).toMatchObject({ tc: TARGET, cv: '2' });
    expect(events[events.length - 1].type).toBe('completed');
  });

  it('train: should take --encoding over detection, and refuse an encoding it does not know', async () => {
    const sjis = path.join(dir, 'premium.sjis.csv');
    const args = ['-t', TARGET, '--type', 'binary_classification', '--positive', '購入あり', '-o', path.join(dir, 'out'), ...conn()];
    emulator().clearLog();
    const forced = await p1rx(['train', sjis, '--encoding', 'utf-8', ...args]);
    expect(forced.code).not.toBe(0);
    expect(forced.io.err()).toMatch(/nothing was uploaded: fix these first/);
    expect(forced.io.err()).toMatch(/premium\.sjis\.csv: it does not read as UTF-8 or Shift_JIS text/);
    const unknown = await p1rx(['train', sjis, '--encoding', 'euc-jp', ...args]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.io.err()).toMatch(/--encoding must be utf-8 or shift_jis \(cp932\), got 'euc-jp'/);
    expect(emulator().requests).toEqual([]);
    const cp932 = await p1rx(['train', sjis, '--encoding', 'cp932', '--json', ...args]);
    expect(cp932.code).toBe(0);
  });

  it('batch: should read a Shift_JIS CSV manifest naming a Japanese target, and train its Shift_JIS data', async () => {
    // Excel's "CSV" on a Japanese Windows writes Shift_JIS (jobs.sjis.csv is jobs.utf8.csv through iconv).
    const sjisManifest = path.join(dir, 'jobs.csv');
    await copyFile(path.join(FIXTURES, 'jobs.sjis.csv'), sjisManifest);
    const { code, io } = await p1rx(['batch', sjisManifest, '-o', path.join(dir, 'out'), '--json', '--poll-interval', '10', ...conn()]);
    expect(io.err()).toMatch(/sjis\s+succeeded/);
    expect(code).toBe(0);
    expect(
      io
        .events()
        .filter((e) => e.type === 'succeeded')
        .map((e) => e.key)
        .sort(),
    ).toEqual(['bom', 'sjis']);
  });

  it('predict: should read a Shift_JIS input file and pass its Japanese column through', async () => {
    const config: TrainingConfig = { tt: 'binary_classification', tc: TARGET, tv: '購入あり', cv: '2' };
    await trainModel(client(), { data: { train: new Uint8Array(readFileSync(path.join(FIXTURES, 'premium.sjis.csv'))) }, name: 'premium', config });
    const modelId = (await lastValueFrom(models$(client(), { pageSize: 100 }).pipe(toArray()))).at(-1)!.model_id;
    const deployed = await p1rx(['deploy', String(modelId), '--allow', '127.0.0.1/32', '::1/128', ...conn()]);
    expect(deployed.code).toBe(0);
    const classifierId = /classifier (\S+) running/.exec(deployed.io.out())![1];
    // The header and the first 4 rows, still in Shift_JIS (CRLF never occurs inside a Shift_JIS character).
    const bytes = await readFile(path.join(dir, 'premium.sjis.csv'));
    let end = 0;
    for (let lines = 0; lines < 5; lines++) end = bytes.indexOf('\r\n', end) + 2;
    await writeFile(path.join(dir, 'score.csv'), bytes.subarray(0, end));
    const { code, io } = await p1rx(['predict', classifierId, path.join(dir, 'score.csv'), '--pass-column', '顧客ランク', ...conn()]);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const rows = io.out().trim().split('\n');
    expect(rows[0]).toMatch(/^row,顧客ランク,prediction,probability_/);
    expect(rows.slice(1).map((r) => r.split(',')[1])).toEqual(['ブロンズ', 'シルバー', 'ゴールド', 'ブロンズ']);
  });
});
