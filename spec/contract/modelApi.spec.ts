/** Specs: the vendor's prediction and retraining examples, run against the emulator. */
/**
 * The Japanese prediction-API (model_api/) and retraining (re_train_api/) pages' Python and curl
 * examples, as written — only host, keys and ids change — against the emulator over HTTP.
 */
import { zipSync, strToU8 } from 'fflate';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { VENDOR_HOST, curl, premiumCsv, pythonRequests, scratchDir, shapeIssues, type Shape } from './support';

const SECRET = 'YOUR_SECRET_KEY-model-api';

const RULES: Shape = [{ source: 'str', order: 'str', priority: 'int' }];
const CLASSIFIER: Shape = {
  classifier_id: 'str',
  model_id: 'int',
  status: 'str',
  api_key: 'str',
  version: 'str',
  url: 'str|null',
  active: 'bool',
  is_editable: 'bool',
  create_datetime: 'str',
  update_datetime: 'str',
  rules: RULES,
};
const CREATED: Shape = { classifier_id: 'str', api_key: 'str', version: 'str' };
const INFERENCE: Shape = { version: 'str', outputs: [{ name: 'str', data: 'str' }] };
const RETRAIN_UPLOAD: Shape = { retrain_job_id: 'str', upload_url: 'str' };
const RETRAIN_STATUS: Shape = { status: 'str', '?model_id': 'int', '?message': 'str', '?download_url': 'str', metadata: { retrain_job_id: 'str' } };
const SWITCHED: Shape = { metadata: { retrain_job_id: 'str' } };

/** Trains the premium-service model through the API with a train key; returns its id. */
async function trainPremium(emulator: Emulator, requests: ReturnType<typeof pythonRequests>, trainKey: string): Promise<number> {
  const headers = { 'x-api-key': trainKey };
  const urls = (await requests.get(`${VENDOR_HOST}/v1/external/data-sets/upload-url`, { params: { extension: 'csv' }, headers })).json();
  await requests.put(String(urls.learn_data_set_upload_url), { data: Buffer.from(premiumCsv(160)) });
  const id = String(urls.external_process_id);
  const config = { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' };
  await requests.post(`${VENDOR_HOST}/v1/external/models`, {
    json: { external_process_id: id, name: 'MODEL_NAME', config },
    headers: { ...headers, 'content-type': 'application/json' },
  });
  await emulator.advance(id, 'finished');
  const models = (await requests.get(`${VENDOR_HOST}/v1/external/models`, { headers })).json().models as { model_id: number }[];
  return models[models.length - 1].model_id;
}

describe('contract: prediction-API and retraining pages, Python examples as written', () => {
  let emulator: Emulator;
  let requests: ReturnType<typeof pythonRequests>;
  let deployKey: string;
  let modelId: number;
  let classifier_id: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET] });
    requests = pythonRequests(emulator.url);
    const key = async (params: Record<string, string | number>) =>
      String((await requests.get(`${VENDOR_HOST}/v1/external/api-key`, { params, headers: { 'x-api-key': SECRET } })).json().api_key);
    modelId = await trainPremium(emulator, requests, await key({ credential_type: 'train' }));
    deployKey = await key({ credential_type: 'deploy' });
  });
  afterAll(() => emulator.close());

  it('Create Classifier: model_id = int(...), 0.0.0.0/0 allow, priority 0, with a deploy key', async () => {
    const api_url = 'https://developer-api.predictionone.sony.biz/v1/external/classifiers';
    const api_key = deployKey;
    const model_id = Number.parseInt(String(modelId), 10);
    const headers = { 'x-api-key': api_key, 'content-type': 'application/json' };
    const body = { model_id: model_id, rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }] };
    const response = await requests.post(api_url, { json: body, headers });
    const response_json = response.json();
    expect(shapeIssues(response_json, CREATED)).toEqual([]);
    classifier_id = String(response_json['classifier_id']);
    expect(emulator.expectOne('POST /v1/external/classifiers').keyType).toBe('deploy');
  });

  it('Get Classifier: the listing, in the documented shape', async () => {
    await emulator.advanceClassifier(classifier_id, 'running');
    const response = await requests.get('https://developer-api.predictionone.sony.biz/v1/external/classifiers', { headers: { 'x-api-key': deployKey } });
    const response_json = response.json();
    expect(shapeIssues(response_json, { classifiers: [CLASSIFIER] })).toEqual([]);
    expect((response_json.classifiers as { status: string }[])[0].status).toBe('running');
  });

  it('Update Classifier: PATCH rules, active True, is_editable True', async () => {
    const api_url = `https://developer-api.predictionone.sony.biz/v1/external/classifiers/${classifier_id}`;
    const headers = { 'x-api-key': deployKey, 'content-type': 'application/json' };
    const body = { rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }], active: true, is_editable: true };
    const response = await requests.patch(api_url, { json: body, headers });
    expect(shapeIssues(response.json(), { classifier: CLASSIFIER })).toEqual([]);
  });

  it('Inference: one request per line (header + that line), ar/ad/nc True, outputs printed as the example does', async () => {
    const listed = (await requests.get(`${VENDOR_HOST}/v1/external/classifiers`, { headers: { 'x-api-key': deployKey } })).json();
    const c = (listed.classifiers as { url: string; api_key: string }[])[0];
    const api_url = c.url;
    const api_key = c.api_key;
    const headers = { 'x-api-key': api_key, 'content-type': 'application/json; charset=utf-8' };
    // f.readlines(): each line keeps its newline; the example sends header + line.
    const lines = premiumCsv(5, 123)
      .split(/(?<=\n)/)
      .map((l) => Buffer.from(l, 'utf8'));
    const header = lines[0];
    const printed: string[] = [];
    for (const line of lines.slice(1)) {
      const prediction_data = Buffer.concat([header, line]).toString('base64');
      const body = {
        inputs: [
          { name: 'pr', type: 'csv', data: prediction_data },
          { name: 'ar', type: 'boolean', data: true },
          { name: 'ad', type: 'boolean', data: true },
          { name: 'nc', type: 'boolean', data: true },
        ],
      };
      const response = await requests.post(api_url, { headers, json: body });
      const response_json = response.json();
      expect('outputs' in response_json).toBe(true);
      expect(shapeIssues(response_json, INFERENCE)).toEqual([]);
      for (const output of response_json['outputs'] as { name: string; data: string }[]) {
        printed.push(output.name, Buffer.from(output.data, 'base64').toString('utf8'));
      }
    }
    expect(emulator.count('POST /inference/{classifier_id}')).toBe(5);
    expect(printed.filter((p) => p === 'prediction_valid.csv')).toHaveLength(5);
    expect(printed.filter((p) => p === 'prediction_analysis.csv')).toHaveLength(5);
    // nc: probabilities only; ad: the input columns are in the output.
    expect(printed[1]).toContain('probability_購入あり');
    expect(printed[1]).toContain('過去購入額');
  });

  it('Retraining: retrain key with model_id, Retrain Data Upload (CSV, then the train_src/eval_src zip), status until job_finished and its download, then Model Switch', async () => {
    const retrainKey = String(
      (
        await requests.get(`${VENDOR_HOST}/v1/external/api-key`, {
          params: { credential_type: 'retrain', model_id: modelId },
          headers: { 'x-api-key': SECRET },
        })
      ).json().api_key,
    );
    const api_url = 'https://developer-api.predictionone.sony.biz/v1/external/retrain_jobs/upload_url';
    const headers = { 'x-api-key': retrainKey };
    // 学習ファイルのみの場合
    let response = await requests.get(api_url, { params: { filename: 'retrain.csv' }, headers });
    let response_json = response.json();
    expect(shapeIssues(response_json, RETRAIN_UPLOAD)).toEqual([]);
    let res = await requests.put(String(response_json['upload_url']), { data: Buffer.from(premiumCsv(120, 11)) });
    expect(res.status_code).toBe(200);
    // 学習ファイルと評価ファイルを使用する場合: a zip with train_src/ and eval_src/.
    const zip = zipSync({ 'train_src/train_data.csv': strToU8(premiumCsv(120, 21)), 'eval_src/eval_data.csv': strToU8(premiumCsv(30, 22)) });
    response = await requests.get(api_url, { params: { filename: 'retrain.zip' }, headers });
    response_json = response.json();
    const retrain_job_id = String(response_json['retrain_job_id']);
    res = await requests.put(String(response_json['upload_url']), { data: zip });
    expect(res.status_code).toBe(200);

    // Retrain Status Check (the test moves the job instead of waiting).
    const status_url = `https://developer-api.predictionone.sony.biz/v1/external/retrain_jobs/${retrain_job_id}`;
    let status_json = (await requests.get(status_url, { headers })).json();
    expect(shapeIssues(status_json, RETRAIN_STATUS)).toEqual([]);
    await emulator.advanceRetrain(retrain_job_id, 'job_finished');
    status_json = (await requests.get(status_url, { headers })).json();
    expect(shapeIssues(status_json, RETRAIN_STATUS)).toEqual([]);
    expect(status_json['status']).toBe('job_finished');
    const download = await requests.get(String(status_json['download_url']));
    expect(download.status_code).toBe(200);
    expect(download.content.byteLength).toBeGreaterThan(0);

    // Retrain Model Switch.
    const switched = await requests.put(`https://developer-api.predictionone.sony.biz/v1/external/retrain_jobs/${retrain_job_id}/update_model`, { headers });
    expect(shapeIssues(switched.json(), SWITCHED)).toEqual([]);
    expect(emulator.requests.filter((r) => r.route.includes('retrain_jobs')).every((r) => r.keyType === 'retrain')).toBe(true);
  });

  it('Delete Classifier: response.json() works on the answer', async () => {
    const api_url = `https://developer-api.predictionone.sony.biz/v1/external/classifiers/${classifier_id}`;
    const response = await requests.delete(api_url, { headers: { 'x-api-key': deployKey } });
    expect(response.status_code).toBe(200);
    expect(() => response.json()).not.toThrow();
  });
});

describe('contract: prediction-API and retraining pages, curl examples run with curl', () => {
  let emulator: Emulator;
  const files = scratchDir();
  let deployKey: string;
  let retrainKey: string;
  let classifierId: string;
  let modelId: number;
  const run = (args: string[]) => curl(args, files.dir, emulator.url);
  const response = () => JSON.parse(files.read('response.json')) as Record<string, unknown>;

  beforeAll(async () => {
    // The curl examples send `--data-urlencode filename@param.txt`: curl makes that ONE parameter
    // named `filename` holding the file's text. Only a service that reads it as a parameter file
    // answers them, which the pages imply but never specify: the emulator's named allowCurlParamFile
    // leniency (C11 in docs/CONTRACT.md), off by default, on here so the examples run as written.
    emulator = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET], allowCurlParamFile: true });
    const requests = pythonRequests(emulator.url);
    const key = async (params: Record<string, string | number>) =>
      String((await requests.get(`${VENDOR_HOST}/v1/external/api-key`, { params, headers: { 'x-api-key': SECRET } })).json().api_key);
    modelId = await trainPremium(emulator, requests, await key({ credential_type: 'train' }));
    files.write('param.txt', 'credential_type=deploy');
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${SECRET}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/api-key`,
      '--data-urlencode',
      'filename@param.txt',
    ]);
    deployKey = String(response().api_key);
    files.write('param.txt', `credential_type=retrain\nmodel_id=${modelId}`);
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${SECRET}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/api-key`,
      '--data-urlencode',
      'filename@param.txt',
    ]);
    retrainKey = String(response().api_key);
  });
  afterAll(async () => {
    await emulator.close();
    files.remove();
  });

  it('Create Classifier: -d @body.txt, with the page\'s "application/jsonn" Content-Type', async () => {
    files.write('body.txt', JSON.stringify({ model_id: modelId, rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }] }));
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${deployKey}`,
      '-H',
      'Content-Type: application/jsonn',
      '-X',
      'POST',
      '-d',
      '@body.txt',
      `${VENDOR_HOST}/v1/external/classifiers`,
    ]);
    expect(shapeIssues(response(), CREATED)).toEqual([]);
    classifierId = String(response().classifier_id);
    await emulator.advanceClassifier(classifierId, 'running');
  });

  it('Get Classifier: GET /v1/external/classifiers/{classifier_id}', async () => {
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${deployKey}`,
      '-H',
      'Content-Type: application/jsonn',
      '-X',
      'GET',
      `${VENDOR_HOST}/v1/external/classifiers/${classifierId}`,
    ]);
    expect(shapeIssues(response(), { classifier: CLASSIFIER })).toEqual([]);
    expect((response().classifier as Record<string, unknown>).classifier_id).toBe(classifierId);
  });

  it('Update Classifier: -X PATCH -d @body.txt', async () => {
    files.write('body.txt', JSON.stringify({ rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }], active: true, is_editable: true }));
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${deployKey}`,
      '-H',
      'Content-Type: application/jsonn',
      '-X',
      'PATCH',
      '-d',
      '@body.txt',
      `${VENDOR_HOST}/v1/external/classifiers/${classifierId}`,
    ]);
    expect(shapeIssues(response(), { classifier: CLASSIFIER })).toEqual([]);
  });

  it('Inference: -d @body.txt to the classifier URL with "application/jsonn; charset=utf-8"', async () => {
    const { classifiers } = JSON.parse(await run(['-H', `x-api-key:${deployKey}`, `${VENDOR_HOST}/v1/external/classifiers`])) as {
      classifiers: { url: string; api_key: string }[];
    };
    const [header, first] = premiumCsv(1, 3).split('\n');
    files.write(
      'body.txt',
      JSON.stringify({
        inputs: [
          { name: 'pr', type: 'csv', data: Buffer.from(`${header}\n${first}\n`).toString('base64') },
          { name: 'ar', type: 'boolean', data: true },
          { name: 'ad', type: 'boolean', data: true },
          { name: 'nc', type: 'boolean', data: true },
          { name: 'nr', type: 'boolean', data: true },
          { name: 'pc', type: 'string', data: '年齢' },
        ],
      }),
    );
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${classifiers[0].api_key}`,
      '-H',
      'Content-Type: application/jsonn; charset=utf-8',
      '-X',
      'POST',
      '-d',
      '@body.txt',
      classifiers[0].url,
    ]);
    expect(shapeIssues(response(), INFERENCE)).toEqual([]);
  });

  it('Retraining: upload URL with filename@param.txt, PUT --upload-file, status, then the switch', async () => {
    files.write('param.txt', 'retrain.csv');
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${retrainKey}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/retrain_jobs/upload_url`,
      '--data-urlencode',
      'filename@param.txt',
    ]);
    expect(shapeIssues(response(), RETRAIN_UPLOAD)).toEqual([]);
    const id = String(response().retrain_job_id);
    files.write('retrain.csv', premiumCsv(100, 31));
    await run(['-X', 'PUT', '--upload-file', 'retrain.csv', String(response().upload_url)]);
    await emulator.advanceRetrain(id, 'job_finished');
    await run(['-o', 'response.json', '-H', `x-api-key:${retrainKey}`, '-X', 'GET', '-G', `${VENDOR_HOST}/v1/external/retrain_jobs/${id}`]);
    expect(shapeIssues(response(), RETRAIN_STATUS)).toEqual([]);
    expect(response().status).toBe('job_finished');
    const switched = await run(['-H', `x-api-key:${retrainKey}`, '-X', 'PUT', `${VENDOR_HOST}/v1/external/retrain_jobs/${id}/update_model`]);
    expect(shapeIssues(JSON.parse(switched), SWITCHED)).toEqual([]);
  });

  it('Delete Classifier: -X DELETE (the ex) line)', async () => {
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${deployKey}`,
      '-H',
      'Content-Type: application/jsonn',
      '-X',
      'DELETE',
      `${VENDOR_HOST}/v1/external/classifiers/${classifierId}`,
    ]);
    expect(emulator.requests.filter((r) => r.route === 'DELETE /v1/external/classifiers/{classifier_id}').map((r) => [r.status, r.keyType])).toEqual([
      [200, 'deploy'],
    ]);
  });
});
