/** Specs: the vendor's Train API examples, run against the emulator. */
/**
 * The Japanese Train API pages' Python and curl examples
 * (https://predictionone.sony.biz/cloud_manual/operating_instruction/train_api/), sent
 * as written — only the host, keys and ids change — to the emulator over HTTP, each response
 * checked against the page's documented shape.
 */
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { lastValueFrom, toArray } from 'rxjs';
import { createClient } from '../../lib';
import { models$ } from '../../lib/deploy';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { VENDOR_HOST, curl, premiumColumnInfo, premiumCsv, pythonRequests, scratchDir, shapeIssues, type Shape } from './support';

const SECRET = 'YOUR_SECRET_KEY-contract';

const API_KEY_SHAPE: Shape = { api_key: 'str', end_date: 'str' };
const UPLOAD_SHAPE: Shape = { learn_data_set_upload_url: 'str', eval_data_set_upload_url: 'str', column_info_upload_url: 'str', external_process_id: 'str' };
const COLUMN_INFO_SHAPE: Shape = {
  raw_column_names: ['str'],
  raw_training_data: [{ row_data: 'str' }],
  training_data_columns: [
    {
      column_id: 'int',
      name: 'str',
      initial_data_type: 'int',
      available_data_types: ['int'],
      unique_count: 'int',
      data_count: 'int',
      missing_count: 'int',
      cor_score: 'float|null',
      classify_value: [{ name: 'str', value: 'int' }],
      numerical_value: [{ max_value: 'float', min_value: 'float', avg_value: 'float', median_value: 'float' }],
      '?range_pick_info': 'any',
    },
  ],
  useless_column_list: ['str|null'],
  trainingdata_row_count: 'int',
};
const STATUS_SHAPE: Shape = { status: 'str', created_datetime: 'str', updated_datetime: 'str', '?result_url': 'str' };
const MODELS_SHAPE: Shape = {
  models: [
    {
      model_id: 'int',
      owner_user_id: 'str',
      target_type: 'str|null',
      name: 'str|null',
      version: 'str|null',
      config: 'any',
      is_api_option: 'bool',
      updated_date: 'str',
      created_date: 'str',
    },
  ],
  metadata: { offset: 'int', limit: 'int', total: 'int' },
};
const DATA_SETS_SHAPE: Shape = {
  data_sets: [
    {
      data_set_id: 'int',
      owner_user_id: 'str',
      name: 'str|null',
      extension: 'str',
      column_count: 'int',
      data_count: 'int',
      data_size: 'int',
      download_url: 'str',
      updated_date: 'str',
      created_date: 'str',
    },
  ],
  metadata: { offset: 'int', limit: 'int', total: 'int' },
};

describe('contract: Train API pages, Python examples as written', () => {
  let emulator: Emulator;
  let requests: ReturnType<typeof pythonRequests>;
  let api_key: string;
  let external_process_id: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET] });
    requests = pythonRequests(emulator.url);
  });
  afterAll(() => emulator.close());

  it('Get API Key: train, deploy and (with model_id) retrain keys', async () => {
    const api_url = 'https://developer-api.predictionone.sony.biz/v1/external/api-key';
    const secret_key = SECRET;
    const headers = { 'x-api-key': secret_key };
    for (const params of [{ credential_type: 'train' }, { credential_type: 'deploy' }]) {
      const response = await requests.get(api_url, { params, headers });
      const response_json = response.json();
      expect(shapeIssues(response_json, API_KEY_SHAPE)).toEqual([]);
    }
    const response = await requests.get(api_url, { params: { credential_type: 'train' }, headers });
    api_key = String(response.json()['api_key']);
    expect(emulator.requests.map((r) => r.keyType)).toEqual(['secret', 'secret', 'secret']);
  });

  it('Train Data Upload: upload URLs, the learn data, the column information (utf-8-sig) and the evaluation data', async () => {
    const api_url = 'https://developer-api.predictionone.sony.biz/v1/external/data-sets/upload-url';
    const headers = { 'x-api-key': api_key };
    const params = { extension: 'csv' };
    const response = await requests.get(api_url, { params, headers });
    const response_json = response.json();
    expect(shapeIssues(response_json, UPLOAD_SHAPE)).toEqual([]);
    const train_data_set_upload_url = String(response_json['learn_data_set_upload_url']);
    const train_eval_data_set_upload_url = String(response_json['eval_data_set_upload_url']);
    const column_info_upload_url = String(response_json['column_info_upload_url']);
    external_process_id = String(response_json['external_process_id']);

    let res = await requests.put(train_data_set_upload_url, { data: Buffer.from(premiumCsv(160), 'utf8') });
    expect(res.status_code).toBe(200);
    res = await requests.put(column_info_upload_url, { data: premiumColumnInfo() });
    expect(res.status_code).toBe(200);
    const evalCsv = premiumCsv(40, 99);
    res = await requests.put(train_eval_data_set_upload_url, { data: Buffer.from(evalCsv, 'utf8') });
    expect(res.status_code).toBe(200);
  });

  it('Train Data Set Info: the documented column statistics', async () => {
    const api_url = 'https://developer-api.predictionone.sony.biz/v1/external/data-sets/column-info';
    const response = await requests.get(api_url, { params: { external_process_id }, headers: { 'x-api-key': api_key } });
    const response_json = response.json();
    expect(shapeIssues(response_json, COLUMN_INFO_SHAPE)).toEqual([]);
    expect(response_json.raw_column_names).toEqual([
      'プレミアムサービス(予測対象)',
      '入会時期',
      '年齢',
      '性別',
      '顧客ランク',
      '過去購入額',
      'クーポン利用回数',
      'メアド登録',
    ]);
  });

  it('Train: the body exactly as the page writes it, cv "2" included, carried through to a finished training and its result zip', async () => {
    const api_url = 'https://developer-api.predictionone.sony.biz/v1/external/models';
    const headers = { 'x-api-key': api_key, 'content-type': 'application/json' };
    const body = {
      external_process_id: external_process_id,
      name: 'MODEL_NAME',
      config: {
        tc: 'プレミアムサービス(予測対象)',
        tt: 'binary_classification',
        tv: '購入あり',
        cv: '2',
      },
    };
    const response = await requests.post(api_url, { json: body, headers });
    expect(response.status_code).toBe(200);
    const response_json = response.json();
    expect(response_json).toEqual({ external_process_id });

    // Train Status Check's loop; the emulator runs in manual mode, so the test moves the job
    // instead of sleeping 30 s between polls.
    const status_url = 'https://developer-api.predictionone.sony.biz/v1/external/models/results';
    const params = { external_process_id };
    let status_json: Record<string, unknown> = {};
    for (let polls = 0; polls < 3; polls++) {
      const status_response = await requests.get(status_url, { params, headers: { 'x-api-key': api_key } });
      status_json = status_response.json();
      expect(shapeIssues(status_json, STATUS_SHAPE)).toEqual([]);
      if (status_json['status'] === 'finished') break;
      await emulator.advance(external_process_id, 'finished');
    }
    expect(status_json.status).toBe('finished');
    const result_url = String(status_json['result_url']);
    // 結果ファイルのダウンロード: requests.get(result_url).content, then zipfile.ZipFile.
    const result_data = (await requests.get(result_url)).content;
    const zf = unzipSync(result_data);
    expect(Object.keys(zf)).toEqual(expect.arrayContaining(['metrics.csv', 'evaluation_raw_data.csv']));
    const metrics = strFromU8(zf['metrics.csv']);
    // Binary: tv 購入あり is the positive class; the uploaded evaluation data scored the model.
    expect(metrics).toMatch(/auc/i);
    const raw = strFromU8(zf['evaluation_raw_data.csv']);
    expect(raw).toContain('probability_購入あり');
  });

  it('Get Model: offset 0, limit 30', async () => {
    const response = await requests.get('https://developer-api.predictionone.sony.biz/v1/external/models', {
      params: { offset: 0, limit: 30 },
      headers: { 'x-api-key': api_key },
    });
    const response_json = response.json();
    expect(shapeIssues(response_json, MODELS_SHAPE)).toEqual([]);
    expect(response_json.metadata).toEqual({ offset: 0, limit: 30, total: 1 });
    // The client reads the model the example made (its config as sent: cv "2").
    const [model] = await lastValueFrom(models$(createClient({ baseUrl: emulator.url, apiKey: api_key })).pipe(toArray()));
    expect(model).toMatchObject({ name: 'MODEL_NAME', target_type: 'binary_classification' });
    expect(Number(model.config?.cv)).toBe(2);
  });

  it('Get Data Set: offset 0, limit 30', async () => {
    const response = await requests.get('https://developer-api.predictionone.sony.biz/v1/external/data-sets', {
      params: { offset: 0, limit: 30 },
      headers: { 'x-api-key': api_key },
    });
    expect(shapeIssues(response.json(), DATA_SETS_SHAPE)).toEqual([]);
  });

  it('Delete Model and Delete Data Set: f-string URL with the id, no body in the answer', async () => {
    const models = (await requests.get('https://developer-api.predictionone.sony.biz/v1/external/models', { headers: { 'x-api-key': api_key } })).json();
    const model_id = (models.models as { model_id: number }[])[0].model_id;
    let api_url = 'https://developer-api.predictionone.sony.biz/v1/external/models';
    api_url = `${api_url}/${model_id}`;
    let response = await requests.delete(api_url, { headers: { 'x-api-key': api_key } });
    expect(response.status_code).toBe(200);
    expect(response.text).toBe('');

    const sets = (await requests.get('https://developer-api.predictionone.sony.biz/v1/external/data-sets', { headers: { 'x-api-key': api_key } })).json();
    const data_set_Id = (sets.data_sets as { data_set_id: number }[])[0].data_set_id;
    api_url = `https://developer-api.predictionone.sony.biz/v1/external/data-sets/${data_set_Id}`;
    response = await requests.delete(api_url, { headers: { 'x-api-key': api_key } });
    expect(response.status_code).toBe(200);
    expect(emulator.requests.filter((r) => r.route.startsWith('DELETE')).map((r) => [r.route, r.keyType])).toEqual([
      ['DELETE /v1/external/models/{model_id}', 'train'],
      ['DELETE /v1/external/data-sets/{data_set_id}', 'train'],
    ]);
  });
});

/**
 * Each page shows a template line and an `ex)` line. Where they differ, the suite runs the one
 * curl runs as the page means it: Train's template adds `-G` to a POST (curl would move the body
 * into the query), so its `ex)` line; Train Data Set Info's, Train Status Check's, Get Model's and
 * Get Data Set's `ex)` lines drop the template's `-G` (curl would send the parameter file as a GET
 * body), so their template line, with the file's path filled in.
 */
describe('contract: Train API pages, curl examples run with curl', () => {
  let emulator: Emulator;
  const files = scratchDir();
  let apiKey: string;
  let processId: string;
  const run = (args: string[]) => curl(args, files.dir, emulator.url);
  const response = () => JSON.parse(files.read('response.json')) as Record<string, unknown>;

  beforeAll(async () => {
    // The curl examples send `--data-urlencode filename@param.txt`: curl makes that ONE parameter
    // named `filename` holding the file's text. Only a service that reads it as a parameter file
    // answers them, which the pages imply but never specify: the emulator's named allowCurlParamFile
    // leniency (C11 in docs/CONTRACT.md), off by default, on here so the examples run as written.
    emulator = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET], allowCurlParamFile: true });
  });
  afterAll(async () => {
    await emulator.close();
    files.remove();
  });

  it('Get API Key: --data-urlencode filename@param.txt', async () => {
    files.write('param.txt', 'credential_type=train');
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
    expect(shapeIssues(response(), API_KEY_SHAPE)).toEqual([]);
    apiKey = String(response().api_key);
  });

  it('Train Data Upload: upload URLs, then curl -X PUT --upload-file for each file', async () => {
    files.write('param.txt', 'extension=csv');
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/data-sets/upload-url`,
      '--data-urlencode',
      'filename@param.txt',
    ]);
    const urls = response();
    expect(shapeIssues(urls, UPLOAD_SHAPE)).toEqual([]);
    processId = String(urls.external_process_id);
    files.write('learn.csv', premiumCsv(120));
    files.write('eval.csv', premiumCsv(30, 5));
    files.write('column_info.csv', premiumColumnInfo());
    await run(['-X', 'PUT', '--upload-file', 'learn.csv', String(urls.learn_data_set_upload_url)]);
    await run(['-X', 'PUT', '--upload-file', 'eval.csv', String(urls.eval_data_set_upload_url)]);
    await run(['-X', 'PUT', '--upload-file', 'column_info.csv', String(urls.column_info_upload_url)]);
    expect(emulator.requests.filter((r) => r.route === 'PUT /storage/upload').map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('Train Data Set Info: params.txt with external_process_id', async () => {
    files.write('params.txt', `external_process_id=${processId}`);
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/data-sets/column-info`,
      '--data-urlencode',
      'filename@params.txt',
    ]);
    expect(shapeIssues(response(), COLUMN_INFO_SHAPE)).toEqual([]);
  });

  it('Train: -d @body.txt with cv "2", then the status and curl of result_url', async () => {
    files.write(
      'body.txt',
      JSON.stringify({
        external_process_id: processId,
        name: 'MODEL_NAME',
        config: { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' },
      }),
    );
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-H',
      'Content-Type: application/json',
      '-X',
      'POST',
      '-d',
      '@body.txt',
      `${VENDOR_HOST}/v1/external/models`,
    ]);
    expect(response()).toEqual({ external_process_id: processId });
    await emulator.advance(processId, 'finished');
    files.write('params.txt', `external_process_id=${processId}`);
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/models/results`,
      '--data-urlencode',
      'filename@params.txt',
    ]);
    const status = response();
    expect(shapeIssues(status, STATUS_SHAPE)).toEqual([]);
    expect(status.status).toBe('finished');
    // The page writes `curl -G GET {result_url}`: curl cannot run the stray `GET` (it is taken
    // for a host), the one documented typo changed here.
    await run(['-o', 'result.zip', '-G', String(status.result_url)]);
    const zip = unzipSync(new Uint8Array(readFileSync(`${files.dir}/result.zip`)));
    expect(Object.keys(zip)).toContain('metrics.csv');
  });

  it('Get Model and Get Data Set: params.txt with offset and limit', async () => {
    files.write('params.txt', 'offset=0\nlimit=5\n');
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/models`,
      '--data-urlencode',
      'filename@params.txt',
    ]);
    expect(shapeIssues(response(), MODELS_SHAPE)).toEqual([]);
    expect((response().metadata as Record<string, unknown>).limit).toBe(5);
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-X',
      'GET',
      '-G',
      `${VENDOR_HOST}/v1/external/data-sets`,
      '--data-urlencode',
      'filename@params.txt',
    ]);
    expect(shapeIssues(response(), DATA_SETS_SHAPE)).toEqual([]);
  });

  it('Delete Model and Delete Data Set: -X DELETE -d @body.txt', async () => {
    files.write('body.txt', '{}');
    const models = JSON.parse(await run(['-H', `x-api-key:${apiKey}`, `${VENDOR_HOST}/v1/external/models`])) as { models: { model_id: number }[] };
    const sets = JSON.parse(await run(['-H', `x-api-key:${apiKey}`, `${VENDOR_HOST}/v1/external/data-sets`])) as { data_sets: { data_set_id: number }[] };
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-H',
      'Content-Type: application/json',
      '-X',
      'DELETE',
      '-d',
      '@body.txt',
      `${VENDOR_HOST}/v1/external/models/${models.models[0].model_id}`,
    ]);
    await run([
      '-o',
      'response.json',
      '-H',
      `x-api-key:${apiKey}`,
      '-H',
      'Content-Type: application/json',
      '-X',
      'DELETE',
      '-d',
      '@body.txt',
      `${VENDOR_HOST}/v1/external/data-sets/${sets.data_sets[0].data_set_id}`,
    ]);
    expect(emulator.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([200, 200]);
  });
});
