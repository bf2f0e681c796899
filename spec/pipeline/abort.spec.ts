/** Specs: aborting trainModel. */
import { firstValueFrom, lastValueFrom, of } from 'rxjs';
import { AbortError, trainModel, train$, upload$, type TrainingEvent, type TrainingJob } from '../../lib';
import { models, models$ } from '../../lib/deploy';
import { trainEachFrom$, type JobEvent } from '../../lib/engine';
import { seattleWeather, useEmulator } from '../helpers/emulator';

/**
 * The Promise, AbortSignal and `for await` paths over real HTTP. Each abort happens while the
 * emulator holds a response (delayNext), so the request is provably in flight when the signal
 * fires; afterwards the emulator must see the request aborted and no other request from the
 * client. A sentinel request of our own, sent after the rejection, marks "afterwards": any
 * request the client still had scheduled or in flight would be logged before it.
 */
/**
 * How long to wait for the emulator to see a request: generous, because a loaded CI machine
 * trains slowly. It bounds a wait, not the outcome: nothing is asserted about speed.
 */
const WAIT = { timeoutMs: 100_000 };
jest.setTimeout(120_000);

const job: TrainingJob = { data: { train: seattleWeather(80) }, name: 'abort', config: { tt: 'multi_classification', tc: 'weather' } };

describe('trainModel (Promise)', () => {
  const { emulator, client } = useEmulator();
  beforeEach(() => emulator().clearLog());

  it('should resolve with the result and report every event to onEvent', async () => {
    const events: TrainingEvent['type'][] = [];
    const result = await trainModel(client(), job, { onEvent: (e) => events.push(e.type) });
    expect(result.metrics.length).toBeGreaterThan(0);
    expect(result.metrics.every((m) => typeof m.value === 'number' && typeof m.raw === 'string')).toBe(true);
    expect(events[0]).toBe('uploadProgress');
    expect(events).toContain('uploaded');
    expect(events).toContain('queued');
    expect(events[events.length - 1]).toBe('completed');
    expect(emulator().count('POST /v1/external/models')).toBe(1);
  });

  it('should reject with what onEvent throws, and stop', async () => {
    const boom = new Error('boom');
    const done = trainModel(client(), job, {
      onEvent: (e) => {
        if (e.type === 'uploaded') throw boom;
      },
    });
    await expect(done).rejects.toBe(boom);
    await firstValueFrom(models$(client(), { pageSize: 1 }), { defaultValue: undefined });
    // Create Model was never sent, not even after the rejection (the sentinel comes last).
    expect(emulator().requests.map((r) => r.route)).toEqual([
      'GET /v1/external/data-sets/upload-url',
      'PUT /storage/upload',
      'PUT /storage/upload',
      'GET /v1/external/models',
    ]);
  });

  it('should reject at once with AbortError, sending nothing, when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await trainModel(client(), job, { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).name).toBe('AbortError');
    expect(emulator().requests).toHaveLength(0);
  });

  /** `arrivals`: requests on `route` the client sends at once, all of which must be in flight. */
  async function abortWhileHeld(route: string, reason?: unknown, arrivals = 1): Promise<{ error: unknown; events: TrainingEvent['type'][] }> {
    emulator().delayNext(route, 60_000);
    const arrived = Promise.all(Array.from({ length: arrivals }, () => emulator().waitForRequest(route, WAIT)));
    const controller = new AbortController();
    const events: TrainingEvent['type'][] = [];
    const done = trainModel(client(), job, { signal: controller.signal, onEvent: (e) => events.push(e.type) });
    await arrived;
    const before = emulator().requests.length;
    const aborted = emulator().waitForAbort(route, WAIT);
    controller.abort(reason);
    const error = await done.catch((e: unknown) => e);
    expect((await aborted).aborted).toBe(true);
    // The sentinel: nothing the client sends may land between the abort and it.
    await firstValueFrom(models$(client(), { pageSize: 1 }), { defaultValue: undefined });
    expect(
      emulator()
        .requests.slice(before)
        .map((r) => r.route),
    ).toEqual(['GET /v1/external/models']);
    return { error, events };
  }

  it('should abort mid-upload with AbortError and send nothing after', async () => {
    // The column information goes first, then the training data: the first PUT is held.
    const { error, events } = await abortWhileHeld('PUT /storage/upload');
    expect(error).toBeInstanceOf(AbortError);
    expect(events).not.toContain('uploaded');
    expect(emulator().count('POST /v1/external/models')).toBe(0);
  });

  it('should abort mid-poll with AbortError and send nothing after', async () => {
    const { error, events } = await abortWhileHeld('GET /v1/external/models/results');
    expect(error).toBeInstanceOf(AbortError);
    expect(events).toContain('queued');
    expect(events).not.toContain('status');
  });

  it('should abort mid-download with AbortError and send nothing after', async () => {
    const { error, events } = await abortWhileHeld('GET /storage/result');
    expect(error).toBeInstanceOf(AbortError);
    expect(events).toContain('status');
    expect(events).not.toContain('completed');
  });

  it('should stop a whole fan-out on abort: every request aborted, nothing sent after', async () => {
    const route = 'GET /v1/external/models/results';
    emulator().delayNext(route, 60_000);
    emulator().delayNext(route, 60_000);
    const arrived = Promise.all([emulator().waitForRequest(route, WAIT), emulator().waitForRequest(route, WAIT)]);
    const controller = new AbortController();
    const jobs = ['a', 'b', 'c'].map((key) => ({ ...job, key, name: key }));
    const seen: JobEvent['type'][] = [];
    const done = new Promise<unknown>((resolve) =>
      trainEachFrom$(client(), jobs, { concurrency: 2, signal: controller.signal }).subscribe({
        next: (e) => seen.push(e.type),
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    await arrived;
    const before = emulator().requests.length;
    const aborted = Promise.all([emulator().waitForAbort(route, WAIT), emulator().waitForAbort(route, WAIT)]);
    controller.abort();
    expect(await done).toBeInstanceOf(AbortError);
    await aborted;
    await firstValueFrom(models$(client(), { pageSize: 1 }), { defaultValue: undefined });
    expect(
      emulator()
        .requests.slice(before)
        .map((r) => r.route),
    ).toEqual(['GET /v1/external/models']);
    // The third job never started: two uploads only, and no job failed or succeeded.
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(2);
    expect(seen.every((t) => t === 'progress')).toBe(true);
  });

  it("should keep the signal's reason as the cause", async () => {
    const reason = new Error('user left the page');
    const { error } = await abortWhileHeld('GET /v1/external/models/results', reason);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).message).toBe('Aborted: user left the page');
    // The cause is the reason, as a redacted copy (like every cause the library keeps).
    expect((error as AbortError).cause).toMatchObject({ name: 'Error', message: 'user left the page' });
  });
});

describe('models (async iterable)', () => {
  const { emulator, client } = useEmulator({ manual: true });
  const CSV = 'x,y\n' + Array.from({ length: 12 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n';
  const ROUTE = 'GET /v1/external/models';

  beforeAll(async () => {
    // 7 models (manual mode: created, never trained).
    for (let i = 0; i < 7; i++) {
      await lastValueFrom(of(CSV).pipe(upload$(client()), train$(client(), { name: `m${i}`, config: { tt: 'binary_classification', tc: 'y', tv: 'a' } })));
    }
  });
  beforeEach(() => emulator().clearLog());

  it('should give every model of every page to for await, one request per page', async () => {
    const names: string[] = [];
    for await (const m of models(client(), { pageSize: 3 })) names.push(String(m.name));
    expect(names).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(emulator().count(ROUTE)).toBe(3);
  });

  it('should request no further page after break', async () => {
    let seen = 0;
    for await (const m of models(client(), { pageSize: 3 })) {
      expect(m.model_id).toBeGreaterThan(0);
      if (++seen === 3) break;
    }
    expect(emulator().count(ROUTE)).toBe(1);
  });

  it('should abort the page request in flight with AbortError and send nothing after', async () => {
    const controller = new AbortController();
    const it = models(client(), { pageSize: 3, signal: controller.signal });
    for (let i = 0; i < 3; i++) await it.next();
    emulator().clearLog();
    emulator().delayNext(ROUTE, 60_000);
    const arrived = emulator().waitForRequest(ROUTE, WAIT);
    const next = it.next();
    await arrived;
    const aborted = emulator().waitForAbort(ROUTE, WAIT);
    controller.abort();
    await expect(next).rejects.toBeInstanceOf(AbortError);
    expect((await aborted).aborted).toBe(true);
    await firstValueFrom(models$(client(), { pageSize: 1 }), { defaultValue: undefined });
    expect(emulator().requests.map((r) => [r.route, r.aborted])).toEqual([
      [ROUTE, true],
      [ROUTE, false],
    ]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('should stop between items once the signal fired, without another request', async () => {
    const controller = new AbortController();
    const names: string[] = [];
    const loop = (async () => {
      for await (const m of models(client(), { pageSize: 3, signal: controller.signal })) {
        names.push(String(m.name));
        if (names.length === 2) controller.abort();
      }
    })();
    await expect(loop).rejects.toBeInstanceOf(AbortError);
    expect(names).toEqual(['m0', 'm1']);
    expect(emulator().count(ROUTE)).toBe(1);
  });

  it('should let the Observable listing take the signal too', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(lastValueFrom(models$(client(), { signal: controller.signal }))).rejects.toBeInstanceOf(AbortError);
    expect(emulator().count(ROUTE)).toBe(0);
  });
});
