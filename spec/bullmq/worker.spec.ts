/** createTrainingWorker against a real Redis and the emulator. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { firstValueFrom, filter, map, of, takeWhile, toArray, lastValueFrom } from 'rxjs';
import { createClient, upload$ } from '../../lib';
import {
  createFleet,
  createTrainingWorker,
  enqueueTrainings,
  fleetEvents$,
  type FleetEvent,
  type FleetJobData,
  type FleetTraining,
  type TrainingWorker,
} from '../../lib/bullmq';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';

const config = { tt: 'multi_classification', tc: 'weather', cv: 1 } as const;

/** Waits until every key has ended (succeeded or failed), collecting the events. */
function untilEnded(events$: ReturnType<typeof fleetEvents$>, keys: readonly string[]): Promise<FleetEvent[]> {
  const left = new Set(keys);
  return lastValueFrom(
    events$.pipe(
      takeWhile((e) => {
        if (e.type !== 'progress') left.delete(e.key);
        return left.size > 0;
      }, true),
      toArray(),
    ),
  );
}

describeWithRedis('prediction-one-rx/bullmq in one process', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ trainingDelayMs: 20 });
  let dir: string;
  let queue: Queue<FleetJobData>;
  let queueEvents: QueueEvents;
  let running: TrainingWorker | undefined;
  let queueName: string;
  let n = 0;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-fleet-'));
    await writeFile(path.join(dir, 'weather.csv'), seattleWeather(60));
    queueName = `q${++n}`;
    queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    queueEvents = new QueueEvents(queueName, { connection: { url: redis().url } });
    await queueEvents.waitUntilReady();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await queueEvents.close();
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  const client = () => createClient({ baseUrl: emulator().url, apiKey: API_KEY, requestTimeoutMs: 5000, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
  const start = (extra: Partial<Parameters<typeof createTrainingWorker>[1]> = {}) =>
    (running = createTrainingWorker(client(), {
      connection: redis().url,
      queueName,
      concurrency: 3,
      out: path.join(dir, 'out'),
      holdMs: 30,
      lockDurationMs: 10_000,
      stalledIntervalMs: 1000,
      ...extra,
    }));

  it('should train every job once, uploading from the workers, and enqueue nothing new the second time', async () => {
    const trainings: FleetTraining[] = Array.from({ length: 6 }, (_, i) => ({
      key: `job-${i + 1}`,
      config,
      data: { train: path.join(dir, 'weather.csv') },
      poll: { minDelayMs: 20, maxDelayMs: 100 },
    }));
    const uploadsBefore = emulator().stats().uploadSessions;
    const modelsBefore = emulator().stats().modelsCreated;
    const ended = untilEnded(
      fleetEvents$(queueEvents, { batchId: 'b1' }),
      trainings.map((t) => t.key),
    );
    const first = await enqueueTrainings(queue, trainings, { batchId: 'b1' });
    expect(first.added).toHaveLength(6);
    start();
    const events = await ended;
    const outcomes = events.filter((e) => e.type !== 'progress');
    expect(outcomes.map((e) => e.type)).toEqual(Array(6).fill('succeeded'));
    expect(events.some((e) => e.type === 'progress' && e.event.type === 'queued')).toBe(true);
    for (const t of trainings) expect(existsSync(path.join(dir, 'out', t.key, 'metrics.csv'))).toBe(true);
    const stats = emulator().stats();
    expect(stats.modelsCreated - modelsBefore).toBe(6);
    expect(stats.uploadSessions - uploadsBefore).toBe(6);
    expect(stats.uploadsWithMultipleModels).toBe(0);

    const again = await enqueueTrainings(queue, trainings, { batchId: 'b1' });
    expect(again.added).toEqual([]);
    expect(again.existing).toHaveLength(6);
  });

  it('should fail a training the service reports failed without retrying it', async () => {
    emulator().injectNext('POST /v1/external/models', 'failTraining');
    const ended = untilEnded(fleetEvents$(queueEvents, { batchId: 'b2' }), ['bad']);
    await enqueueTrainings(queue, [{ key: 'bad', config, data: { train: path.join(dir, 'weather.csv') }, poll: { minDelayMs: 20, maxDelayMs: 50 } }], {
      batchId: 'b2',
    });
    start();
    const events = await ended;
    const failed = events.find((e) => e.type === 'failed');
    expect(failed?.type === 'failed' && failed.error.message).toMatch(/TrainingFailedError/);
    const job = await queue.getJob('b2/bad');
    expect(job?.attemptsMade).toBe(1);
  });

  it('should park a job between polls with moveToDelayed (slot free) and resume it', async () => {
    const models = emulator().stats().modelsCreated;
    const ended = untilEnded(fleetEvents$(queueEvents, { batchId: 'b3' }), ['p']);
    await enqueueTrainings(queue, [{ key: 'p', config, data: { train: path.join(dir, 'weather.csv') }, poll: { minDelayMs: 200, maxDelayMs: 200 } }], {
      batchId: 'b3',
    });
    start({ holdMs: 50 });
    const delayed = firstValueFrom(fleetEvents$(queueEvents, { batchId: 'b3' }).pipe(filter((e) => e.type === 'progress' && e.event.type === 'queued')));
    await delayed;
    const events = await ended;
    expect(events.at(-1)?.type).toBe('succeeded');
    const job = await queue.getJob('b3/p');
    expect(job?.data.record.stage).toBe('downloaded');
    expect(emulator().stats().modelsCreated - models).toBe(1);
  });

  it('should open a fleet-wide backoff window on a 429 for its Retry-After', async () => {
    const conn = new Redis(redis().url);
    try {
      const { createFleet } = await import('../../lib/bullmq');
      const fleet = createFleet(conn, { name: queueName });
      const gated = fleet.fetch(globalThis.fetch as never);
      emulator().failNext('GET /v1/external/models', 429, { code: 4290000000, error: 'Too Many Requests', message: 'slow down' }, { retryAfterS: 1 });
      const res = await gated(`${emulator().url}/v1/external/models`, {
        method: 'GET',
        headers: { 'x-api-key': API_KEY },
        signal: new AbortController().signal,
      });
      expect(res.status).toBe(429);
      const left = await fleet.backoffLeftMs();
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(1000);
      const [window] = await fleet.backoffWindows();
      expect(window.until - window.openedAt).toBe(1000);
    } finally {
      conn.disconnect();
    }
  });

  // `p1rx worker` without --claim-ttl-ms passes `fleet: { claimTtlMs: undefined }`: that must
  // mean the documented default, not the fleet's 2-minute one (a worker killed holding a claim
  // then kept its job's Create Model from every other worker for 2 minutes).
  it.each([
    ['no fleet options', {}],
    ['fleet.claimTtlMs undefined', { fleet: { claimTtlMs: undefined } }],
  ])('should hold a Create Model claim for max(2 x request timeout, lock) with %s', async (_case, extra) => {
    const conn = new Redis(redis().url);
    try {
      const id = await lastValueFrom(
        of(seattleWeather(60)).pipe(
          upload$(client()),
          filter((e) => e.type === 'uploaded'),
          map((e) => (e as { externalProcessId: string }).externalProcessId),
        ),
      );
      // The fleet backs off (a 429 elsewhere), so the worker holds the claim at the gate.
      await createFleet(conn, { name: queueName }).backoff(1500);
      start({ lockDurationMs: 3000, ...extra });
      await enqueueTrainings(queue, [{ key: 'c', config, externalProcessId: id, poll: { minDelayMs: 50, maxDelayMs: 50 } }], { batchId: `ttl${n}` });
      const key = `p1rx-fleet:${queueName}:claim:${id}`;
      let ttl = -2;
      for (const deadline = Date.now() + 60_000; ttl < 0 && Date.now() < deadline;) {
        ttl = await conn.pttl(key);
        if (ttl < 0) await new Promise((r) => setTimeout(r, 10));
      }
      // The client's request timeout is 5 s: 2 x 5 s, above the 3 s lock.
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
    } finally {
      conn.disconnect();
    }
  });
});
