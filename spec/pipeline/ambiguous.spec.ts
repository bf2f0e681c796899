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

  it('should report the training as unknown when the service never got it, without resending', async () => {
    emulator().injectNext(CREATE, 'resetBefore'); // the connection drops before the service acts
    const err = await lastValueFrom(
      trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'c', config }).pipe(toArray()),
    ).catch((e: unknown) => e);
    // A reset after sending is ambiguous for the client: it checks the id, finds no training,
    // and says so with the id, rather than risk a second training.
    expect(err).toBeInstanceOf(TrainingStartUnknownError);
    const id = (err as TrainingStartUnknownError).externalProcessId;
    expect(emulator().job(id)?.modelsCreated ?? 0).toBe(0);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
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

  it('should not resend after a gateway 504, which may still be acted on', async () => {
    emulator().injectNext(CREATE, 'error', { status: 504 });
    const err = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'f', config })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingStartUnknownError);
    expect((err as TrainingStartUnknownError).answered).toBe(false);
  });
});
