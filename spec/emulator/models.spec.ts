/** Specs: the emulator's Create Model, status, listing and deletion. */
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, createModel, pollUntilDone, upload } from './support';

const KEY = 'api-key';

/** 12 rows: numeric x, string c, date d, binary b (yes/no), multi m, numeric y, text t. */
const LEARN = ['x,c,d,b,m,y,t']
  .concat(
    Array.from({ length: 12 }, (_, i) =>
      [i, i % 3 === 0 ? 'red' : 'blue', `2024-01-${String(i + 1).padStart(2, '0')}`, i % 2 ? 'yes' : 'no', ['p', 'q', 'r'][i % 3], i * 1.5, 'free text'].join(
        ',',
      ),
    ),
  )
  .join('\n');

describe('Create Model, status, listing and deletion', () => {
  let emulator: Emulator;
  let id: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, manual: true, apiKeys: [KEY] });
    ({ external_process_id: id } = await upload(emulator, KEY, { learn: LEARN }));
  });
  afterAll(() => emulator.close());

  describe('config validation', () => {
    const ts = { tc: 'y', tt: 'regression', tsm: true, tsc: 'd', tsf: 1, tst: 2 };
    it.each<[string, Record<string, unknown>, RegExp]>([
      ['missing tc', { tt: 'regression' }, /config\.tc \(target column\) is required/],
      ['unknown tc', { tc: 'nope', tt: 'regression' }, /config\.tc: column 'nope' is not in the training data/],
      ['bad tt', { tc: 'y', tt: 'clustering' }, /config\.tt must be one of binary_classification, multi_classification, regression/],
      ['binary without tv', { tc: 'b', tt: 'binary_classification' }, /config\.tv \(positive value\) is required/],
      ['tv not a target value', { tc: 'b', tt: 'binary_classification', tv: 'maybe' }, /config\.tv: 'maybe' is not a value of column 'b'/],
      ['regression on strings', { tc: 'c', tt: 'regression' }, /regression needs a numeric target, but 'c' has type 'string'/],
      ['a single-valued target', { tc: 't', tt: 'multi_classification' }, /at least 2 distinct values in 't', found 1/],
      ['fractional cv', { tc: 'y', tt: 'regression', cv: 1.5 }, /config\.cv must be an integer/],
      ['cv below -1', { tc: 'y', tt: 'regression', cv: -2 }, /config\.cv must be an integer/],
      ['cv above the row count', { tc: 'y', tt: 'regression', cv: 13 }, /2 <= k <= 12 rows/],
      ['im with regression', { tc: 'y', tt: 'regression', im: true }, /config\.im .* classification only/],
      ['non-boolean im', { tc: 'b', tt: 'binary_classification', tv: 'yes', im: 'yes' }, /config\.im must be true or false/],
      ['tsm with classification', { tc: 'm', tt: 'multi_classification', tsm: true }, /tsm \(time-series mode\) is for regression only/],
      ['tsm without tsc', { ...ts, tsc: undefined }, /config\.tsc \(time column\) is required with tsm/],
      ['unknown tsc', { ...ts, tsc: 'when' }, /config\.tsc: column 'when' is not in the training data/],
      ['string tsc', { ...ts, tsc: 'c' }, /must be a date or numeric column/],
      ['missing tsf', { ...ts, tsf: undefined }, /config\.tsf \(forecast start\) must be an integer/],
      ['tsf below 1', { ...ts, tsf: 0 }, /config\.tsf must be >= 1/],
      ['tst below tsf', { ...ts, tsf: 3, tst: 2 }, /config\.tst must be >= tsf/],
      ['bad tsu', { ...ts, tsu: 'week' }, /config\.tsu must be one of year, month, day, hour, minute, eom/],
      ['unknown tss', { ...ts, tss: 'series' }, /config\.tss: column 'series'/],
      ['tsine not a list', { ...ts, tsine: 'x' }, /config\.tsine must be a list of column names/],
      ['unknown tsine column', { ...ts, tsine: ['x', 'zz'] }, /config\.tsine: column 'zz'/],
      ['config not an object', [] as unknown as Record<string, unknown>, /config must be a JSON object/],
    ])('should answer 400 for %s', async (_, config, message) => {
      const res = await createModel(emulator, KEY, id, config);
      expect(res).toMatchObject({ status: 400, body: badRequest(message) });
    });

    it('should answer 400 for an unknown external_process_id, missing learn data and bad JSON', async () => {
      expect(await createModel(emulator, KEY, 'nope', { tc: 'y', tt: 'regression' })).toMatchObject({
        status: 400,
        body: badRequest(/Unknown external_process_id/),
      });
      const { external_process_id: empty } = await upload(emulator, KEY, {});
      expect(await createModel(emulator, KEY, empty, { tc: 'y', tt: 'regression' })).toMatchObject({ status: 400, body: badRequest(/has not been uploaded/) });
      const bad = await call(emulator, KEY, '/v1/external/models', { method: 'POST', body: '{nope' });
      expect(bad).toMatchObject({ status: 400, body: badRequest('Request body is not valid JSON.') });
    });

    it('should not create a model when validation fails', () => {
      expect(emulator.job(id)).toBeUndefined();
    });
  });

  describe('manual status progression', () => {
    it('should move waiting -> running -> finished only on advance, training for real', async () => {
      const { external_process_id: job } = await upload(emulator, KEY, { learn: LEARN });
      expect(await createModel(emulator, KEY, job, { tc: 'b', tt: 'binary_classification', tv: 'yes', cv: 2 })).toEqual(
        expect.objectContaining({ status: 200, body: { external_process_id: job } }),
      );
      const status = async (): Promise<Record<string, unknown>> => (await call(emulator, KEY, `/v1/external/models/results?external_process_id=${job}`)).body;
      const waiting = await status();
      expect(waiting).toEqual({ status: 'waiting', created_datetime: expect.any(String), updated_datetime: expect.any(String) });
      await new Promise((r) => setTimeout(r, 30));
      expect((await status()).status).toBe('waiting');
      await emulator.advance(job, 'running');
      expect((await status()).status).toBe('running');
      await emulator.advance(job, 'finished');
      const finished = await status();
      expect(finished).toMatchObject({
        status: 'finished',
        result_url: expect.stringMatching(/\/storage\/result\/.+\/result\.zip\?.*X-Amz-Signature=[0-9a-f]{64}$/),
      });
      expect(Date.parse(String(finished.updated_datetime))).toBeGreaterThanOrEqual(Date.parse(String(finished.created_datetime)));
      expect(emulator.job(job)).toEqual({ status: 'finished', modelsCreated: 1 });
      const zip = await fetch(String(finished.result_url));
      expect(zip.status).toBe(200);
      expect(zip.headers.get('content-type')).toBe('application/zip');
      const wrong = await fetch(String(finished.result_url).replace(/Signature=[0-9a-f]+/, 'Signature=bad'));
      expect(wrong.status).toBe(403);
    });

    it('should report failed without result_url when advanced to failed', async () => {
      const { external_process_id: job } = await upload(emulator, KEY, { learn: LEARN });
      await createModel(emulator, KEY, job, { tc: 'y', tt: 'regression' });
      await emulator.advance(job, 'failed');
      const { body } = await call(emulator, KEY, `/v1/external/models/results?external_process_id=${job}`);
      expect(body.status).toBe('failed');
      expect(body).not.toHaveProperty('result_url');
    });

    it('should count every Create Model call of an upload', async () => {
      const { external_process_id: job } = await upload(emulator, KEY, { learn: LEARN });
      await createModel(emulator, KEY, job, { tc: 'y', tt: 'regression' });
      await createModel(emulator, KEY, job, { tc: 'y', tt: 'regression' });
      expect(emulator.job(job)).toEqual({ status: 'waiting', modelsCreated: 2 });
    });

    it('should reject advance for an upload without a model, and status for it', async () => {
      const { external_process_id: job } = await upload(emulator, KEY, { learn: LEARN });
      await expect(emulator.advance(job, 'running')).rejects.toThrow(/No job/);
      expect(await call(emulator, KEY, `/v1/external/models/results?external_process_id=${job}`)).toMatchObject({
        status: 400,
        body: badRequest(/No model has been created/),
      });
    });
  });

  describe('training that cannot run ends failed', () => {
    it.each<[string, string, Record<string, unknown>, string | undefined, RegExp]>([
      ['too few rows', 'x,y\n1,2\n2,3\n3,5\n', { tc: 'y', tt: 'regression' }, undefined, /at least 10/],
      [
        'a fold with one class',
        `x,b\n${Array.from({ length: 12 }, (_, i) => `${i},${i === 0 ? 'yes' : 'no'}`).join('\n')}\n`,
        { tc: 'b', tt: 'binary_classification', tv: 'yes', cv: 3 },
        undefined,
        /only one class \('no'\)/,
      ],
      [
        'all features ignored',
        LEARN,
        { tc: 'y', tt: 'regression' },
        'column_name,column_type\nx,ignore\nc,ignore\nd,ignore\nb,ignore\nm,ignore\nt,text\n',
        /No feature column/,
      ],
    ])('should fail with %s', async (_, learn, config, columnInfo, message) => {
      const { external_process_id: job } = await upload(emulator, KEY, { learn, columnInfo });
      expect((await createModel(emulator, KEY, job, config)).status).toBe(200);
      await emulator.advance(job, 'finished');
      const { body } = await call(emulator, KEY, `/v1/external/models/results?external_process_id=${job}`);
      expect(body).toMatchObject({ status: 'failed', message: expect.stringMatching(message) });
      expect(body).not.toHaveProperty('result_url');
    });
  });
});

describe('timed status progression', () => {
  it('should go waiting -> running -> finished on its own', async () => {
    const emulator = await startEmulator({ trainingDelayMs: 200, apiKeys: [KEY] });
    try {
      const { external_process_id: job } = await upload(emulator, KEY, { learn: LEARN });
      await createModel(emulator, KEY, job, { tc: 'y', tt: 'regression', cv: 2 });
      const { last, seen } = await pollUntilDone(emulator, KEY, job);
      expect(seen).toEqual(['waiting', 'running', 'finished']);
      expect(last.result_url).toEqual(expect.any(String));
    } finally {
      await emulator.close();
    }
  });

  it('should stop training and timers on close mid-job', async () => {
    const emulator = await startEmulator({ trainingDelayMs: 0, apiKeys: [KEY] });
    const { external_process_id: job } = await upload(emulator, KEY, { learn: LEARN });
    await createModel(emulator, KEY, job, { tc: 'y', tt: 'regression' });
    await emulator.close();
    expect(['waiting', 'running', 'failed', 'finished']).toContain(emulator.job(job)?.status);
  });
});

describe('listing, paging and deletion', () => {
  let emulator: Emulator;
  const ids: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ manual: true, apiKeys: [KEY] });
    for (let i = 0; i < 3; i++) {
      const { external_process_id } = await upload(emulator, KEY, { learn: LEARN });
      ids.push(external_process_id);
      await createModel(emulator, KEY, external_process_id, { tc: 'm', tt: 'multi_classification', im: true }, `model-${i}`);
    }
  });
  afterAll(() => emulator.close());

  it('should list models with the documented shape and default paging', async () => {
    const { status, body } = await call(emulator, KEY, '/v1/external/models');
    expect(status).toBe(200);
    expect(body.metadata).toEqual({ offset: 0, limit: 30, total: 3 });
    expect((body.models as unknown[])[0]).toEqual({
      model_id: 1,
      owner_user_id: expect.any(String),
      target_type: 'multi_classification',
      name: 'model-0',
      version: expect.any(String),
      config: { tc: 'm', tt: 'multi_classification', im: true },
      is_api_option: true,
      updated_date: expect.any(String),
      created_date: expect.any(String),
    });
  });

  it('should page models with offset and limit, and reject bad paging', async () => {
    const { body } = await call(emulator, KEY, '/v1/external/models?offset=1&limit=1');
    expect((body.models as { model_id: number }[]).map((m) => m.model_id)).toEqual([2]);
    expect(body.metadata).toEqual({ offset: 1, limit: 1, total: 3 });
    expect(await call(emulator, KEY, '/v1/external/models?limit=-1')).toMatchObject({ status: 400, body: badRequest(/'limit'/) });
  });

  it('should list data sets with a working signed download_url', async () => {
    const { body } = await call(emulator, KEY, '/v1/external/data-sets?limit=2');
    const sets = body.data_sets as Record<string, unknown>[];
    expect(body.metadata).toEqual({ offset: 0, limit: 2, total: 3 });
    expect(sets[0]).toEqual({
      data_set_id: 1,
      owner_user_id: expect.any(String),
      name: 'learn.csv',
      extension: 'csv',
      column_count: 7,
      data_count: 12,
      data_size: Buffer.byteLength(LEARN),
      download_url: expect.stringMatching(/X-Amz-Signature=[0-9a-f]{64}$/),
      updated_date: expect.any(String),
      created_date: expect.any(String),
    });
    expect(await (await fetch(String(sets[0].download_url))).text()).toBe(LEARN);
  });

  it('should delete a model, answering 200 empty, then 400 for it', async () => {
    const res = await fetch(`${emulator.url}/v1/external/models/2`, { method: 'DELETE', headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect((await call(emulator, KEY, '/v1/external/models')).body.metadata).toMatchObject({ total: 2 });
    expect(await call(emulator, KEY, '/v1/external/models/2', { method: 'DELETE' })).toMatchObject({ status: 400, body: badRequest(/Model 2 does not exist/) });
    expect(await call(emulator, KEY, '/v1/external/models/abc', { method: 'DELETE' })).toMatchObject({ status: 400 });
    expect(await call(emulator, 'nope', '/v1/external/models/1', { method: 'DELETE' })).toMatchObject({ status: 400, body: badRequest('invalid_api_key.') });
  });

  it('should issue a retrain key for an existing model only', async () => {
    const other = await startEmulator({ secretKeys: ['s'], apiKeys: [KEY], manual: true });
    try {
      const { external_process_id } = await upload(other, KEY, { learn: LEARN });
      await createModel(other, KEY, external_process_id, { tc: 'y', tt: 'regression' });
      expect((await call(other, 's', '/v1/external/api-key?credential_type=retrain&model_id=1')).status).toBe(200);
      await call(other, KEY, '/v1/external/models/1', { method: 'DELETE' });
      expect(await call(other, 's', '/v1/external/api-key?credential_type=retrain&model_id=1')).toMatchObject({
        status: 400,
        body: badRequest('This model may be deleted.'),
      });
    } finally {
      await other.close();
    }
  });

  it('should delete a data set, after which its upload answers 400', async () => {
    expect((await call(emulator, KEY, '/v1/external/data-sets/1', { method: 'DELETE' })).status).toBe(200);
    expect(await call(emulator, KEY, '/v1/external/data-sets/1', { method: 'DELETE' })).toMatchObject({
      status: 400,
      body: badRequest(/Data set 1 does not exist/),
    });
    expect(await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${ids[0]}`)).toMatchObject({
      status: 400,
      body: badRequest(/was deleted/),
    });
    expect((await call(emulator, KEY, '/v1/external/data-sets')).body.metadata).toMatchObject({ total: 2 });
  });
});
