/** Specs: every documented error message, from the emulator to the client's typed error. */
/**
 * Every error message of every Japanese page, produced by the emulator in its documented
 * situation (with an emulator control where the API cannot make the state), and mapped by the
 * client to its typed error.
 */
import { lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, AuthError, ResourceGoneError, ServerError, apiKey$, createClient, type PredictionOneClient } from '../../lib';
import {
  InferenceError,
  classifiers$,
  createClassifier$,
  deleteClassifier$,
  models$,
  predict$,
  retrainClient$,
  retrainStatus$,
  retrainUpload$,
  switchModel$,
  waitForClassifier$,
} from '../../lib/deploy';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { trainedModel } from '../helpers/models';
import { seattleWeather } from '../helpers/emulator';
import { documentedError } from './support';

const SECRET = 'secret-documented-errors';
const bad = (message: string) => documentedError(4001000204, 'PREDA_EXTERNAL_BAD_REQUEST', message);

async function raw(emulator: Emulator, key: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = key === undefined ? {} : { 'x-api-key': key };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emulator.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const failure = <T>(o: import('rxjs').Observable<T>): Promise<unknown> =>
  lastValueFrom(o).then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => e,
  );

/** The endpoints of the train_api and model_api pages whose error tables list the four key errors, with the key type that opens them. */
// Every row has four cells: with fewer, Jest would pass its `done` callback as the body.
const KEYED: [string, string, 'train' | 'deploy', unknown][] = [
  ['GET', '/v1/external/data-sets/upload-url?extension=csv', 'train', undefined],
  ['GET', '/v1/external/data-sets/column-info?external_process_id=x', 'train', undefined],
  ['POST', '/v1/external/models', 'train', {}],
  ['GET', '/v1/external/models/results?external_process_id=x', 'train', undefined],
  ['GET', '/v1/external/models', 'train', undefined],
  ['DELETE', '/v1/external/models/1', 'train', undefined],
  ['GET', '/v1/external/data-sets', 'train', undefined],
  ['DELETE', '/v1/external/data-sets/1', 'train', undefined],
  ['POST', '/v1/external/classifiers', 'deploy', {}],
  ['GET', '/v1/external/classifiers', 'deploy', undefined],
  ['GET', '/v1/external/classifiers/x', 'deploy', undefined],
  ['PATCH', '/v1/external/classifiers/x', 'deploy', {}],
  ['DELETE', '/v1/external/classifiers/x', 'deploy', undefined],
];

describe('contract: documented key errors on every page', () => {
  let emulator: Emulator;
  let expiring: Emulator;
  const keys: Record<'train' | 'deploy', string> = { train: '', deploy: '' };
  const expired: Record<'train' | 'deploy', string> = { train: '', deploy: '' };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET] });
    // apiKeyTtlMs 0: every key it issues is past its end date at once (no waiting).
    expiring = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET], apiKeyTtlMs: 0 });
    for (const type of ['train', 'deploy'] as const) {
      keys[type] = emulator.issueApiKey(type).api_key;
      expired[type] = expiring.issueApiKey(type).api_key;
    }
  });
  afterAll(async () => {
    await emulator.close();
    await expiring.close();
  });
  afterEach(() => emulator.restoreUser());

  it.each(KEYED)('%s %s: invalid_api_key. / Inactive_credential. / Not_found_credential. / This user may be deleted.', async (method, path, type, body) => {
    expect(await raw(emulator, 'no-such-key', method, path, body)).toEqual({ status: 400, body: bad('invalid_api_key.') });
    expect(await raw(expiring, expired[type], method, path, body)).toEqual({ status: 400, body: bad('Inactive_credential.') });
    expect(await raw(emulator, keys[type === 'train' ? 'deploy' : 'train'], method, path, body)).toEqual({ status: 400, body: bad('Not_found_credential.') });
    emulator.deleteUser();
    expect(await raw(emulator, keys[type], method, path, body)).toEqual({ status: 400, body: bad('This user may be deleted.') });
  });

  it('Get API Key: the secret key errors, This user may be deleted. included', async () => {
    expect(await raw(emulator, 'nope', 'GET', '/v1/external/api-key?credential_type=train')).toEqual({ status: 400, body: bad('invalid_api_key.') });
    expect(await raw(emulator, keys.train, 'GET', '/v1/external/api-key?credential_type=train')).toEqual({ status: 400, body: bad('Not_found_credential.') });
    emulator.deleteUser();
    expect(await raw(emulator, SECRET, 'GET', '/v1/external/api-key?credential_type=train')).toEqual({ status: 400, body: bad('This user may be deleted.') });
  });

  it.each(['invalid_api_key.', 'Inactive_credential.', 'Not_found_credential.', 'This user may be deleted.'])(
    'the client maps %s to AuthError',
    async (message) => {
      const client = createClient({ baseUrl: emulator.url, apiKeys: keys, retry: { maxAttempts: 1 } });
      if (message === 'This user may be deleted.') emulator.deleteUser();
      else emulator.failNext('GET /v1/external/models', 400, bad(message));
      const err = await failure(models$(client));
      expect(err).toBeInstanceOf(AuthError);
      expect(err).toMatchObject({ httpStatus: 400, code: 4001000204, apiMessage: message });
    },
  );

  it('the client answers an expired key of a secret-key client by exchanging again (Inactive_credential.)', async () => {
    const client = createClient({ baseUrl: expiring.url, secretKey: SECRET, retry: { maxAttempts: 1 } });
    // Every key this emulator issues is expired: one refresh, then AuthError (no loop).
    const err = await failure(models$(client));
    expect(err).toBeInstanceOf(AuthError);
    expect(expiring.count('GET /v1/external/api-key')).toBe(2);
  });
});

describe('contract: Get API Key, retraining and model-switch errors', () => {
  let emulator: Emulator;
  let trainClient: PredictionOneClient;
  let modelId: number;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, secretKeys: [SECRET] });
    trainClient = createClient({ baseUrl: emulator.url, secretKey: SECRET, poll: { minDelayMs: 10, maxDelayMs: 20 }, retry: { maxAttempts: 1 } });
    modelId = await trainedModel(trainClient);
  });
  afterAll(() => emulator.close());

  it('Get API Key: Model id is required. (retrain without model_id) -> ApiError', async () => {
    expect(await raw(emulator, SECRET, 'GET', '/v1/external/api-key?credential_type=retrain')).toEqual({ status: 400, body: bad('Model id is required.') });
    const err = await failure(of(SECRET).pipe(apiKey$(trainClient, { credentialType: 'retrain' })));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ResourceGoneError);
    expect(err).toMatchObject({ apiMessage: 'Model id is required.' });
  });

  it('Get API Key: This model may be deleted. (retrain for a deleted model) -> ResourceGoneError model', async () => {
    expect(await raw(emulator, SECRET, 'GET', '/v1/external/api-key?credential_type=retrain&model_id=999')).toEqual({
      status: 400,
      body: bad('This model may be deleted.'),
    });
    const err = await failure(retrainClient$(trainClient, 999));
    expect(err).toBeInstanceOf(ResourceGoneError);
    expect(err).toMatchObject({ resource: 'model', apiMessage: 'This model may be deleted.' });
  });

  it("Retrain Data Upload: This job may be deleted. (the model's training job deleted) -> ResourceGoneError job", async () => {
    const { modelId: other, externalProcessId } = await trainWithId(trainClient);
    const rc = await lastValueFrom(retrainClient$(trainClient, other));
    expect(emulator.deleteJob(externalProcessId)).toBe(true);
    const err = await failure(of(seattleWeather(60)).pipe(retrainUpload$(rc)));
    expect(err).toBeInstanceOf(ResourceGoneError);
    expect(err).toMatchObject({ resource: 'job', apiMessage: 'This job may be deleted.', httpStatus: 400 });
  });

  it('Retrain Data Upload: HTTP 500 5001000201 Not found configuration_file. -> ResourceGoneError configurationFile, not retried', async () => {
    const other = await trainedModel(trainClient);
    const rc = await lastValueFrom(retrainClient$(createClient({ ...trainClient.config, retry: { maxAttempts: 3, baseDelayMs: 1 } }), other));
    emulator.deleteModelConfiguration(other);
    emulator.clearLog();
    const err = await failure(of(seattleWeather(60)).pipe(retrainUpload$(rc)));
    expect(err).toBeInstanceOf(ResourceGoneError);
    expect(err).not.toBeInstanceOf(ServerError);
    expect(err).toMatchObject({
      resource: 'configurationFile',
      httpStatus: 500,
      code: 5001000201,
      error: 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR',
      apiMessage: 'Not found configuration_file.',
    });
    expect(emulator.count('GET /v1/external/retrain_jobs/upload_url')).toBe(1);
  });

  it('Retrain Data Upload: This model may be deleted. (model deleted after the key was issued)', async () => {
    const other = await trainedModel(trainClient);
    const rc = await lastValueFrom(retrainClient$(trainClient, other));
    await fetch(`${emulator.url}/v1/external/models/${other}`, { method: 'DELETE', headers: { 'x-api-key': emulator.issueApiKey('train').api_key } });
    const err = await failure(of(seattleWeather(60)).pipe(retrainUpload$(rc)));
    expect(err).toMatchObject({ name: 'ResourceGoneError', resource: 'model' });
  });

  describe('status and switch', () => {
    let rc: PredictionOneClient;
    let retrainKey: string;
    beforeAll(async () => {
      rc = await lastValueFrom(retrainClient$(trainClient, modelId));
      retrainKey = rc.credentials.staticKey('retrain')!;
    });

    it('Retrain Status Check and Model Switch: Not found retrain job. -> ResourceGoneError retrainJob', async () => {
      expect(await raw(emulator, retrainKey, 'GET', '/v1/external/retrain_jobs/nope')).toEqual({ status: 400, body: bad('Not found retrain job.') });
      expect(await raw(emulator, retrainKey, 'PUT', '/v1/external/retrain_jobs/nope/update_model')).toEqual({
        status: 400,
        body: bad('Not found retrain job.'),
      });
      const err = await failure(of({ retrainJobId: 'nope' }).pipe(retrainStatus$(rc)));
      expect(err).toMatchObject({ name: 'ResourceGoneError', resource: 'retrainJob' });
    });

    it('Retrain Status Check and Model Switch: This job may be deleted. (deleteJob control) -> ResourceGoneError job', async () => {
      const events = await lastValueFrom(of(seattleWeather(60)).pipe(retrainUpload$(rc), toArray()));
      const id = (events.find((e) => 'retrainJobId' in e) as { retrainJobId: string }).retrainJobId;
      expect(emulator.deleteJob(id)).toBe(true);
      expect(await raw(emulator, retrainKey, 'GET', `/v1/external/retrain_jobs/${id}`)).toEqual({ status: 400, body: bad('This job may be deleted.') });
      expect(await raw(emulator, retrainKey, 'PUT', `/v1/external/retrain_jobs/${id}/update_model`)).toEqual({
        status: 400,
        body: bad('This job may be deleted.'),
      });
      const err = await failure(of({ retrainJobId: id }).pipe(retrainStatus$(rc)));
      expect(err).toMatchObject({ name: 'ResourceGoneError', resource: 'job' });
    });

    it('Retrain Model Switch: Retrain job is not finished. -> ApiError', async () => {
      const manual = await startEmulator({ port: 0, manual: true, secretKeys: [SECRET] });
      try {
        const c = createClient({ baseUrl: manual.url, secretKey: SECRET, retry: { maxAttempts: 1 } });
        const id = await trainedModelManual(manual, c);
        const mrc = await lastValueFrom(retrainClient$(c, id));
        const events = await lastValueFrom(of(seattleWeather(60)).pipe(retrainUpload$(mrc), toArray()));
        const jobId = (events.find((e) => 'retrainJobId' in e) as { retrainJobId: string }).retrainJobId;
        const err = await failure(of({ retrainJobId: jobId }).pipe(switchModel$(mrc)));
        expect(err).toBeInstanceOf(ApiError);
        expect(err).not.toBeInstanceOf(ResourceGoneError);
        expect(err).toMatchObject({ code: 4001000204, apiMessage: 'Retrain job is not finished.' });
      } finally {
        await manual.close();
      }
    });

    it("Retrain Model Switch: Not found classifier. after the model's prediction API was deleted -> ResourceGoneError classifier", async () => {
      const created = await lastValueFrom(
        of({ modelId, rules: [{ source: '127.0.0.1/32', order: 'allow' as const, priority: 1 }] }).pipe(createClassifier$(trainClient)),
      );
      await lastValueFrom(of(created.classifierId).pipe(deleteClassifier$(trainClient)));
      const events = await lastValueFrom(of(seattleWeather(60)).pipe(retrainUpload$(rc), retrainStatus$(rc), toArray()));
      const id = (events.find((e) => 'retrainJobId' in e) as { retrainJobId: string }).retrainJobId;
      expect(await raw(emulator, retrainKey, 'PUT', `/v1/external/retrain_jobs/${id}/update_model`)).toEqual({
        status: 400,
        body: bad('Not found classifier.'),
      });
      const err = await failure(of({ retrainJobId: id }).pipe(switchModel$(rc)));
      expect(err).toBeInstanceOf(ResourceGoneError);
      expect(err).toMatchObject({ resource: 'classifier', apiMessage: 'Not found classifier.' });
    });
  });
});

describe('contract: Inference errors', () => {
  let emulator: Emulator;
  let client: PredictionOneClient;
  let a: { url: string; apiKey: string; id: string };
  let b: { url: string; apiKey: string; id: string };
  const [header, ...lines] = seattleWeather(130).trim().split('\n');
  const oneRow = `${header}\n${lines[125]}\n`;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, secretKeys: [SECRET] });
    client = createClient({ baseUrl: emulator.url, secretKey: SECRET, poll: { minDelayMs: 10, maxDelayMs: 20 }, retry: { maxAttempts: 1 } });
    const modelId = await trainedModel(client);
    const deploy = async () => {
      const created = await lastValueFrom(
        of({ modelId, rules: [{ source: '127.0.0.1/32', order: 'allow' as const, priority: 1 }] }).pipe(createClassifier$(client)),
      );
      const running = await lastValueFrom(of(created).pipe(waitForClassifier$(client, { minDelayMs: 10, maxDelayMs: 20 })));
      return { url: running.url!, apiKey: running.api_key!, id: created.classifierId };
    };
    a = await deploy();
    b = await deploy();
  });
  afterAll(() => emulator.close());

  const predictError = (target: { url: string; apiKey: string }, batchSize = 1) =>
    failure(of(oneRow + (batchSize > 1 ? `${lines[126]}\n` : '')).pipe(predict$(target, { client, batchSize, concurrency: 1 })));

  it.each<[string, () => { url: string; apiKey: string }, number, Record<string, unknown>]>([
    [
      '4001030101 Not found classifier in classifiers table (unknown classifier id)',
      () => ({ url: a.url.replace(a.id, 'nope'), apiKey: a.apiKey }),
      1,
      { reason: 'notFound', code: 4001030101, error: 'NOT_FOUND_CLASSIFIER', apiMessage: 'Not found classifier in classifiers table' },
    ],
    [
      '4001030104 Invalid request (a multi-row pr)',
      () => a,
      2,
      { reason: 'badRequest', code: 4001030104, error: 'BAD_REQUEST', apiMessage: 'Invalid request' },
    ],
    [
      '4031030201 Invalid API key',
      () => ({ url: a.url, apiKey: 'wrong' }),
      1,
      { reason: 'accessDenied', code: 4031030201, httpStatus: 403, apiMessage: 'Invalid API key' },
    ],
    [
      '4031030201 Invalid classifier id (the key of another classifier)',
      () => ({ url: a.url, apiKey: b.apiKey }),
      1,
      { reason: 'accessDenied', code: 4031030201, httpStatus: 403, apiMessage: 'Invalid classifier id' },
    ],
  ])('%s -> InferenceError', async (_, target, rows, expected) => {
    const err = await predictError(target(), rows);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject(expected);
  });

  it('4001030104 Invalid request for a body that breaks the schema (raw)', async () => {
    const res = await fetch(a.url, {
      method: 'POST',
      headers: { 'x-api-key': a.apiKey, 'content-type': 'application/json; charset=utf-8' },
      body: '{"inputs": [{"name": "pr"}]}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(documentedError(4001030104, 'BAD_REQUEST', 'Invalid request'));
  });

  it('the classifier list still shows both (the errors changed nothing)', async () => {
    expect((await lastValueFrom(classifiers$(client).pipe(toArray()))).length).toBe(2);
  });
});

/** Trains a model through the client; returns its id and its training job's external_process_id. */
async function trainWithId(client: PredictionOneClient): Promise<{ modelId: number; externalProcessId: string }> {
  const { upload$, train$, pollStatus$ } = await import('../../lib');
  const events = await lastValueFrom(
    of(seattleWeather(120)).pipe(
      upload$(client),
      train$(client, { name: 'm', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }),
      pollStatus$(client),
      toArray(),
    ),
  );
  const queued = events.find((e) => e.type === 'queued') as { externalProcessId: string };
  const all = await lastValueFrom(models$(client).pipe(toArray()));
  return { modelId: all[all.length - 1].model_id, externalProcessId: queued.externalProcessId };
}

/** Trains a model on a manual emulator (advancing the job by hand); returns its id. */
async function trainedModelManual(emulator: Emulator, client: PredictionOneClient): Promise<number> {
  const { upload$, train$ } = await import('../../lib');
  const { models$: list } = await import('../../lib/deploy');
  const events = await lastValueFrom(
    of(seattleWeather(120)).pipe(upload$(client), train$(client, { name: 'm', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }), toArray()),
  );
  const queued = events.find((e) => e.type === 'queued') as { externalProcessId: string };
  await emulator.advance(queued.externalProcessId, 'finished');
  const all = await lastValueFrom(list(client).pipe(toArray()));
  return all[all.length - 1].model_id;
}
