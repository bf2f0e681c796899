/** Specs: the emulator's credential types. */
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, createModel, seattle, upload } from './support';

const SECRET = 'secret-k';

/** Get API Key with the secret key; returns the issued key. */
async function keyOf(emulator: Emulator, query: string): Promise<string> {
  const res = await call(emulator, SECRET, `/v1/external/api-key?${query}`);
  expect(res.status).toBe(200);
  return String(res.body.api_key);
}

describe('emulator credential types (Get API Key: train, deploy, retrain)', () => {
  let emulator: Emulator;
  let train: string;
  let deploy: string;
  let modelId: number;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET] });
    train = await keyOf(emulator, 'credential_type=train');
    deploy = await keyOf(emulator, 'credential_type=deploy');
    const up = await upload(emulator, train, { learn: seattle(60) });
    await createModel(emulator, train, up.external_process_id, { tc: 'weather', tt: 'multi_classification', cv: 2 });
    await emulator.advance(up.external_process_id, 'finished');
    const listed = await call(emulator, train, '/v1/external/models');
    modelId = Number((listed.body.models as { model_id: number }[])[0].model_id);
  });
  afterAll(() => emulator.close());

  it('should issue a deploy key that opens the classifier endpoints', async () => {
    const created = await call(emulator, deploy, '/v1/external/classifiers', {
      method: 'POST',
      body: JSON.stringify({ model_id: modelId, rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }] }),
    });
    expect(created.status).toBe(200);
    expect((await call(emulator, deploy, '/v1/external/classifiers')).status).toBe(200);
    const one = await call(emulator, deploy, `/v1/external/classifiers/${String(created.body.classifier_id)}`);
    expect(one).toMatchObject({ status: 200, body: { classifier: { classifier_id: created.body.classifier_id, model_id: modelId } } });
  });

  it.each([
    ['GET', '/v1/external/classifiers'],
    ['POST', '/v1/external/classifiers'],
    ['GET', '/v1/external/classifiers/x'],
    ['PATCH', '/v1/external/classifiers/x'],
    ['DELETE', '/v1/external/classifiers/x'],
  ])('should refuse a train key on %s %s with Not_found_credential.', async (method, path) => {
    const res = await call(emulator, train, path, { method, ...(method === 'POST' || method === 'PATCH' ? { body: '{}' } : {}) });
    expect(res).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
  });

  it.each([
    ['GET', '/v1/external/data-sets/upload-url?extension=csv'],
    ['GET', '/v1/external/data-sets/column-info?external_process_id=x'],
    ['POST', '/v1/external/models'],
    ['GET', '/v1/external/models/results?external_process_id=x'],
    ['GET', '/v1/external/models'],
    ['DELETE', '/v1/external/models/1'],
    ['GET', '/v1/external/data-sets'],
    ['DELETE', '/v1/external/data-sets/1'],
  ])('should refuse a deploy key on %s %s with Not_found_credential.', async (method, path) => {
    const res = await call(emulator, deploy, path, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(res).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
  });

  it('should refuse train and deploy keys on the retraining endpoints, and a retrain key elsewhere', async () => {
    for (const key of [train, deploy]) {
      const res = await call(emulator, key, '/v1/external/retrain_jobs/upload_url?filename=a.csv');
      expect(res).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    }
    const retrain = await keyOf(emulator, `credential_type=retrain&model_id=${modelId}`);
    expect((await call(emulator, retrain, '/v1/external/retrain_jobs/upload_url?filename=a.csv')).status).toBe(200);
    expect(await call(emulator, retrain, '/v1/external/classifiers')).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
  });

  it.each([['credential_type=admin'], ['credential_type='], ['']])('should answer the documented 400 to an unknown credential_type (%s)', async (query) => {
    const res = await call(emulator, SECRET, `/v1/external/api-key?${query}`);
    expect(res).toMatchObject({ status: 400, body: badRequest(/credential_type/) });
  });

  it('should record the key type of every request in the log, never the key', async () => {
    emulator.clearLog();
    await call(emulator, SECRET, '/v1/external/api-key?credential_type=deploy');
    await call(emulator, train, '/v1/external/models');
    await call(emulator, deploy, '/v1/external/classifiers');
    await call(emulator, 'nope', '/v1/external/models');
    expect(emulator.requests.map((r) => [r.route, r.keyType])).toEqual([
      ['GET /v1/external/api-key', 'secret'],
      ['GET /v1/external/models', 'train'],
      ['GET /v1/external/classifiers', 'deploy'],
      ['GET /v1/external/models', 'unknown'],
    ]);
    expect(JSON.stringify(emulator.requests)).not.toContain(train);
  });

  it('should enforce typed pre-registered keys (apiKeysByType) like issued ones', async () => {
    const typed = await startEmulator({ port: 0, apiKeysByType: { train: ['t'], deploy: ['d'] } });
    try {
      expect((await call(typed, 't', '/v1/external/models')).status).toBe(200);
      expect(await call(typed, 't', '/v1/external/classifiers')).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
      expect((await call(typed, 'd', '/v1/external/classifiers')).status).toBe(200);
      expect(await call(typed, 'd', '/v1/external/models')).toMatchObject({ status: 400, body: badRequest('Not_found_credential.') });
    } finally {
      await typed.close();
    }
  });

  describe('deleteUser control', () => {
    afterEach(() => emulator.restoreUser());

    it('should answer This user may be deleted. to the secret key and to every API key type', async () => {
      emulator.deleteUser();
      const deleted = badRequest('This user may be deleted.');
      expect(await call(emulator, SECRET, '/v1/external/api-key?credential_type=train')).toMatchObject({ status: 400, body: deleted });
      expect(await call(emulator, train, '/v1/external/models')).toMatchObject({ status: 400, body: deleted });
      expect(await call(emulator, deploy, '/v1/external/classifiers')).toMatchObject({ status: 400, body: deleted });
      // An unknown key is still just unknown.
      expect(await call(emulator, 'nope', '/v1/external/models')).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
      emulator.restoreUser();
      expect((await call(emulator, train, '/v1/external/models')).status).toBe(200);
    });
  });
});
