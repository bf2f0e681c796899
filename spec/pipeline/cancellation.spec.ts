/** Specs: cancelling trainModel$. */
import { Subscription, filter, firstValueFrom, type Observable } from 'rxjs';
import { trainModel$, type TrainingEvent } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

/**
 * Unsubscribing from a whole pipeline at each stage aborts that stage's HTTP request (the
 * emulator sees the connection close before its response) and leaves nothing scheduled:
 * Jest's --detectOpenHandles would report a dangling timer or socket.
 */
describe('cancelling trainModel$', () => {
  const { emulator, client } = useEmulator();
  const job = () => trainModel$(client(), { data: { train: seattleWeather(60) }, name: 'c', config: { tt: 'multi_classification', tc: 'weather' } });

  async function cancelAt(route: string, pipeline$: Observable<TrainingEvent>): Promise<void> {
    emulator().clearLog();
    emulator().delayNext(route, 10_000);
    const arrived = emulator().waitForRequest(route);
    // The pipeline must not fail before it is cancelled: an error fails the test at once
    // (Jest 30 has no global fail()).
    const errors: unknown[] = [];
    let subscription!: Subscription;
    const failed = new Promise<never>((_, reject) => {
      subscription = pipeline$.subscribe({
        error: (e: unknown) => {
          errors.push(e);
          reject(e);
        },
      });
    });
    failed.catch(() => undefined);
    await Promise.race([arrived, failed]);
    const aborted = emulator().waitForAbort(route);
    subscription.unsubscribe();
    expect((await aborted).aborted).toBe(true);
    expect(errors).toEqual([]);
  }

  it('should abort the upload in flight', async () => {
    await cancelAt('PUT /storage/upload', job());
    expect(emulator().count('POST /v1/external/models')).toBe(0);
  });

  it('should abort the status poll in flight', async () => {
    await cancelAt('GET /v1/external/models/results', job());
  });

  it('should abort the result download in flight', async () => {
    await cancelAt('GET /storage/result', job());
  });

  it('should stop before training when cancelled after the upload', async () => {
    emulator().clearLog();
    const uploaded = firstValueFrom(job().pipe(filter((e) => e.type === 'uploaded')));
    await uploaded;
    // firstValueFrom unsubscribed right after 'uploaded': Create Model was never sent.
    await new Promise((r) => setImmediate(r));
    expect(emulator().count('POST /v1/external/models')).toBe(0);
  });
});
