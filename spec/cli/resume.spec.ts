/** Specs: p1rx batch --resume. */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { filter, lastValueFrom, of } from 'rxjs';
import { train$, upload$, type TrainingEvent } from '../../lib';
import { loadCheckpoint } from '../../lib/node';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { jsonManifest, runCli, workDir } from './cliHarness';

/**
 * A crash at each stage boundary, simulated by building the checkpoint the crashed run would
 * have left (and the service state that goes with it), then `p1rx batch --resume`. Most files
 * here are format 1 (as earlier versions wrote them), so reading those is tested too; the
 * `uploading` cases are format 2. spec/cli/crash.spec.ts kills real processes.
 */
describe('p1rx batch --resume', () => {
  const { emulator, client } = useEmulator({ trainingDelayMs: 0 });
  let dir: string;
  let out: string;
  let cpFile: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    out = path.join(dir, 'out');
    cpFile = path.join(out, '.p1rx-checkpoint.jsonl');
    await mkdir(out, { recursive: true });
  });
  afterEach(() => cleanup());

  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '10'];
  const config = { tt: 'multi_classification', tc: 'weather', cv: 1 } as const;
  const uploadOnly = async (): Promise<string> => {
    const e = await lastValueFrom(
      of(seattleWeather(60)).pipe(
        upload$(client()),
        filter((x: TrainingEvent) => x.type === 'uploaded'),
      ),
    );
    return (e as { externalProcessId: string }).externalProcessId;
  };
  const uploadAndTrain = async (): Promise<string> => {
    const id = await uploadOnly();
    await lastValueFrom(of({ externalProcessId: id }).pipe(train$(client(), { name: 'job1', config })));
    return id;
  };
  const record = (key: string, stage: string, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ v: 1, key, stage, at: new Date().toISOString(), ...extra })}\n`;
  const resume = async () => {
    emulator().clearLog();
    const manifest = await jsonManifest(dir, 1);
    return runCli(['batch', manifest, '-o', out, '--resume', ...conn()]);
  };
  const count = (route: string) => emulator().count(route);

  it('after "uploaded": should not upload again, and train once', async () => {
    const id = await uploadOnly();
    await writeFile(cpFile, record('job1', 'uploaded', { externalProcessId: id }));
    const { code, io } = await resume();
    expect(code).toBe(0);
    expect(io.events().find((e) => e.type === 'start')).toMatchObject({ key: 'job1', resumeFrom: 'uploaded' });
    expect(count('GET /v1/external/data-sets/upload-url')).toBe(0);
    expect(emulator().job(id)?.modelsCreated).toBe(1);
    expect(existsSync(path.join(out, 'job1', 'metrics.csv'))).toBe(true);
    expect((await loadCheckpoint(cpFile)).records.get('job1')).toMatchObject({ stage: 'downloaded', externalProcessId: id });
  });

  it('after "training-requested" when Create Model never arrived: should ask first, then train once', async () => {
    const id = await uploadOnly();
    await writeFile(cpFile, record('job1', 'uploaded', { externalProcessId: id }) + record('job1', 'training-requested', { externalProcessId: id }));
    const { code } = await resume();
    expect(code).toBe(0);
    const routes = emulator().requests.map((r) => r.route);
    // The status call (answering "no model yet") comes before Create Model.
    expect(routes.indexOf('GET /v1/external/models/results')).toBeLessThan(routes.indexOf('POST /v1/external/models'));
    expect(count('GET /v1/external/data-sets/upload-url')).toBe(0);
    expect(emulator().job(id)?.modelsCreated).toBe(1);
  });

  it('after "training-requested" when Create Model did arrive: should not send it again', async () => {
    const id = await uploadAndTrain();
    await writeFile(cpFile, record('job1', 'training-requested', { externalProcessId: id }));
    const { code } = await resume();
    expect(code).toBe(0);
    expect(count('POST /v1/external/models')).toBe(0);
    expect(emulator().job(id)?.modelsCreated).toBe(1);
    expect(existsSync(path.join(out, 'job1', 'metrics.csv'))).toBe(true);
  });

  it('after "training-requested" when the status call fails otherwise: should fail the job rather than risk a second training', async () => {
    const id = await uploadAndTrain();
    await writeFile(cpFile, record('job1', 'training-requested', { externalProcessId: id }));
    emulator().failNext('GET /v1/external/models/results', 400, { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' });
    const { code, io } = await resume();
    expect(code).toBe(1);
    expect(io.events().find((e) => e.type === 'failed')).toMatchObject({ key: 'job1', error: { name: 'AuthError' } });
    expect(count('POST /v1/external/models')).toBe(0);
    expect((await loadCheckpoint(cpFile)).records.get('job1')?.stage).toBe('creating');
  });

  it('after "training-started": should only poll and download', async () => {
    const id = await uploadAndTrain();
    await writeFile(cpFile, record('job1', 'training-started', { externalProcessId: id }));
    const { code } = await resume();
    expect(code).toBe(0);
    expect(count('GET /v1/external/data-sets/upload-url')).toBe(0);
    expect(count('POST /v1/external/models')).toBe(0);
    expect(count('GET /storage/result')).toBe(1);
  });

  it('after "downloaded": should skip the job without a single request, and report it', async () => {
    const id = await uploadAndTrain();
    await mkdir(path.join(out, 'job1'));
    await writeFile(
      cpFile,
      record('job1', 'downloaded', { externalProcessId: id, resultDir: path.join(out, 'job1'), score: { name: 'accuracy', value: 0.75 } }),
    );
    const { code, io } = await resume();
    expect(code).toBe(0);
    expect(emulator().requests).toHaveLength(0);
    expect(io.events()).toContainEqual(expect.objectContaining({ type: 'skipped', key: 'job1', score: { name: 'accuracy', value: 0.75 } }));
    expect(io.events().at(-1)).toMatchObject({ type: 'summary', skipped: 1, succeeded: 0 });
    expect(io.err()).toMatch(/job1\s+skipped\s+accuracy 0\.7500/);
  });

  it('after "downloaded" whose folder was deleted: should download again, not train', async () => {
    const id = await uploadAndTrain();
    await writeFile(cpFile, record('job1', 'downloaded', { externalProcessId: id, resultDir: path.join(out, 'job1') }));
    const { code } = await resume();
    expect(code).toBe(0);
    expect(count('POST /v1/external/models')).toBe(0);
    expect(count('GET /storage/result')).toBe(1);
    expect(existsSync(path.join(out, 'job1', 'metrics.csv'))).toBe(true);
  });

  it('with a torn last line: should resume from the last complete record', async () => {
    const id = await uploadOnly();
    const torn = record('job1', 'training-requested', { externalProcessId: id }).slice(0, 25);
    await writeFile(cpFile, record('job1', 'uploaded', { externalProcessId: id }) + torn);
    const { code, io } = await resume();
    expect(code).toBe(0);
    expect(io.events().find((e) => e.type === 'start')).toMatchObject({ resumeFrom: 'uploaded' });
    expect(emulator().job(id)?.modelsCreated).toBe(1);
    expect((await loadCheckpoint(cpFile)).tornTail).toBe(false);
  });

  it('with no checkpoint yet: should run everything', async () => {
    const { code } = await resume();
    expect(code).toBe(0);
    expect(count('GET /v1/external/data-sets/upload-url')).toBe(1);
  });

  const record2 = (key: string, stage: string, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ v: 2, key, stage, polls: 0, at: new Date().toISOString(), ...extra })}\n`;

  it('after "uploading" when the service stored the upload: should ask Train Data Set Info and not upload again', async () => {
    const id = await uploadOnly();
    await writeFile(cpFile, record2('job1', 'uploading', { externalProcessId: id, uploadSessions: 1 }));
    const { code, io } = await resume();
    expect(code).toBe(0);
    expect(io.events().find((e) => e.type === 'start')).toMatchObject({ key: 'job1', resumeFrom: 'uploading' });
    expect(count('GET /v1/external/data-sets/column-info')).toBe(1);
    expect(count('GET /v1/external/data-sets/upload-url')).toBe(0);
    expect(count('PUT /storage/upload')).toBe(0);
    expect(emulator().job(id)?.modelsCreated).toBe(1);
    expect(existsSync(path.join(out, 'job1', 'metrics.csv'))).toBe(true);
  });

  it('after "uploading" when the upload never completed: should upload again in a new session', async () => {
    // An upload session whose training data never arrived (the crash came first).
    const res = await fetch(`${emulator().url}/v1/external/data-sets/upload-url?extension=csv`, { headers: { 'x-api-key': API_KEY } });
    const { external_process_id: id } = (await res.json()) as { external_process_id: string };
    await writeFile(cpFile, record2('job1', 'uploading', { externalProcessId: id, uploadSessions: 1 }));
    const { code } = await resume();
    expect(code).toBe(0);
    expect(count('GET /v1/external/data-sets/column-info')).toBe(1);
    expect(count('GET /v1/external/data-sets/upload-url')).toBe(1);
    const { records } = await loadCheckpoint(cpFile);
    expect(records.get('job1')).toMatchObject({ stage: 'downloaded', uploadSessions: 2 });
    expect(records.get('job1')?.externalProcessId).not.toBe(id);
    expect(emulator().job(id)?.modelsCreated ?? 0).toBe(0);
  });

  it('after "uploading" when Train Data Set Info fails otherwise: should fail the job and keep the record, uploading nothing', async () => {
    const id = await uploadOnly();
    await writeFile(cpFile, record2('job1', 'uploading', { externalProcessId: id }));
    emulator().failNext('GET /v1/external/data-sets/column-info', 400, { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' });
    const { code } = await resume();
    expect(code).toBe(1);
    expect(count('PUT /storage/upload')).toBe(0);
    expect((await loadCheckpoint(cpFile)).records.get('job1')?.stage).toBe('uploading');
  });
});
