/** Specs: recovery from an ambiguous Create Model failure. */
import { lastValueFrom, of, toArray } from 'rxjs';
import { TrainingStartUnknownError, train$, trainModel$, upload$ } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

const CREATE = 'POST /v1/external/models';

describe('an ambiguous Create Model failure', () => {
  const { emulator, client } = useEmulator();
  const config = { tt: 'multi_classification', tc: 'weather', cv: 2 } as const;

  it('should not be resent by train$, which reports the id to resume from', async () => {
    const events = await lastValueFrom(of(seattleWeather(40)).pipe(upload$(client()), toArray()));
    const uploaded = events[events.length - 1];
    if (uploaded.type !== 'uploaded') throw new Error('no upload');
    emulator().injectNext(CREATE, 'resetAfter'); // the model is created, the answer is lost
    const err = await lastValueFrom(of(uploaded).pipe(train$(client(), { name: 'a', config }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingStartUnknownError);
    expect((err as TrainingStartUnknownError).externalProcessId).toBe(uploaded.externalProcessId);
    expect(emulator().job(uploaded.externalProcessId)?.modelsCreated).toBe(1);
  });

  it('should be recovered by trainModel$ by following the training, creating one model only', async () => {
    emulator().injectNext(CREATE, 'resetAfter');
    const events = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'b', config }).pipe(toArray()));
    const last = events[events.length - 1];
    expect(last.type).toBe('completed');
    const id = events.find((e) => e.type === 'uploaded')!;
    expect(id.type === 'uploaded' && emulator().job(id.externalProcessId)?.modelsCreated).toBe(1);
  });

  it('should send Create Model again once a status check proves the service never got it, and train once', async () => {
    emulator().clearLog();
    emulator().injectNext(CREATE, 'resetBefore'); // the connection drops before the service acts
    const events = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'c', config }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    const routes = emulator().requests.map((r) => r.route);
    // POST (reset), the status check (unknown), POST again.
    const firstPost = routes.indexOf(CREATE);
    expect(routes.slice(firstPost, firstPost + 3)).toEqual([CREATE, 'GET /v1/external/models/results', CREATE]);
    const id = events.find((e) => e.type === 'uploaded')!;
    expect(id.type === 'uploaded' && emulator().job(id.externalProcessId)?.modelsCreated).toBe(1);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
  });

  it('should give up with TrainingStartUnknownError once the Create Model budget (retry.maxAttempts) is spent', async () => {
    emulator().clearLog();
    for (let i = 0; i < 3; i++) emulator().injectNext(CREATE, 'resetBefore');
    const err = await lastValueFrom(
      trainModel$(client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }), { data: { train: seattleWeather(40) }, name: 'c2', config }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingStartUnknownError);
    expect(emulator().count(CREATE)).toBe(3);
    expect(emulator().job((err as TrainingStartUnknownError).externalProcessId)?.modelsCreated ?? 0).toBe(0);
  });
});

describe('a Create Model answered with HTTP 5xx', () => {
  const { emulator, client } = useEmulator();
  const config = { tt: 'multi_classification', tc: 'weather', cv: 2 } as const;

  it('should check the id, find no training, send Create Model again and finish with one model', async () => {
    emulator().clearLog();
    emulator().injectNext(CREATE, 'error', { status: 503 }); // answered without acting
    const events = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'd', config }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(emulator().count(CREATE)).toBe(2);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
    expect(events.filter((e) => e.type === 'queued')).toHaveLength(1);
  });

  it('should retry Create Model after HTTP 429, which says the request was not acted on', async () => {
    emulator().clearLog();
    emulator().injectNext(CREATE, 'rateLimit', { retryAfterS: 0 });
    const events = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'e', config }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(emulator().count(CREATE)).toBe(2);
  });

  it('after a gateway 504 (may still be acted on): should wait the backoff, check, and send again only when unknown', async () => {
    emulator().clearLog();
    emulator().injectNext(CREATE, 'error', { status: 504 });
    const events = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'f', config }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(emulator().count(CREATE)).toBe(2);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
  });
});
