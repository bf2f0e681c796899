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
