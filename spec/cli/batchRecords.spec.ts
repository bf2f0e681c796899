/** The batch driver's durable records carry failures and stage times for the report. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint, type CheckpointRecord } from '../../lib/node';
import { collectReportData } from '../../lib/node/report';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { jsonManifest, runCli, workDir } from './cliHarness';

/** What `p1rx batch` adds to its checkpoint for `p1rx report`: each job's stage times, and its failure. */
describe('p1rx batch: stage times and failures in the checkpoint', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 200 });
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
    emulator().clearLog();
  });
  afterEach(() => cleanup());

  const conn = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--poll-interval', '20'];
  const lines = async (file: string): Promise<CheckpointRecord[]> =>
    (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CheckpointRecord);

  it("records each stage's time on the job's records, and the report draws them as separate segments", async () => {
    const out = path.join(dir, 'out');
    const { code } = await runCli(['batch', await jsonManifest(dir, 1), '--out', out, ...conn()]);
    expect(code).toBe(0);
    const cp = path.join(out, '.p1rx-checkpoint.jsonl');
    const record = (await loadCheckpoint(cp)).records.get('job1')!;
    expect(record.stage).toBe('downloaded');
    const t = record.times!;
    // In order, every one of them; the service's own finish time from its updated_datetime.
    const order = [t.uploadStart, t.uploadEnd, t.queued, t.trainingStart, t.trainingEnd, t.downloadStart, t.downloadEnd];
    expect(order.every((v) => typeof v === 'number')).toBe(true);
    expect([...order].sort((a, b) => a! - b!)).toEqual(order);
    expect(t.finishedAtService).toEqual(expect.any(Number));
    // Every record written carries the times known when it was written.
    expect((await lines(cp)).map((r) => Object.keys(r.times ?? {}).length)).toEqual([1, 2, 2, 3, 8]);

    const model = (await collectReportData(out)).models[0];
    expect(model.timeline.map((s) => s.stage)).toEqual(expect.arrayContaining(['upload', 'create', 'queue', 'training', 'download']));
    expect(model.durations).toMatchObject({
      upload: expect.any(Number),
      queue: expect.any(Number),
      training: expect.any(Number),
      download: expect.any(Number),
    });
  });

  it('records a failed training on its last record (no event log needed), and the report shows it with what to do', async () => {
    const out = path.join(dir, 'out');
    emulator().injectNext('POST /v1/external/models', 'failTraining');
    const { code } = await runCli(['batch', await jsonManifest(dir, 1), '--out', out, ...conn()]);
    expect(code).toBe(1);
    const record = (await loadCheckpoint(path.join(out, '.p1rx-checkpoint.jsonl'))).records.get('job1')!;
    expect(record).toMatchObject({ stage: 'training', failure: { name: 'TrainingFailedError', message: expect.stringContaining('failed') } });
    // Nothing to follow at the service: no hint recorded; the report says what to do by the type.
    expect(record.failure!.hint).toBeUndefined();
    const model = (await collectReportData(out)).models[0];
    expect(model).toMatchObject({ key: 'job1', status: 'failed', error: { name: 'TrainingFailedError', hint: expect.stringContaining('could not train') } });
  });

  it('records a failure after the training was accepted with the hint the CLI prints, no URL in it, and clears it on --resume', async () => {
    const out = path.join(dir, 'out');
    const manifest = await jsonManifest(dir, 1);
    emulator().failNext('GET /v1/external/models/results', 400);
    const first = await runCli(['batch', manifest, '--out', out, ...conn()]);
    expect(first.code).toBe(1);
    const cp = path.join(out, '.p1rx-checkpoint.jsonl');
    const record = (await loadCheckpoint(cp)).records.get('job1')!;
    const id = record.externalProcessId!;
    expect(record.stage).toBe('training');
    expect(record.failure).toMatchObject({ name: 'ApiError', message: expect.stringMatching(/^GET \[URL\] failed with HTTP 400/) });
    expect(record.failure!.hint).toBe(
      `training ${id} was accepted by the service and goes on there; follow it: p1rx status ${id} --watch; fetch it later: p1rx download ${id} --wait --out ${path.join(out, 'job1')}`,
    );
    // The same hint the batch printed.
    expect(first.io.err()).toContain(`p1rx download ${id} --wait --out ${path.join(out, 'job1')}`);
    const text = await readFile(cp, 'utf8');
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toContain(API_KEY);

    const report = (await collectReportData(out)).models[0];
    expect(report).toMatchObject({ status: 'failed', error: { name: record.failure!.name, hint: record.failure!.hint } });

    const creates = emulator().count('POST /v1/external/models');
    const uploads = emulator().count('GET /v1/external/data-sets/upload-url');
    const again = await runCli(['batch', manifest, '--out', out, '--resume', ...conn()]);
    expect(again.code).toBe(0);
    // The failure record kept the job's stage: the resume follows the training, nothing is sent twice.
    expect(emulator().count('POST /v1/external/models')).toBe(creates);
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(uploads);
    const done = (await loadCheckpoint(cp)).records.get('job1')!;
    expect(done.stage).toBe('downloaded');
    expect(done.failure).toBeUndefined();
    expect((await collectReportData(out)).models[0]).toMatchObject({ status: 'succeeded' });
  });
});
