/** Held jobs: polls in the worker write nothing to Redis between stage changes. */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { filter, lastValueFrom, map, of } from 'rxjs';
import { createClient, upload$, type PredictionOneClient } from '../../lib';
import { createTrainingWorker, enqueueTrainings, type ActivationEnd, type FleetJobData, type TrainingWorker } from '../../lib/bullmq';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { until } from './fleetHarness';

const STATUS = 'GET /v1/external/models/results';

/** Calls so far of every command (`INFO commandstats`: commands run inside Lua scripts count too). */
async function commandCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/cmdstat_[^:]+:calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/**
 * A MONITOR connection (a plain socket: each line is `+<time> [<db> <client>] "cmd" "arg" …`).
 * Resolves once Redis answered OK.
 */
async function monitorRedis(url: string): Promise<{ onCommand(listener: (args: string[]) => void): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const listeners: ((args: string[]) => void)[] = [];
  let buffered = '';
  let ok: () => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    ok = resolve;
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\r\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '+OK') ok();
      const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
      if (args.length > 0) for (const l of listeners) l(args);
    }
  });
  socket.write('MONITOR\r\n');
  await started;
  return {
    onCommand: (listener) => listeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}

/**
 * A training held in a worker's slot (the default): its polls are made by the library's step
 * function in the worker, and the job's data in Redis is written only when its stage changes.
 * MONITOR shows every command on the job's hash (those run inside BullMQ's and the fleet's Lua
 * scripts too); INFO commandstats counts all commands.
 */
describeWithRedis('a training held in a worker slot', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let running: TrainingWorker | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-hold-'));
  });
  afterAll(async () => {
    await running?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Uploads a small data set and enqueues one job `key` that follows it (polls every 20 ms); its Redis key. */
  async function enqueueUploaded(queue: Queue<FleetJobData>, key: string): Promise<{ client: PredictionOneClient; id: string; jobId: string; jobKey: string }> {
    const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY });
    const id = await lastValueFrom(
      of(seattleWeather(40)).pipe(
        upload$(client),
        filter((e) => e.type === 'uploaded'),
        map((e) => (e as { externalProcessId: string }).externalProcessId),
      ),
    );
    const { jobIds } = await enqueueTrainings(
      queue,
      [{ key, config: { tt: 'multi_classification', tc: 'weather', cv: 1 }, externalProcessId: id, poll: { minDelayMs: 20, maxDelayMs: 20 } }],
      { batchId: 'b', out: path.join(dir, 'out') },
    );
    const jobId = jobIds.get(key)!;
    return { client, id, jobId, jobKey: `bull:${queue.name}:${jobId}` };
  }

  it('should write the job to Redis only on stage changes, and cost Redis less than one command per poll', async () => {
    const queueName = 'held';
    const conn = new Redis(redis().url);
    const queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    const monitor = await monitorRedis(redis().url);
    try {
      const { client, id, jobId, jobKey } = await enqueueUploaded(queue, 'h');
      const touches: string[] = [];
      monitor.onCommand((args) => {
        if (args.includes(jobKey)) touches.push(args.slice(0, 2).join(' '));
      });
      // Default settings: polls every 20 ms are held (holdMs 60 s).
      running = createTrainingWorker(client, { connection: redis().url, queueName });
      await until('the training polled 3 times', () => (emulator().count(STATUS) >= 3 ? true : undefined));
      // Stage changes (creating, training) were written.
      expect((await queue.getJob(jobId))?.data.record.stage).toBe('training');

      touches.length = 0;
      const calls0 = await commandCalls(conn);
      const polls0 = emulator().count(STATUS);
      await until('40 more polls', () => (emulator().count(STATUS) >= polls0 + 40 ? true : undefined));
      const polls = emulator().count(STATUS) - polls0;
      const calls = (await commandCalls(conn)) - calls0;
      // The same status ('waiting') poll after poll: nothing written, no progress.
      expect(touches).toEqual([]);
      expect(calls).toBeLessThan(polls);

      // A status change is progress; the end is a stage change (downloaded) and the completion.
      await emulator().advance(id, 'finished');
      await until('the job completed', async () => ((await queue.getJob(jobId))?.finishedOn ? true : undefined));
      const job = await queue.getJob(jobId);
      expect(job?.data.record.stage).toBe('downloaded');
      expect(touches.length).toBeGreaterThan(0);
    } finally {
      await running?.close();
      running = undefined;
      await monitor.close();
      await queue.close();
      conn.disconnect();
    }
  }, 60_000);

  it('should park its held jobs when the worker closes, for another worker to follow', async () => {
    const queueName = 'drain';
    const queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    try {
      const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          await lastValueFrom(
            of(seattleWeather(40)).pipe(
              upload$(client),
              filter((e) => e.type === 'uploaded'),
              map((e) => (e as { externalProcessId: string }).externalProcessId),
            ),
          ),
        );
      }
      const { jobIds } = await enqueueTrainings(
        queue,
        ids.map((id, i) => ({
          key: `d${i}`,
          config: { tt: 'multi_classification', tc: 'weather', cv: 1 },
          externalProcessId: id,
          poll: { minDelayMs: 50, maxDelayMs: 50 },
        })),
        { batchId: 'b', out: path.join(dir, 'out') },
      );
      const polls0 = emulator().count(STATUS);
      const first = createTrainingWorker(client, { connection: redis().url, queueName });
      running = first;
      await until('every job held', async () => ((await queue.getActiveCount()) === 3 ? true : undefined));
      // Every 50 ms each: a few polls of every job.
      await until('polled', () => (emulator().count(STATUS) >= polls0 + 15 ? true : undefined));
      await first.close();
      running = undefined;
      // Parked (not failed, not stalled): the record written with its polls, due for any worker.
      for (const jobId of jobIds.values()) {
        const job = await queue.getJob(jobId);
        expect(await job?.getState()).toMatch(/^(delayed|waiting)$/);
        expect(job?.data.record).toMatchObject({ stage: 'training' });
        expect(job?.data.record.polls).toBeGreaterThan(0);
        expect(job?.attemptsMade).toBe(0);
      }
      const models = emulator().stats().modelsCreated;
      running = createTrainingWorker(client, { connection: redis().url, queueName });
      for (const id of ids) await emulator().advance(id, 'finished');
      await until('every job completed', async () => ((await queue.getCompletedCount()) === 3 ? true : undefined));
      expect(emulator().stats().modelsCreated).toBe(models);
      expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
    } finally {
      await running?.close();
      running = undefined;
      await queue.close();
    }
  }, 60_000);

  it('should stop holding a job whose lock it could not renew (another worker owns it now)', async () => {
    const queueName = 'lost';
    const conn = new Redis(redis().url);
    const queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    try {
      const { client, jobKey } = await enqueueUploaded(queue, 'l');
      const ended: ActivationEnd[] = [];
      const polls0 = emulator().count(STATUS);
      // Renewed every 500 ms; no stalled check meanwhile.
      running = createTrainingWorker(client, {
        connection: redis().url,
        queueName,
        lockDurationMs: 1000,
        stalledIntervalMs: 600_000,
        observe: { end: (a) => ended.push(a) },
      });
      await until('the training held and polled', () => (emulator().count(STATUS) >= polls0 + 5 ? true : undefined));
      // Another worker's token on the lock: this worker's next renewal fails.
      await conn.set(`${jobKey}:lock`, 'another-worker', 'PX', 60_000);
      const [end] = await until('the activation ended', () => (ended.length > 0 ? ended : undefined));
      expect(end).toMatchObject({ outcome: 'error', stage: 'training' });
      expect(end.error?.name).toBe('JobLockLostError');
    } finally {
      await running?.close();
      running = undefined;
      await queue.close();
      conn.disconnect();
    }
  }, 60_000);
});
