/** The producer follows a fleet batch to its end and checks its results exist. */
import path from 'node:path';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createClient, type FetchLike } from '../../lib';
import { createFleet, createTrainingWorker, type FleetJobData, type FleetJobResult, type TrainingWorker } from '../../lib/bullmq';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { fakeIo, jsonManifest, runCli, workDir } from '../cli/cliHarness';
import { spawnWorker, stopWorkers, until, type WorkerProcess } from './fleetHarness';

/** What the producer shows and re-enqueues, and the scope of the fleet's 429 pause. */
describeWithRedis('following a fleet', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let cleanup: () => Promise<void>;
  let running: TrainingWorker | undefined;
  const workers: WorkerProcess[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await stopWorkers(workers.splice(0), 5000);
    await cleanup();
  });
  const common = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--json', '--poll-interval', '50'];
  const finishAll = async () => {
    for (const id of Object.keys(emulator().stats().modelsCreatedByUpload)) await emulator().advance(id, 'finished');
  };

  it('should enqueue failed jobs again with --retry-failed, and only then', async () => {
    const manifest = await jsonManifest(dir, 2);
    const args = ['batch', manifest, '--queue', redis().url, '--queue-name', 'retry', '-o', path.join(dir, 'out'), ...common()];
    // A worker that fails every job for good (as one with a broken setup would).
    const broken = new Worker<FleetJobData, FleetJobResult>(
      'retry',
      async () => {
        throw new UnrecoverableError('broken worker');
      },
      { connection: { url: redis().url } },
    );
    const first = await runCli(args);
    await broken.close();
    expect(first.code).toBe(1);
    expect(first.io.events().at(-1)).toMatchObject({ type: 'summary', failed: 2 });

    running = createTrainingWorker(createClient({ baseUrl: emulator().url, apiKey: API_KEY }), { connection: redis().url, queueName: 'retry', holdMs: 100 });
    // Without the flag, a failed job stays failed.
    const again = await runCli(args);
    expect(again.code).toBe(1);
    expect(again.io.events().at(-1)).toMatchObject({ type: 'summary', failed: 2, succeeded: 0 });

    const io = fakeIo();
    const retried = runCli([...args, '--retry-failed'], io);
    await until('2 trainings created', () => (Object.keys(emulator().stats().modelsCreatedByUpload).length >= 2 ? true : undefined), 20_000);
    await finishAll();
    const { code } = await retried;
    expect(io.err()).toMatch(/2 failed job\(s\) of batch \w+ enqueued again/);
    expect(code).toBe(0);
    expect(io.events().at(-1)).toMatchObject({ type: 'summary', succeeded: 2, failed: 0 });
  });

  it('should show the jobs of a worker killed with kill -9 as "worker lost, retaking", then finish them', async () => {
    const manifest = await jsonManifest(dir, 1);
    const args = [
      '--queue',
      redis().url,
      '--queue-name',
      'lost-worker',
      '--hold-ms',
      '1000',
      '--lock-ms',
      '1500',
      '--stalled-interval-ms',
      '300',
      '--request-timeout',
      '1000',
    ];
    const first = spawnWorker(args, emulator().url);
    workers.push(first);
    await first.ready;
    const io = fakeIo();
    const polled = emulator().count('GET /v1/external/models/results');
    const followed = runCli(['batch', manifest, '--queue', redis().url, '--queue-name', 'lost-worker', '-o', path.join(dir, 'out'), ...common()], io);
    try {
      // The job is in the worker's slot, polling a training that does not end yet.
      await until('the training polled', () => (emulator().count('GET /v1/external/models/results') >= polled + 2 ? true : undefined), 20_000);
      first.child.kill('SIGKILL');
      await first.exited;
      const second = spawnWorker(args, emulator().url);
      workers.push(second);
      await second.ready;
      await until('worker lost, retaking', () => (/job1: worker lost, retaking/.test(io.err()) ? true : undefined), 20_000);
      await finishAll();
      const { code } = await followed;
      expect(code).toBe(0);
      expect(io.events().at(-1)).toMatchObject({ type: 'summary', succeeded: 1 });
    } finally {
      io.interrupt();
    }
  });

  it("should pause the fleet only for the API's own host, and for at most 60 s", async () => {
    const conn = new Redis(redis().url);
    try {
      const fleet = createFleet(conn, { name: 'scope' });
      const inner: FetchLike = async () => new Response('slow down', { status: 429, headers: { 'retry-after': '600' } });
      const gated = fleet.fetch(inner, { apiBaseUrl: 'http://127.0.0.1:9/api' });
      // The storage's 429 (a pre-signed URL on another host) is its own.
      expect(
        (await gated('http://127.0.0.2:9/bucket/upload?X-Amz-Signature=s', { method: 'PUT', headers: {}, signal: new AbortController().signal })).status,
      ).toBe(429);
      expect(await fleet.backoffLeftMs()).toBe(0);
      expect(await fleet.backoffWindows()).toEqual([]);
      // The API's 429 pauses everyone, capped.
      expect((await gated('http://127.0.0.1:9/api/v1/external/models', { method: 'GET', headers: {}, signal: new AbortController().signal })).status).toBe(429);
      const [window] = await fleet.backoffWindows();
      expect(window.until - window.openedAt).toBe(60_000);
    } finally {
      conn.disconnect();
    }
  });
});
