/** Workers killed with kill -9 while holding trainings: the rest finish every job with no second Create Model. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { FleetJobData } from '../../lib/bullmq';
import { useEmulator, seattleWeather } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { fakeIo, runCli } from '../cli/cliHarness';
import { claimHolder, spawnWorker, stopWorkers, until, type WorkerProcess } from './fleetHarness';
import { seededRandom } from '../../lib/emulator/training/random';

const CREATE = 'POST /v1/external/models';
const JOBS = 200;

/**
 * Four real `p1rx worker` processes share 200 trainings, holding them in their slots (the
 * default: polls made in the worker, Redis written on stage changes); Create Model meets latency
 * and connection resets (after the model is created); workers are killed with kill -9 (one while
 * its Create Model is held in flight, the others while they hold jobs) and replaced. Every job
 * completes, exactly one model per upload, one upload per job, nothing fails as stalled. A short
 * lock, stalled interval and Create Model quiet time (`--create-quiet-ms`, above the request
 * timeout) make the retakes quick.
 */
describeWithRedis('a fleet of p1rx workers killed with kill -9', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({
    trainingDelayMs: 30,
    faults: {
      seed: 15,
      rules: [
        { route: CREATE, kind: 'latency', rate: 0.3, latencyMs: 400 },
        { route: CREATE, kind: 'resetAfter', rate: 0.1 },
      ],
    },
  });
  let dir: string;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-crash-'));
  });
  afterAll(async () => {
    await stopWorkers(workers);
    await rm(dir, { recursive: true, force: true });
  });

  it('should complete every job with exactly one Create Model per upload', async () => {
    const queueName = 'crash';
    const out = path.join(dir, 'out');
    await writeFile(path.join(dir, 'weather.csv'), seattleWeather(60));
    const manifest = path.join(dir, 'manifest.json');
    await writeFile(
      manifest,
      JSON.stringify(
        Array.from({ length: JOBS }, (_, i) => ({ key: `job${i + 1}`, csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 1 })),
      ),
    );
    const common = ['--base-url', emulator().url, '--api-key', 'test-api-key-0123456789'];
    const batchArgs = [
      'batch',
      manifest,
      '--queue',
      redis().url,
      '--queue-name',
      queueName,
      '-o',
      out,
      '-c',
      '16',
      '--poll-interval',
      '100',
      '--json',
      ...common,
    ];

    // The producer uploads every job and enqueues it (in this process, as the CLI does).
    const enqueued = await runCli([...batchArgs, '--detach']);
    expect(enqueued.code).toBe(0);
    expect(enqueued.io.events().at(-1)).toMatchObject({ type: 'enqueued', added: JOBS });

    const conn = new Redis(redis().url);
    const queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    const args = [
      '--queue',
      redis().url,
      '--queue-name',
      queueName,
      '--out',
      out,
      '--concurrency',
      '10',
      '--lock-ms',
      '3000',
      '--stalled-interval-ms',
      '500',
      // A Create Model cut off by a kill is sent again once this has passed and the service
      // still does not know it. Not just above the request timeout: a POST the client gave up
      // on can still be read and acted on by a busy server (here the emulator shares Jest's
      // event loop, on a loaded machine) seconds later (docs/PERFORMANCE.md, "Test suite").
      '--create-quiet-ms',
      '15000',
      '--request-timeout',
      '4000',
    ];
    const ready = new Set<WorkerProcess>();
    const start = () => {
      const w = spawnWorker(args, emulator().url);
      workers.push(w);
      // A replacement still starting when the spec stops its workers never gets ready: not a failure.
      void w.ready.then(
        () => ready.add(w),
        () => undefined,
      );
      return w;
    };
    const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    /** The jobs a worker holds (BullMQ's active list, by `processedBy`). */
    const heldBy = async (w: WorkerProcess): Promise<number> => {
      const ids = await conn.lrange(`bull:${queueName}:active`, 0, -1);
      const names = await Promise.all(ids.map((id) => conn.hget(`bull:${queueName}:${id}`, 'pb')));
      return names.filter((n) => n === `p1rx-worker-${w.pid}`).length;
    };
    const followIo = fakeIo();
    try {
      // The first Create Model is held 3 s (the model is created first): its sender is killed then.
      const before = new Set(Object.keys(emulator().stats().modelsCreatedByUpload));
      const logged = emulator().requests.length;
      emulator().injectNext(CREATE, 'latency', { latencyMs: 3000 });
      await Promise.all([start(), start(), start(), start()].map((w) => w.ready));
      // Follow the fleet like a user would: same display, summary and exit code as a local batch.
      const followed = runCli(batchArgs, followIo);
      const kills: number[] = [];

      await until(
        'a held Create Model',
        () =>
          emulator()
            .requests.slice(logged)
            .some((r) => r.route === CREATE) || undefined,
      );
      const created = Object.keys(emulator().stats().modelsCreatedByUpload).filter((id) => !before.has(id));
      const holders = (await Promise.all(created.map((id) => claimHolder(conn, queueName, id)))).filter((pid): pid is number => pid !== undefined);
      const sender = alive().find((w) => holders.includes(w.pid));
      expect(sender).toBeDefined();
      sender!.child.kill('SIGKILL');
      kills.push(sender!.pid);
      await sender!.exited;
      // Replacements start while the others work on (not awaited: a worker's start is slow).
      start();

      const random = seededRandom(7); // the same kills on every run
      const heldAtKill: number[] = [];
      for (const threshold of [20, 60, 100, 140]) {
        await until(`${threshold} jobs completed`, async () => ((await queue.getCompletedCount()) >= threshold ? true : undefined), 120_000);
        // A ready worker that holds jobs: frozen first (dead to Redis from then on), what it holds
        // read, then kill -9.
        const victim = await until('a worker holding jobs', async () => {
          const pool = alive().filter((w) => ready.has(w));
          const w = pool[Math.floor(random() * pool.length)];
          return w && (await heldBy(w)) > 0 ? w : undefined;
        });
        victim.child.kill('SIGSTOP');
        heldAtKill.push(await heldBy(victim));
        victim.child.kill('SIGKILL');
        kills.push(victim.pid);
        await victim.exited;
        start();
      }
      expect(kills).toHaveLength(5);
      for (const held of heldAtKill) expect(held).toBeGreaterThan(0);

      const { code, io } = await followed;
      const summary = io.events().at(-1);
      expect(summary).toMatchObject({ type: 'summary', failed: 0, notRun: 0, exitCode: 0 });
      expect(code).toBe(0);
      expect((await queue.getJobCounts('completed', 'failed')).completed).toBe(JOBS);
      expect(await queue.getFailedCount()).toBe(0);

      const stats = emulator().stats();
      expect(stats.modelsCreated).toBe(JOBS);
      expect(stats.uploadsWithMultipleModels).toBe(0);
      expect(stats.uploadSessions).toBe(JOBS);
      expect(Object.keys(stats.modelsCreatedByUpload)).toHaveLength(JOBS);
      // The faults did hit: resets after a created model, and latency.
      expect(stats.faults.resetAfter).toBeGreaterThan(0);
    } finally {
      // Stops following (as Ctrl-C would) if an assertion failed before the batch ended.
      followIo.interrupt();
      await stopWorkers(workers);
      await queue.close();
      conn.disconnect();
    }
  }, 300_000);
});
