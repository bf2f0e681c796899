/** A 429 to one worker pauses the fleet for its Retry-After, on the API host only and capped. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { filter, lastValueFrom, map, of } from 'rxjs';
import { createClient, upload$ } from '../../lib';
import { createFleet, enqueueTrainings, type FleetJobData, type FleetTraining } from '../../lib/bullmq';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { spawnWorker, stopWorkers, until, type WorkerProcess } from './fleetHarness';

const STATUS = 'GET /v1/external/models/results';

/**
 * A 429 answered to one worker stops the whole fleet for its Retry-After: three real workers
 * poll trainings (the emulator is manual: they never finish); one status call gets 429 with
 * `Retry-After: 2`. The gate's trace (Redis clock) shows no request let through inside the
 * window, and the emulator's log shows nothing arriving in it but requests already on their way.
 */
describeWithRedis('the fleet-wide 429 backoff', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-429-'));
  });
  afterAll(async () => {
    await stopWorkers(workers);
    await rm(dir, { recursive: true, force: true });
  });

  it('should send no request from any worker while the Retry-After window is open', async () => {
    const queueName = 'backoff';
    const conn = new Redis(redis().url);
    const queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    const fleet = createFleet(conn, { name: queueName });
    try {
      const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY });
      const trainings: FleetTraining[] = [];
      for (let i = 1; i <= 12; i++) {
        const id = await lastValueFrom(
          of(seattleWeather(40)).pipe(
            upload$(client),
            filter((e) => e.type === 'uploaded'),
            map((e) => (e as { externalProcessId: string }).externalProcessId),
          ),
        );
        trainings.push({
          key: `t${i}`,
          config: { tt: 'multi_classification', tc: 'weather', cv: 1 },
          externalProcessId: id,
          poll: { minDelayMs: 100, maxDelayMs: 100 },
        });
      }
      await enqueueTrainings(queue, trainings, { batchId: 'b' });
      emulator().clearLog();
      const args = [
        '--queue',
        redis().url,
        '--queue-name',
        queueName,
        '--out',
        path.join(dir, 'out'),
        '--concurrency',
        '4',
        '--hold-ms',
        '200',
        '--lock-ms',
        '6000',
        '--stalled-interval-ms',
        '1000',
        '--request-timeout',
        '5000',
      ];
      for (let i = 0; i < 3; i++) workers.push(spawnWorker(args, emulator().url, { P1RX_FLEET_TRACE: '1' }));
      await Promise.all(workers.map((w) => w.ready));
      await until('every training polled', () => (emulator().count(STATUS) >= 40 ? true : undefined));
      // And every worker past the gate (a worker that starts late must not be counted as paused).
      await until('every worker polling', async () =>
        new Set((await fleet.gatePasses(0, Number.MAX_SAFE_INTEGER)).map((p) => p.by)).size === 3 ? true : undefined,
      );

      emulator().injectNext(STATUS, 'rateLimit', { retryAfterS: 2 });
      const [window] = await until('the backoff window', async () => {
        const windows = await fleet.backoffWindows();
        return windows.length > 0 ? windows : undefined;
      });
      expect(window.until - window.openedAt).toBe(2000);
      await until(
        'polling resumed after the window',
        () => (emulator().requests.filter((r) => r.startedAt > window.until + 200).length >= 10 ? true : undefined),
        30_000,
      );

      const passes = await fleet.gatePasses(0, Number.MAX_SAFE_INTEGER);
      // Every worker was polling before the window, and is again after it.
      expect(new Set(passes.filter((p) => p.at <= window.openedAt).map((p) => p.by)).size).toBe(3);
      expect(new Set(passes.filter((p) => p.at >= window.until).map((p) => p.by)).size).toBe(3);
      // Not one request let through while the window was open (same Redis clock).
      expect(passes.filter((p) => p.at > window.openedAt && p.at < window.until)).toEqual([]);
      // The emulator saw nothing arrive in the window but requests already past the gate.
      // (Not the one List Models each worker sends before it is ready: its credentials check.)
      const requests = emulator().requests.filter((r) => r.route !== 'GET /v1/external/models');
      const arrivedBefore = requests.filter((r) => r.startedAt <= window.openedAt).length;
      const passedBefore = passes.filter((p) => p.at <= window.openedAt).length;
      const inWindow = requests.filter((r) => r.startedAt > window.openedAt && r.startedAt < window.until);
      expect(inWindow.length).toBeLessThanOrEqual(passedBefore - arrivedBefore);
      expect(emulator().requests.find((r) => r.status === 429)).toBeDefined();
    } finally {
      await stopWorkers(workers);
      await queue.close();
      conn.disconnect();
    }
  }, 120_000);
});
