/** Specs: pollStatus$ over HTTP. */
import { Subscription, lastValueFrom, of, toArray } from 'rxjs';
import { DecodeError, TrainingFailedError, pollStatus$, train$, upload$, type StatusEvent, type TrainingEvent } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

describe('pollStatus$ over HTTP', () => {
  const { emulator, client } = useEmulator({ manual: true });

  async function queuedId(): Promise<string> {
    const events = await lastValueFrom(
      of(seattleWeather(80)).pipe(upload$(client()), train$(client(), { name: 'p', config: { tt: 'multi_classification', tc: 'weather' } }), toArray()),
    );
    return (events[events.length - 1] as { externalProcessId: string }).externalProcessId;
  }

  it('should emit each distinct status with server timestamps and complete after finished', async () => {
    const id = await queuedId();
    const seen: StatusEvent[] = [];
    const done = new Promise<void>((resolve, reject) => {
      of({ externalProcessId: id })
        .pipe(pollStatus$(client()))
        .subscribe({
          next: (e: TrainingEvent) => {
            if (e.type !== 'status') return;
            seen.push(e);
            // Move the job along only once the client has seen each state.
            if (e.status === 'waiting') void emulator().advance(id, 'running');
            if (e.status === 'running') void emulator().advance(id, 'finished');
          },
          error: reject,
          complete: resolve,
        });
    });
    await done;
    expect(seen.map((e) => e.status)).toEqual(['waiting', 'running', 'finished']);
    expect(seen[2].resultUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(seen[2].terminal).toBe(true);
    expect(Date.parse(seen[2].updatedDatetime!)).toBeGreaterThanOrEqual(Date.parse(seen[0].createdDatetime!));
    // Repeated 'waiting'/'running' answers were polled but not emitted.
    expect(emulator().count('GET /v1/external/models/results')).toBeGreaterThanOrEqual(3);
  });

  it('should error with TrainingFailedError when the training fails', async () => {
    const id = await queuedId();
    await emulator().advance(id, 'failed');
    const err = await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingFailedError);
    expect(err).toMatchObject({ externalProcessId: id, status: 'failed' });
  });

  it('should refuse finished without result_url (strict where we rely on it)', async () => {
    const id = await queuedId();
    emulator().failNext('GET /v1/external/models/results', 200, { status: 'finished', created_datetime: 'a', updated_datetime: 'b' });
    const err = await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).issues[0]).toMatch(/^result_url: expected string/);
  });

  it('should give a DecodeError naming the field when the body does not match', async () => {
    const id = await queuedId();
    emulator().failNext('GET /v1/external/models/results', 200, { status: 42 });
    const err = await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).issues).toContain('status: expected string, got 42');
  });

  it('should stop polling when unsubscribed and abort the request in flight', async () => {
    const id = await queuedId();
    emulator().clearLog();
    emulator().delayNext('GET /v1/external/models/results', 10_000);
    const arrived = emulator().waitForRequest('GET /v1/external/models/results');
    const subscription: Subscription = of({ externalProcessId: id }).pipe(pollStatus$(client())).subscribe();
    await arrived;
    const aborted = emulator().waitForAbort('GET /v1/external/models/results');
    subscription.unsubscribe();
    const record = await aborted;
    expect(record.aborted).toBe(true);
    const polls = emulator().count('GET /v1/external/models/results');
    await new Promise((r) => setTimeout(r, 150));
    expect(emulator().count('GET /v1/external/models/results')).toBe(polls);
  });

  it('should poll again from the start on resubscription', async () => {
    const id = await queuedId();
    await emulator().advance(id, 'finished');
    const status$ = of({ externalProcessId: id }).pipe(pollStatus$(client()), toArray());
    const first = await lastValueFrom(status$);
    const second = await lastValueFrom(status$);
    expect(first).toEqual(second);
    expect(first.map((e) => (e as StatusEvent).status)).toEqual(['finished']);
  });
});
