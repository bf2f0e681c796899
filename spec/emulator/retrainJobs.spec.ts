/** Specs: the emulator's retraining endpoints. */
import { strToU8, zipSync } from 'fflate';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, createModel, downloadResult, pollUntilDone, rowsOf, seattle, upload } from './support';

const KEY = 'api-key';
const SECRET = 'secret';

describe('retraining endpoints', () => {
  let emulator: Emulator;
  let modelId: number;
  let retrainKey: string;
  const newData = [seattle(300).trim().split('\n')[0], ...seattle(300).trim().split('\n').slice(141)].join('\n') + '\n';

  async function status(id: string, key = retrainKey) {
    return call(emulator, key, `/v1/external/retrain_jobs/${id}`);
  }
  async function open(filename: string, key = retrainKey) {
    return call(emulator, key, `/v1/external/retrain_jobs/upload_url?filename=${encodeURIComponent(filename)}`);
  }
  async function waitDone(id: string) {
    for (let i = 0; i < 500; i++) {
      const { body } = await status(id);
      if (body.status === 'job_finished' || body.status === 'failed') return body;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('retraining did not end');
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], secretKeys: [SECRET] });
    const { external_process_id: id } = await upload(emulator, KEY, { learn: seattle(140) });
    await createModel(emulator, KEY, id, { tc: 'weather', tt: 'multi_classification', cv: 2 });
    await pollUntilDone(emulator, KEY, id);
    modelId = 1;
    retrainKey = String((await call(emulator, SECRET, `/v1/external/api-key?credential_type=retrain&model_id=${modelId}`)).body.api_key);
  });
  afterAll(() => emulator.close());

  it('should require model_id for a retrain key', async () => {
    expect(await call(emulator, SECRET, '/v1/external/api-key?credential_type=retrain')).toMatchObject({
      status: 400,
      body: badRequest('Model id is required.'),
    });
  });

  it('should open a job and take a CSV, then finish with a comparison zip', async () => {
    const opened = await open('new.csv');
    expect(opened).toMatchObject({ status: 200, body: { retrain_job_id: expect.any(String), upload_url: expect.stringContaining('/storage/retrain/') } });
    const id = String(opened.body.retrain_job_id);
    expect((await status(id)).body).toEqual({ status: 'upload_waiting', model_id: modelId, metadata: { retrain_job_id: id } });
    const put = await fetch(String(opened.body.upload_url), { method: 'PUT', body: newData });
    expect(put.status).toBe(200);
    const done = await waitDone(id);
    expect(done).toEqual({
      status: 'job_finished',
      model_id: modelId,
      download_url: expect.stringContaining('/storage/result/'),
      metadata: { retrain_job_id: id },
    });
    const files = await downloadResult(String(done.download_url));
    expect(files['metrics.csv'].split('\n')[0]).toBe('metric,before,after');
    const accuracy = rowsOf(files['metrics.csv']).find((r) => r.metric === 'accuracy')!;
    expect(Number(accuracy.before)).toBeGreaterThan(0);
    expect(Number(accuracy.after)).toBeGreaterThan(0);
    expect(files['evaluation_raw_data.csv']).toBeDefined();

    expect(await fetch(String(opened.body.upload_url), { method: 'PUT', body: newData }).then((r) => r.status)).toBe(403);
    const switched = await call(emulator, retrainKey, `/v1/external/retrain_jobs/${id}/update_model`, { method: 'PUT' });
    expect(switched).toMatchObject({ status: 200, body: { metadata: { retrain_job_id: id } } });
    const models = await call(emulator, KEY, '/v1/external/models');
    expect((models.body.models as { version: string }[])[0].version).toBe('2');
  });

  it('should take a zip of train_src/ and eval_src/, and fail a zip without train_src/', async () => {
    const lines = newData.trim().split('\n');
    const zip = zipSync({ 'train_src/a.csv': strToU8(lines.slice(0, 100).join('\n')), 'eval_src/a.csv': strToU8([lines[0], ...lines.slice(100)].join('\n')) });
    const good = await open('a.zip');
    await fetch(String(good.body.upload_url), { method: 'PUT', body: zip });
    expect((await waitDone(String(good.body.retrain_job_id))).status).toBe('job_finished');

    const bad = await open('b.zip');
    await fetch(String(bad.body.upload_url), { method: 'PUT', body: zipSync({ 'other/a.csv': strToU8(newData) }) });
    expect(await waitDone(String(bad.body.retrain_job_id))).toMatchObject({ status: 'failed', message: expect.stringMatching(/train_src/) });
  });

  it('should fail the job with a message when the new data lacks the model columns', async () => {
    const opened = await open('x.csv');
    await fetch(String(opened.body.upload_url), { method: 'PUT', body: 'a,b\n1,2\n' });
    expect(await waitDone(String(opened.body.retrain_job_id))).toMatchObject({ status: 'failed', message: expect.any(String) });
  });

  it('should answer the documented errors', async () => {
    expect(await open('')).toMatchObject({ status: 400, body: badRequest(/filename/) });
    expect(await open('data.xlsx')).toMatchObject({ status: 400, body: badRequest(/\.csv or \.zip/) });
    expect(await open('a.csv', KEY)).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    expect(await open('a.csv', 'nope')).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
    expect(await open('a.csv', SECRET)).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    expect(await status('nope')).toMatchObject({ status: 400, body: badRequest('Not found retrain job.') });
    expect(await call(emulator, retrainKey, '/v1/external/models')).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    const waiting = await open('w.csv');
    const early = await call(emulator, retrainKey, `/v1/external/retrain_jobs/${String(waiting.body.retrain_job_id)}/update_model`, { method: 'PUT' });
    expect(early).toMatchObject({ status: 400, body: badRequest('Retrain job is not finished.') });
    const forged = String(waiting.body.upload_url).replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00');
    expect((await fetch(forged, { method: 'PUT', body: newData })).status).toBe(403);
  });

  it("should hide another model's jobs and answer for a deleted model", async () => {
    const { external_process_id: id } = await upload(emulator, KEY, { learn: seattle(140) });
    await createModel(emulator, KEY, id, { tc: 'weather', tt: 'multi_classification', cv: 2 });
    await pollUntilDone(emulator, KEY, id);
    const otherKey = String((await call(emulator, SECRET, '/v1/external/api-key?credential_type=retrain&model_id=2')).body.api_key);
    const mine = await open('m.csv');
    expect(await status(String(mine.body.retrain_job_id), otherKey)).toMatchObject({ status: 400, body: badRequest('Not found retrain job.') });
    const theirs = await open('t.csv', otherKey);
    await call(emulator, KEY, '/v1/external/models/2', { method: 'DELETE' });
    expect(await status(String(theirs.body.retrain_job_id), otherKey)).toMatchObject({ status: 400, body: badRequest('This model may be deleted.') });
    expect(await open('t2.csv', otherKey)).toMatchObject({ status: 400, body: badRequest('This model may be deleted.') });
  });
});
