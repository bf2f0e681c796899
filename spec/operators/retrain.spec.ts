/** Specs: the retraining operators. */
import { lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, AuthError, ValidationError, PollTimeoutError, createClient, pollStatus$, train$, upload$, type PredictionOneClient } from '../../lib';
import {
  RetrainFailedError,
  downloadRetrainResult$,
  retrainClient$,
  retrainStatus$,
  retrainUpload$,
  switchModel$,
  models$,
  type RetrainEvent,
} from '../../lib/deploy';
import { SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

/** Trains a small weather model and returns its id. */
async function trainedModel(client: PredictionOneClient): Promise<number> {
  await lastValueFrom(
    of(seattleWeather(120)).pipe(
      upload$(client),
      train$(client, { name: 'weather', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }),
      pollStatus$(client),
      toArray(),
    ),
  );
  const all = await lastValueFrom(models$(client).pipe(toArray()));
  return all[all.length - 1].model_id;
}

const csvLines = seattleWeather(400).trim().split('\n');
const header = csvLines[0];
const newTrain = [header, ...csvLines.slice(121, 281)].join('\n') + '\n';
const newEval = [header, ...csvLines.slice(281, 361)].join('\n') + '\n';

describe('retraining', () => {
  const { emulator, client } = useEmulator();
  let modelId: number;
  let rc: PredictionOneClient;

  beforeAll(async () => {
    modelId = await trainedModel(client());
    rc = await lastValueFrom(retrainClient$(client({ apiKey: undefined, secretKey: SECRET_KEY }), modelId));
  });

  it('should exchange the secret key for a retrain key of the model', () => {
    const call = emulator().requests.filter((r) => r.route === 'GET /v1/external/api-key');
    expect(call.length).toBeGreaterThanOrEqual(1);
    expect(rc.config.apiKeys?.retrain).toMatch(/^p1emu_/);
    expect(rc.credentials.staticKey('retrain')).toBe(rc.config.apiKeys?.retrain);
  });

  it('should upload a CSV, follow the job to job_finished, download the comparison and switch the model', async () => {
    const events = await lastValueFrom(of(newTrain).pipe(retrainUpload$(rc), retrainStatus$(rc), downloadRetrainResult$(rc), switchModel$(rc), toArray()));
    const types = events.map((e) => e.type);
    const size = new TextEncoder().encode(newTrain).byteLength;
    expect(events.slice(0, 3)).toEqual([
      { type: 'retrainUploadProgress', fileName: 'retrain.csv', loaded: 0, total: size },
      { type: 'retrainUploadProgress', fileName: 'retrain.csv', loaded: size, total: size },
      expect.objectContaining({ type: 'retrainUploaded', fileName: 'retrain.csv', bytes: size }),
    ]);
    const statuses = events.filter((e): e is Extract<RetrainEvent, { type: 'retrainStatus' }> => e.type === 'retrainStatus').map((e) => e.status);
    expect(statuses[statuses.length - 1]).toBe('job_finished');
    expect(types).toContain('modelSwitched');
    const completed = events.find((e) => e.type === 'retrainCompleted');
    if (completed?.type !== 'retrainCompleted') throw new Error('no result');
    const accuracy = completed.result.comparison.find((m) => m.name === 'accuracy');
    expect(accuracy).toEqual({ name: 'accuracy', before: expect.any(Number), after: expect.any(Number) });
    expect(Object.keys(completed.result.files)).toEqual(expect.arrayContaining(['metrics.csv', 'evaluation_raw_data.csv']));
    expect(emulator().expectOne('GET /v1/external/retrain_jobs/upload_url').status).toBe(200);
    const model = (await lastValueFrom(models$(client()).pipe(toArray()))).find((m) => m.model_id === modelId);
    expect(model?.version).toBe('2');
    emulator().clearLog();
  });

  it('should pack training and evaluation data into a zip with train_src/ and eval_src/', async () => {
    const events = await lastValueFrom(of({ train: newTrain, evaluation: newEval, name: 'april' }).pipe(retrainUpload$(rc), retrainStatus$(rc), toArray()));
    expect(events.find((e) => e.type === 'retrainUploaded')).toMatchObject({ type: 'retrainUploaded', fileName: 'april.zip' });
    expect(events[0]).toMatchObject({ type: 'retrainUploadProgress', fileName: 'april.zip', loaded: 0 });
    expect(events[events.length - 1]).toMatchObject({ type: 'retrainStatus', status: 'job_finished', terminal: true });
  });

  it('should refuse evaluation data with other columns before sending', async () => {
    emulator().clearLog();
    const bad = 'date,weather\n2012-01-01,rain\n';
    const err = await lastValueFrom(of({ train: newTrain, evaluation: bad }).pipe(retrainUpload$(rc))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(emulator().count('GET /v1/external/retrain_jobs/upload_url')).toBe(0);
  });

  it('should fail with RetrainFailedError carrying the message when the data cannot be trained on', async () => {
    const err = await lastValueFrom(of('date,temp_max\n2012-01-01,3\n').pipe(retrainUpload$(rc), retrainStatus$(rc))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetrainFailedError);
    expect((err as RetrainFailedError).status).toBe('failed');
    expect((err as RetrainFailedError).apiMessage).toMatch(/column|target|weather/);
  });

  it('should fail with RetrainFailedError when a failTraining fault is injected on the data PUT', async () => {
    const before = emulator().stats().faults.failTraining;
    emulator().injectNext('PUT /storage/retrain', 'failTraining');
    const events: RetrainEvent[] = [];
    const err = await lastValueFrom(of(newTrain).pipe(retrainUpload$(rc), retrainStatus$(rc))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetrainFailedError);
    expect((err as RetrainFailedError).status).toBe('failed');
    expect((err as RetrainFailedError).apiMessage).toBe('Injected fault: training failed.');
    expect(emulator().stats().faults.failTraining).toBe(before + 1);
    // The next retraining is not affected.
    await lastValueFrom(of(newTrain).pipe(retrainUpload$(rc), retrainStatus$(rc), toArray())).then((e) => events.push(...e));
    expect(events[events.length - 1]).toMatchObject({ type: 'retrainStatus', status: 'job_finished' });
  });

  it('should refuse a train key on the retraining endpoints', async () => {
    const err = await lastValueFrom(of(newTrain).pipe(retrainUpload$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).apiMessage).toBe('Not_found_credential.');
  });

  it('should need a secret key or an explicit retrain key', async () => {
    const err = await lastValueFrom(retrainClient$(client(), modelId)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const explicit = await lastValueFrom(retrainClient$(client(), modelId, { apiKey: rc.config.apiKeys?.retrain }));
    expect(explicit.credentials.staticKey('retrain')).toBe(rc.config.apiKeys?.retrain);
  });

  it('should give an ApiError for a deleted model', async () => {
    const err = await lastValueFrom(retrainClient$(createClient({ baseUrl: emulator().url, secretKey: SECRET_KEY, retry: { maxAttempts: 1 } }), 9999)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).apiMessage).toBe('This model may be deleted.');
  });

  it('should give an ApiError for an unknown retrain job', async () => {
    const err = await lastValueFrom(of({ retrainJobId: 'nope' }).pipe(retrainStatus$(rc))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).apiMessage).toBe('Not found retrain job.');
  });
});

describe('retraining in manual mode', () => {
  const { emulator, client } = useEmulator({ manual: true });

  async function manualModel(c: PredictionOneClient): Promise<number> {
    const events = await lastValueFrom(
      of(seattleWeather(120)).pipe(upload$(c), train$(c, { name: 'w', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }), toArray()),
    );
    const queued = events.find((e) => e.type === 'queued');
    if (queued?.type !== 'queued') throw new Error('not queued');
    await emulator().advance(queued.externalProcessId, 'finished');
    const all = await lastValueFrom(models$(c).pipe(toArray()));
    return all[all.length - 1].model_id;
  }

  it('should refuse to switch before the job finished, then switch after advanceRetrain', async () => {
    const modelId = await manualModel(client());
    const rc = await lastValueFrom(retrainClient$(client({ apiKey: undefined, secretKey: SECRET_KEY }), modelId));
    const uploaded = await lastValueFrom(of(newTrain).pipe(retrainUpload$(rc)));
    if (uploaded.type !== 'retrainUploaded') throw new Error('not uploaded');
    const id = uploaded.retrainJobId;
    expect(emulator().retrainJob(id)?.status).toBe('waiting');
    const early = await lastValueFrom(of({ retrainJobId: id }).pipe(switchModel$(rc))).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ApiError);
    expect((early as ApiError).apiMessage).toBe('Retrain job is not finished.');
    expect((early as ApiError).httpStatus).toBe(400);

    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) =>
      of({ retrainJobId: id })
        .pipe(retrainStatus$(rc, { minDelayMs: 10, maxDelayMs: 10 }))
        .subscribe({ next: (e) => e.type === 'retrainStatus' && seen.push(e.status), error: reject, complete: resolve }),
    );
    const until = async (n: number) => {
      while (seen.length < n) await new Promise((r) => setTimeout(r, 5));
    };
    await until(1);
    await emulator().advanceRetrain(id, 'running');
    await until(2);
    await emulator().advanceRetrain(id, 'job_finished');
    await done;
    expect(seen).toEqual(['waiting', 'running', 'job_finished']);
    const switched = await lastValueFrom(of({ retrainJobId: id }).pipe(switchModel$(rc)));
    expect(switched).toEqual({ type: 'modelSwitched', retrainJobId: id });
  });

  it('should time out with PollTimeoutError (resource retrainJob) carrying the last status', async () => {
    const modelId = await manualModel(client());
    const rc = await lastValueFrom(retrainClient$(client({ apiKey: undefined, secretKey: SECRET_KEY }), modelId));
    const err = await lastValueFrom(of(newTrain).pipe(retrainUpload$(rc), retrainStatus$(rc, { minDelayMs: 10, maxDelayMs: 10, maxWaitMs: 80 }))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PollTimeoutError);
    expect(err).toMatchObject({ resource: 'retrainJob', lastStatus: { status: 'waiting' }, waitedMs: 80 });
  });

  it('should stop polling when unsubscribed', async () => {
    const modelId = await manualModel(client());
    const rc = await lastValueFrom(retrainClient$(client({ apiKey: undefined, secretKey: SECRET_KEY }), modelId));
    const uploaded = await lastValueFrom(of(newTrain).pipe(retrainUpload$(rc)));
    emulator().clearLog();
    const sub = of(uploaded)
      .pipe(retrainStatus$(rc, { minDelayMs: 10, maxDelayMs: 10 }))
      .subscribe();
    await emulator().waitForRequest('GET /v1/external/retrain_jobs/{retrain_job_id}');
    sub.unsubscribe();
    const count = emulator().count('GET /v1/external/retrain_jobs/{retrain_job_id}');
    await new Promise((r) => setTimeout(r, 60));
    expect(emulator().count('GET /v1/external/retrain_jobs/{retrain_job_id}')).toBe(count);
  });
});
