/** Specs: predict$. */
import { firstValueFrom, from, lastValueFrom, of, toArray } from 'rxjs';
import { ValidationError, type PredictionOneClient } from '../../lib';
import { InferenceError, classifiers$, createClassifier$, predict$, updateClassifier$, waitForClassifier$, type InferenceTarget } from '../../lib/deploy';
import { createClient } from '../../lib';
import { inIndexOrder } from '../../lib/operators/predict';
import type { FetchLike } from '../../lib/transport/fetchLike';
import { seattleWeather, useEmulator } from '../helpers/emulator';
import { testScheduler } from '../helpers/marbles';
import { trainedModel } from '../helpers/models';

const fast = { minDelayMs: 10, maxDelayMs: 10 };
const [header, ...lines] = seattleWeather(200).trim().split('\n');
const columns = header.split(',');
const rows = lines.slice(150, 175).map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));

async function deploy(client: PredictionOneClient, modelId: number, source = '127.0.0.0/8'): Promise<InferenceTarget & { id: string }> {
  const created = await firstValueFrom(of({ modelId, rules: [{ source, order: 'allow' as const, priority: 1 }] }).pipe(createClassifier$(client)));
  const running = await lastValueFrom(of(created).pipe(waitForClassifier$(client, fast)));
  return { url: running.url!, apiKey: running.api_key!, id: created.classifierId };
}

describe('predict$ (multi-row opt-in and error mapping)', () => {
  // Multi-row requests are beyond the vendor's contract: this emulator allows them explicitly.
  const { emulator, client } = useEmulator({ allowMultiRowInference: true });
  let target: InferenceTarget & { id: string };
  beforeAll(async () => {
    target = await deploy(client(), await trainedModel(client()));
  });

  it('should batch object rows when batchSize opts in, send base64 CSV and decode the predictions', async () => {
    emulator().clearLog();
    const batches = await lastValueFrom(from(rows).pipe(predict$(target, { batchSize: 10, client: client() }), toArray()));
    expect(batches.map((b) => b.inputRows)).toEqual([10, 10, 5]);
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(3);
    expect(batches[0].version).toBe('1');
    const first = batches[0].rows[0];
    // The model learnt the classes of its 120 training rows (no fog in them).
    expect(Object.keys(first)).toEqual(['row', 'prediction', 'probability_drizzle', 'probability_rain', 'probability_snow', 'probability_sun']);
    expect(first.row).toBe('1');
    expect(['drizzle', 'rain', 'snow', 'sun']).toContain(first.prediction);
    const total = Object.entries(first)
      .filter(([k]) => k.startsWith('probability_'))
      .reduce((s, [, v]) => s + Number(v), 0);
    expect(total).toBeCloseTo(1, 3);
    expect(batches[0].analysis).toBeUndefined();
  });

  it('should send `concurrency` batches at once and tag each answer with its index', async () => {
    emulator().clearLog();
    emulator().delayNext('POST /inference/{classifier_id}', 100); // the first answer comes last
    const batches = await lastValueFrom(from(rows).pipe(predict$(target, { batchSize: 5, concurrency: 3, ordered: false, client: client() }), toArray()));
    expect(batches.map((b) => b.index).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(batches[0].index).not.toBe(0);
    expect(batches.reduce((n, b) => n + b.inputRows, 0)).toBe(25);
    await expect(lastValueFrom(from(rows).pipe(predict$(target, { concurrency: 0, client: client() })))).rejects.toThrow(ValidationError);
  });

  it('should take the client first, and keep the deprecated predict$(target, options) form working', async () => {
    const operations: string[] = [];
    const traced = client({ onRequest: (e) => e.phase === 'start' && operations.push(e.operation) });
    emulator().clearLog();
    const clientFirst = await lastValueFrom(from(rows.slice(0, 10)).pipe(predict$(traced, target, { batchSize: 5 }), toArray()));
    // The client's transport carried the requests (its tracing hook saw them).
    expect(operations).toEqual(['inference', 'inference']);
    const deprecated = await lastValueFrom(from(rows.slice(0, 10)).pipe(predict$(target, { batchSize: 5, client: client() }), toArray()));
    const withoutClient = await lastValueFrom(from(rows.slice(0, 10)).pipe(predict$(target, { batchSize: 5 }), toArray()));
    expect(deprecated.map((b) => b.rows)).toEqual(clientFirst.map((b) => b.rows));
    expect(withoutClient.map((b) => b.rows)).toEqual(clientFirst.map((b) => b.rows));
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(6);
  });

  it("should derive the requests' client from options.transport: its settings, the client's limits", async () => {
    const mine: string[] = [];
    const base = client({ limits: { maxInFlight: 2 } });
    const batches = await lastValueFrom(
      from(rows.slice(0, 10)).pipe(
        predict$(base, target, { batchSize: 5, transport: { onRequest: (e) => e.phase === 'start' && mine.push(e.operation), retry: { maxAttempts: 1 } } }),
        toArray(),
      ),
    );
    expect(batches).toHaveLength(2);
    expect(mine).toEqual(['inference', 'inference']);
  });

  it('should accept CSV text and send the documented options', async () => {
    const csv = [header, ...lines.slice(150, 154)].join('\n');
    const [batch] = await lastValueFrom(
      of(csv).pipe(
        predict$(target, {
          client: client(),
          batchSize: 10,
          analysis: true,
          includeInput: true,
          withoutClass: true,
          withoutRowNumbers: true,
          passColumn: 'date',
        }),
        toArray(),
      ),
    );
    expect(batch.inputRows).toBe(4);
    expect(Object.keys(batch.rows[0])).toEqual([...columns, 'probability_drizzle', 'probability_rain', 'probability_snow', 'probability_sun']);
    expect(batch.rows[0].date).toBe(lines[150].split(',')[0]);
    expect(batch.analysis).toHaveLength(4);
    expect(Object.keys(batch.analysis![0])).toEqual(['date', ...['date', 'precipitation', 'temp_max', 'temp_min', 'wind'].map((c) => `contribution_${c}`)]);
  });

  it('should map a wrong key to InferenceError accessDenied', async () => {
    const err = await lastValueFrom(from(rows).pipe(predict$({ url: target.url, apiKey: 'wrong' }, { client: client(), concurrency: 1 }))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ reason: 'accessDenied', code: 4031030201, httpStatus: 403, apiMessage: 'Invalid API key' });
  });

  it('should map an unknown classifier to InferenceError notFound', async () => {
    const url = target.url.replace(target.id, 'nope');
    const err = await lastValueFrom(from(rows).pipe(predict$({ url, apiKey: target.apiKey }, { client: client(), concurrency: 1 }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InferenceError', reason: 'notFound', code: 4001030101, httpStatus: 400 });
  });

  it('should map a denied source IP to InferenceError accessDenied', async () => {
    const denied = await deploy(client(), (await lastValueFrom(classifiers$(client())))!.model_id!, '10.0.0.0/8');
    const err = await lastValueFrom(from(rows).pipe(predict$(denied, { client: client(), concurrency: 1 }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'accessDenied', apiMessage: 'Not allowed source ip' });
  });

  it('should map a stopped classifier to InferenceError unavailable, without retrying', async () => {
    const stopped = await deploy(client(), (await lastValueFrom(classifiers$(client())))!.model_id!);
    await lastValueFrom(of({ classifierId: stopped.id, active: false }).pipe(updateClassifier$(client())));
    emulator().clearLog();
    const err = await lastValueFrom(from(rows).pipe(predict$(stopped, { client: client(), concurrency: 1 }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'unavailable', code: 5031030101, httpStatus: 503, apiMessage: 'status is not running (status: stopped)' });
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(1);
  });

  it('should retry a transient 503 without a documented code', async () => {
    emulator().clearLog();
    emulator().failNext('POST /inference/{classifier_id}', 503, { message: 'gateway' });
    const batches = await lastValueFrom(from(rows.slice(0, 1)).pipe(predict$(target, { client: client() }), toArray()));
    expect(batches).toHaveLength(1);
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(2);
  });

  it('should never put the inference key in an error', async () => {
    const err = (await lastValueFrom(
      from(rows).pipe(predict$({ url: target.url.replace(target.id, 'x'), apiKey: target.apiKey }, { client: client(), concurrency: 1 })),
    ).catch((e: unknown) => e)) as Error;
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(target.apiKey);
  });

  it('should refuse a bad batch size and a CSV without header', async () => {
    await expect(lastValueFrom(from(rows).pipe(predict$(target, { batchSize: 0 })))).rejects.toBeInstanceOf(ValidationError);
    await expect(lastValueFrom(of('').pipe(predict$(target, { client: client() })))).rejects.toBeInstanceOf(ValidationError);
  });

  it('should abort the request in flight and send no more batches when unsubscribed', async () => {
    emulator().clearLog();
    emulator().delayNext('POST /inference/{classifier_id}', 5_000);
    const arrived = emulator().waitForRequest('POST /inference/{classifier_id}');
    const sub = from(rows)
      .pipe(predict$(target, { client: client(), batchSize: 5, concurrency: 1 }))
      .subscribe();
    await arrived;
    const aborted = emulator().waitForAbort('POST /inference/{classifier_id}');
    sub.unsubscribe();
    expect((await aborted).aborted).toBe(true);
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(1);
  });
});

describe('predict$ as the vendor documents it (one row per request)', () => {
  const { emulator, client } = useEmulator();
  let target: InferenceTarget & { id: string };
  beforeAll(async () => {
    target = await deploy(client(), await trainedModel(client()));
  });

  /** A fetch that counts the requests in flight at once (the real fetch underneath). */
  function countingFetch(): { fetch: FetchLike; max: () => number } {
    let inFlight = 0;
    let max = 0;
    const real = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'unused' }).http.fetch;
    return {
      max: () => max,
      fetch: async (url, init) => {
        max = Math.max(max, ++inFlight);
        try {
          return await real(url, init);
        } finally {
          inFlight--;
        }
      },
    };
  }

  it('should send the header and ONE data row per request, and emit the answers in input order', async () => {
    emulator().clearLog();
    const counting = countingFetch();
    // The first answer is held back, so later ones overtake it; the output order must not change.
    emulator().delayNext('POST /inference/{classifier_id}', 200);
    const batches = await lastValueFrom(
      from(rows.slice(0, 9)).pipe(predict$(target, { client: client({ fetch: counting.fetch }), concurrency: 3 }), toArray()),
    );
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(9);
    expect(batches.map((b) => b.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batches.every((b) => b.inputRows === 1 && b.rows.length === 1)).toBe(true);
    expect(counting.max()).toBeLessThanOrEqual(3);
    expect(counting.max()).toBeGreaterThan(1);
  });

  it('should default to 4 requests in flight', async () => {
    const counting = countingFetch();
    await lastValueFrom(from(rows.slice(0, 12)).pipe(predict$(target, { client: client({ fetch: counting.fetch }) }), toArray()));
    expect(counting.max()).toBeLessThanOrEqual(4);
  });

  it('should split CSV text into one request per row', async () => {
    emulator().clearLog();
    const csv = [header, ...lines.slice(150, 154)].join('\n');
    const batches = await lastValueFrom(of(csv).pipe(predict$(target, { client: client() }), toArray()));
    expect(batches.map((b) => [b.index, b.inputRows])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(emulator().count('POST /inference/{classifier_id}')).toBe(4);
  });

  it('should get InferenceError badRequest (4001030104) for a multi-row request from an emulator that keeps to the contract', async () => {
    const err = await lastValueFrom(from(rows.slice(0, 4)).pipe(predict$(target, { client: client(), batchSize: 4 }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ reason: 'badRequest', code: 4001030104, httpStatus: 400, apiMessage: 'Invalid request' });
  });
});

describe('inIndexOrder', () => {
  it('should hold early answers until those before them were emitted', () => {
    // The frame-limited helper: a maxFrames set on the instance would be reset by run().
    testScheduler({ maxFrames: 1000 }).run(({ cold, expectObservable }) => {
      const b = (index: number) => ({ index, inputRows: 1, rows: [], files: {} });
      const source = cold('-c-a-d-b-----|', { a: b(0), b: b(1), c: b(2), d: b(3) });
      expectObservable(source.pipe(inIndexOrder())).toBe('---a---(bcd)-|', { a: b(0), b: b(1), c: b(2), d: b(3) });
    });
  });
});
