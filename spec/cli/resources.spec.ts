/** Specs: the resource commands of p1rx. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerDataSets } from '../../lib/cli/dataSetsCommand';
import { registerDeleteModel } from '../../lib/cli/deleteModelCommand';
import { registerDeploy } from '../../lib/cli/deployCommand';
import { registerModels } from '../../lib/cli/modelsCommand';
import { registerPredict } from '../../lib/cli/predictCommand';
import { registerRetrain } from '../../lib/cli/retrainCommand';
import { API_KEY, SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { trainedModel } from '../helpers/models';

/** Runs `p1rx <argv>` in-process with the resource commands, capturing stdout and stderr. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  const program = new Command('p1rx').exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerModels(program, io);
  registerDataSets(program, io);
  registerDeleteModel(program, io);
  registerRetrain(program, io);
  registerDeploy(program, io);
  registerPredict(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code: 0, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode, out, err };
    return { code: 1, out, err: `${err}${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('p1rx models, datasets, delete-model, retrain, deploy, predict', () => {
  const { emulator, client } = useEmulator();
  let dir: string;
  let modelId: number;
  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '10'];
  const lines = seattleWeather(300).trim().split('\n');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-res-'));
    await writeFile(path.join(dir, 'new.csv'), [lines[0], ...lines.slice(121, 241)].join('\n') + '\n');
    await writeFile(path.join(dir, 'eval.csv'), [lines[0], ...lines.slice(241, 300)].join('\n') + '\n');
    await writeFile(path.join(dir, 'score.csv'), [lines[0], ...lines.slice(241, 253)].join('\n') + '\n');
    modelId = await trainedModel(client());
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('models: should print a table, and JSON lines with --json', async () => {
    const text = await cli(['models', ...conn()]);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')[0]).toMatch(/^id\s+name\s+type\s+target\s+version\s+updated$/);
    expect(text.out).toMatch(new RegExp(`^${modelId}\\s+model\\s+multi_classification\\s+weather\\s+1`, 'm'));
    const json = await cli(['models', '--json', ...conn()]);
    expect(JSON.parse(json.out.trim().split('\n')[0])).toMatchObject({ model_id: modelId, name: 'model' });
  });

  it('datasets: should print a table, and JSON without download URLs', async () => {
    expect((await cli(['datasets', ...conn()])).out).toMatch(/^id\s+name\s+rows\s+columns\s+bytes\s+created$/m);
    const json = await cli(['datasets', '--json', ...conn()]);
    expect(json.out).toContain('"data_set_id":1');
    expect(json.out).not.toContain('download_url');
    expect(json.out).not.toContain('X-Amz-Signature');
  });

  it('retrain: should follow the job, write the result, print before/after and switch', async () => {
    const out = path.join(dir, 'retrained');
    const res = await cli([
      'retrain',
      String(modelId),
      path.join(dir, 'new.csv'),
      '--eval',
      path.join(dir, 'eval.csv'),
      '--out',
      out,
      '--switch',
      '--base-url',
      emulator().url,
      '--secret-key',
      SECRET_KEY,
      '--poll-interval',
      '10',
    ]);
    expect(res).toMatchObject({ code: 0, err: '' });
    expect(res.out).toMatch(/uploaded new\.zip: retraining job \S+/);
    expect(res.out).toContain('status job_finished');
    expect(res.out).toContain('model switched to the retrained version');
    expect(res.out).toMatch(/^accuracy\s+\d\.\d{4}\s+\d\.\d{4}$/m);
    expect(existsSync(path.join(out, 'metrics.csv'))).toBe(true);
    expect((await readFile(path.join(out, 'metrics.csv'), 'utf8')).split('\n')[0]).toBe('metric,before,after');
    expect(res.out).not.toContain('X-Amz-Signature');
  });

  it('retrain: should say what is missing without a secret or retrain key', async () => {
    const res = await cli(['retrain', String(modelId), path.join(dir, 'new.csv'), ...conn()]);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/ValidationError: .*secretKey/);
  });

  let classifierId = '';
  it('deploy: should wait until running, print the URL and hide the key unless --show-key', async () => {
    const res = await cli(['deploy', String(modelId), '--allow', '127.0.0.1/32', '::1/128', ...conn()]);
    expect(res.code).toBe(0);
    const match = /classifier (\S+) running at (\S+)/.exec(res.out);
    expect(match).not.toBeNull();
    classifierId = match![1];
    expect(match![2]).toBe(`${emulator().url}/inference/${classifierId}`);
    expect(res.out).not.toMatch(/p1inf_/);
    const shown = await cli(['deploy', String(modelId), '--allow', '127.0.0.0/8', '--show-key', ...conn()]);
    expect(shown.out).toMatch(/^api key: p1inf_[0-9a-f]+$/m);
  });

  it('deploy: should refuse a missing --allow and a bad CIDR', async () => {
    expect((await cli(['deploy', String(modelId), ...conn()])).code).not.toBe(0);
    const bad = await cli(['deploy', String(modelId), '--allow', '10.0.0.0/40', ...conn()]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/ValidationError: Invalid classifier rules/);
  });

  it('predict: should send one row per request and write the predictions in input order to stdout or --out', async () => {
    emulator().clearLog();
    const res = await cli(['predict', classifierId, path.join(dir, 'score.csv'), '--concurrency', '3', '--pass-column', 'date', ...conn()]);
    expect(res.code).toBe(0);
    const rows = res.out.trim().split('\n');
    expect(rows[0]).toMatch(/^row,date,prediction,probability_/);
    expect(rows).toHaveLength(13);
    // Numbered across the file, though each request numbers its one row 1.
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(12);
    const multi = await cli(['predict', classifierId, path.join(dir, 'score.csv'), '--batch-size', '5', ...conn()]);
    expect(multi.code).not.toBe(0);
    expect(multi.err).toMatch(/InferenceError.*(4001030104|Invalid request)/);
    const file = path.join(dir, 'predictions.csv');
    const toFile = await cli(['predict', classifierId, path.join(dir, 'score.csv'), '--out', file, ...conn()]);
    expect(toFile.err).toContain('wrote 12 predictions');
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(13);
  });

  it('delete-model: should delete and then fail for the same id', async () => {
    expect(await cli(['delete-model', String(modelId), ...conn()])).toMatchObject({ code: 0, out: `deleted model ${modelId}\n` });
    const again = await cli(['delete-model', String(modelId), ...conn()]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/ApiError/);
  });
});
