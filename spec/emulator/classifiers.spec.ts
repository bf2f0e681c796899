/** Specs: the emulator's classifier and inference endpoints. */
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, createModel, rowsOf, seattle, upload } from './support';

const KEY = 'api-key';
const LOCAL = [{ source: '127.0.0.1/32', order: 'allow', priority: 1 }];

function infer(emulator: Emulator, url: string, key: string | undefined, body: unknown) {
  return call(emulator, key, url.replace(emulator.url, ''), { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function inputs(csv: string, flags: Record<string, unknown> = {}) {
  const base = { ar: false, ad: false, nc: false, ...flags };
  return {
    inputs: [
      { name: 'pr', type: 'csv', data: Buffer.from(csv).toString('base64') },
      ...Object.entries(base).map(([name, data]) => ({ name, type: typeof data === 'string' ? 'string' : 'boolean', data })),
    ],
  };
}

const decode = (body: Record<string, unknown>, name: string) =>
  Buffer.from(String((body.outputs as { name: string; data: string }[]).find((o) => o.name === name)?.data), 'base64').toString('utf8');

describe('classifier and inference endpoints', () => {
  let emulator: Emulator;
  const [header, ...lines] = seattle(160).trim().split('\n');
  const rows = [header, ...lines.slice(140, 145)].join('\n');

  async function create(rules: unknown = LOCAL, modelId = 1) {
    return call(emulator, KEY, '/v1/external/classifiers', { method: 'POST', body: JSON.stringify({ model_id: modelId, rules }) });
  }
  async function running(rules: unknown = LOCAL, modelId = 1): Promise<{ id: string; key: string; url: string }> {
    const { body } = await create(rules, modelId);
    await emulator.advanceClassifier(String(body.classifier_id), 'running');
    const list = await call(emulator, KEY, '/v1/external/classifiers');
    const c = (list.body.classifiers as Record<string, unknown>[]).find((x) => x.classifier_id === body.classifier_id)!;
    return { id: String(c.classifier_id), key: String(c.api_key), url: String(c.url) };
  }

  beforeAll(async () => {
    // These tests score several rows per request: beyond the vendor's one-row contract, so allowed explicitly.
    emulator = await startEmulator({ port: 0, manual: true, apiKeys: [KEY], allowMultiRowInference: true });
    const a = await upload(emulator, KEY, { learn: seattle(140) });
    await createModel(emulator, KEY, a.external_process_id, { tc: 'weather', tt: 'multi_classification', cv: 2 });
    await emulator.advance(a.external_process_id, 'finished');
    const b = await upload(emulator, KEY, { learn: seattle(140) });
    await createModel(emulator, KEY, b.external_process_id, { tc: 'temp_max', tt: 'regression', cv: 2 });
    await emulator.advance(b.external_process_id, 'finished');
    // A model whose training never finished.
    const c = await upload(emulator, KEY, { learn: seattle(140) });
    await createModel(emulator, KEY, c.external_process_id, { tc: 'weather', tt: 'multi_classification', cv: 2 });
  });
  afterAll(() => emulator.close());

  describe('management', () => {
    it('should create building classifiers and list them in the documented shape', async () => {
      const created = await create();
      expect(created).toMatchObject({ status: 200, body: { classifier_id: expect.any(String), api_key: expect.any(String), version: '1' } });
      const { body } = await call(emulator, KEY, '/v1/external/classifiers');
      const listed = (body.classifiers as Record<string, unknown>[]).find((c) => c.classifier_id === created.body.classifier_id);
      expect(listed).toEqual({
        classifier_id: created.body.classifier_id,
        model_id: 1,
        status: 'building',
        api_key: created.body.api_key,
        version: '1',
        url: null,
        active: true,
        is_editable: true,
        create_datetime: expect.any(String),
        update_datetime: expect.any(String),
        rules: LOCAL,
      });
    });

    it('should answer the documented errors on create', async () => {
      expect(await call(emulator, KEY, '/v1/external/classifiers', { method: 'POST', body: '{"rules":[]}' })).toMatchObject({
        status: 400,
        body: badRequest('Model id is required.'),
      });
      expect(await create(LOCAL, 99)).toMatchObject({ status: 400, body: badRequest('This model may be deleted.') });
      expect(await create([{ source: '1.2.3.4', order: 'allow', priority: 1 }])).toMatchObject({
        status: 400,
        body: badRequest(/Invalid rules: rules\[0\]\.source/),
      });
      expect(await create([{ source: '::/0', order: 'maybe', priority: 1.5 }])).toMatchObject({ status: 400, body: badRequest(/order.*priority/) });
      expect(await call(emulator, undefined, '/v1/external/classifiers')).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
    });

    it('should fail a classifier whose model has not finished training', async () => {
      const { body } = await create(LOCAL, 3);
      await emulator.advanceClassifier(String(body.classifier_id), 'running');
      expect(emulator.classifier(String(body.classifier_id))?.status).toBe('failed');
    });

    it('should patch rules, active and is_editable, and delete', async () => {
      const { body } = await create();
      const id = String(body.classifier_id);
      const rules = [{ source: '10.0.0.0/8', order: 'deny', priority: 5 }];
      const patched = await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: JSON.stringify({ rules, active: false }) });
      expect(patched).toMatchObject({ status: 200, body: { classifier: { classifier_id: id, rules, active: false } } });
      await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: JSON.stringify({ is_editable: false }) });
      const locked = await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: JSON.stringify({ active: true }) });
      expect(locked).toMatchObject({ status: 400, body: badRequest(/not editable/) });
      expect(await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: '{}' })).toMatchObject({ status: 400 });
      expect(await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: '{"active":"yes"}' })).toMatchObject({ status: 400 });
      expect(await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'DELETE' })).toMatchObject({ status: 200, body: {} });
      expect(await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'DELETE' })).toMatchObject({
        status: 400,
        body: badRequest('Not found classifier.'),
      });
      expect(await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: '{"active":true}' })).toMatchObject({
        status: 400,
        body: badRequest('Not found classifier.'),
      });
    });
  });

  describe('inference', () => {
    it('should score rows: row numbers, predictions and probabilities', async () => {
      const c = await running();
      expect(c.url).toBe(`${emulator.url}/inference/${c.id}`);
      const res = await infer(emulator, c.url, c.key, inputs(rows));
      expect(res).toMatchObject({ status: 200, body: { version: '1', outputs: [{ name: 'prediction_valid.csv', data: expect.any(String) }] } });
      const valid = rowsOf(decode(res.body, 'prediction_valid.csv'));
      expect(valid).toHaveLength(5);
      expect(Object.keys(valid[0])).toEqual(['row', 'prediction', 'probability_drizzle', 'probability_rain', 'probability_snow', 'probability_sun']);
      expect(valid.map((r) => r.row)).toEqual(['1', '2', '3', '4', '5']);
    });

    it('should honour ar, ad, nc, nr and pc', async () => {
      const c = await running();
      const res = await infer(emulator, c.url, c.key, inputs(rows, { ar: true, ad: true, nc: true, nr: true, pc: 'date' }));
      const valid = rowsOf(decode(res.body, 'prediction_valid.csv'));
      expect(Object.keys(valid[0])).toEqual([
        'date',
        'precipitation',
        'temp_max',
        'temp_min',
        'wind',
        'weather',
        'probability_drizzle',
        'probability_rain',
        'probability_snow',
        'probability_sun',
      ]);
      const analysis = rowsOf(decode(res.body, 'prediction_analysis.csv'));
      expect(Object.keys(analysis[0])).toEqual([
        'date',
        'contribution_date',
        'contribution_precipitation',
        'contribution_temp_max',
        'contribution_temp_min',
        'contribution_wind',
      ]);
    });

    it('should score a regression model', async () => {
      const c = await running(LOCAL, 2);
      const res = await infer(emulator, c.url, c.key, inputs(rows));
      const valid = rowsOf(decode(res.body, 'prediction_valid.csv'));
      expect(Object.keys(valid[0])).toEqual(['row', 'prediction']);
      expect(Number.isFinite(Number(valid[0].prediction))).toBe(true);
    });

    it('should answer 4001030101 for an unknown classifier', async () => {
      const res = await infer(emulator, `${emulator.url}/inference/nope`, 'k', inputs(rows));
      expect(res).toMatchObject({
        status: 400,
        body: { code: 4001030101, error: 'NOT_FOUND_CLASSIFIER', message: 'Not found classifier in classifiers table' },
      });
    });

    it('should answer 4031030201 for a wrong key and a denied source ip', async () => {
      const c = await running();
      expect(await infer(emulator, c.url, 'wrong', inputs(rows))).toMatchObject({
        status: 403,
        body: { code: 4031030201, error: 'ACCESS_DENIED', message: 'Invalid API key' },
      });
      const denied = await running([
        { source: '127.0.0.1/32', order: 'deny', priority: 1 },
        { source: '0.0.0.0/0', order: 'allow', priority: 2 },
      ]);
      expect(await infer(emulator, denied.url, denied.key, inputs(rows))).toMatchObject({
        status: 403,
        body: { code: 4031030201, message: 'Not allowed source ip' },
      });
      const elsewhere = await running([{ source: '10.0.0.0/8', order: 'allow', priority: 1 }]);
      expect(await infer(emulator, elsewhere.url, elsewhere.key, inputs(rows))).toMatchObject({ status: 403, body: { message: 'Not allowed source ip' } });
    });

    it('should answer 5031030101 while building and when stopped', async () => {
      const { body } = await create();
      const id = String(body.classifier_id);
      const url = `${emulator.url}/inference/${id}`;
      expect(await infer(emulator, url, String(body.api_key), inputs(rows))).toMatchObject({
        status: 503,
        body: { code: 5031030101, error: 'SERVICE_UNAVAILABLE_ERROR', message: 'status is not running (status: building)' },
      });
      await emulator.advanceClassifier(id, 'running');
      await call(emulator, KEY, `/v1/external/classifiers/${id}`, { method: 'PATCH', body: '{"active":false}' });
      expect(await infer(emulator, url, String(body.api_key), inputs(rows))).toMatchObject({
        status: 503,
        body: { message: 'status is not running (status: stopped)' },
      });
    });

    it.each<[string, unknown]>([
      ['a body that is not JSON', '{nope'],
      ['no inputs', { foo: 1 }],
      [
        'no pr',
        {
          inputs: [
            { name: 'ar', type: 'boolean', data: false },
            { name: 'ad', type: 'boolean', data: false },
            { name: 'nc', type: 'boolean', data: false },
          ],
        },
      ],
      ['a missing required flag', { inputs: inputs(rows).inputs.filter((i) => i.name !== 'nc') }],
      ['a flag that is not boolean', inputs(rows, { ar: 'yes' })],
      ['pr that is not base64', { inputs: [{ name: 'pr', type: 'csv', data: '$$$' }, ...inputs(rows).inputs.slice(1)] }],
      ['a CSV without rows', inputs(header)],
      ['pc naming no column', inputs(rows, { pc: 'nope' })],
    ])('should answer 4001030104 for %s', async (_, body) => {
      const c = await running();
      expect(await infer(emulator, c.url, c.key, body)).toMatchObject({
        status: 400,
        body: { code: 4001030104, error: 'BAD_REQUEST', message: 'Invalid request' },
      });
    });
  });
});
