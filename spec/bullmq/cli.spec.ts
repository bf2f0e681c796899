/** p1rx batch --queue and p1rx worker, end to end with a real Redis and the emulator. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createClient } from '../../lib';
import { createTrainingWorker, type FleetJobData, type TrainingWorker } from '../../lib/bullmq';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { jsonManifest, runCli, workDir } from '../cli/cliHarness';
import { defaultBatchId } from '../../lib/cli/fleetBatch';

describeWithRedis('p1rx batch --queue', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ trainingDelayMs: 20 });
  let dir: string;
  let cleanup: () => Promise<void>;
  let running: TrainingWorker | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await cleanup();
  });
  const common = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--json'];

  it('should enqueue nothing new (and upload nothing) when run twice', async () => {
    const manifest = await jsonManifest(dir, 4);
    const args = ['batch', manifest, '--queue', redis().url, '--queue-name', 'twice', '-o', path.join(dir, 'out'), '--detach', ...common()];
    const sessions = emulator().stats().uploadSessions;
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.io.events().at(-1)).toMatchObject({ type: 'enqueued', added: 4, existing: 0 });
    expect(emulator().stats().uploadSessions - sessions).toBe(4);
    const second = await runCli(args);
    expect(second.io.events().at(-1)).toMatchObject({ type: 'enqueued', added: 0, existing: 4 });
    expect(emulator().stats().uploadSessions - sessions).toBe(4);
    const queue = new Queue<FleetJobData>('twice', { connection: { url: redis().url } });
    try {
      expect(await queue.getJobCountByTypes('waiting')).toBe(4);
      expect((await queue.getJobs(['waiting'])).every((j) => j.data.record.stage === 'uploaded')).toBe(true);
    } finally {
      await queue.close();
    }
  });

  it('should let the workers upload from a shared path and follow the fleet to the summary', async () => {
    const manifest = await jsonManifest(dir, 3);
    const out = path.join(dir, 'out');
    running = createTrainingWorker(createClient({ baseUrl: emulator().url, apiKey: API_KEY }), {
      connection: redis().url,
      queueName: 'shared',
      out,
      holdMs: 100,
      concurrency: 3,
    });
    const sessions = emulator().stats().uploadSessions;
    const { code, io } = await runCli([
      'batch',
      manifest,
      '--queue',
      redis().url,
      '--queue-name',
      'shared',
      '-o',
      out,
      '--upload-from',
      'workers',
      '--poll-interval',
      '30',
      ...common(),
    ]);
    expect(code).toBe(0);
    const events = io.events();
    expect(
      events
        .filter((e) => e.type === 'succeeded')
        .map((e) => e.key)
        .sort(),
    ).toEqual(['job1', 'job2', 'job3']);
    expect(events.some((e) => e.type === 'status')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'summary', succeeded: 3, failed: 0, exitCode: 0 });
    expect(io.err()).toMatch(/job1\s+succeeded/);
    expect(emulator().stats().uploadSessions - sessions).toBe(3);
    // In the batch's own folder, which the producer chose and the jobs carry.
    for (const k of ['job1', 'job2', 'job3']) expect(existsSync(path.join(out, defaultBatchId(manifest, out), k, 'metrics.csv'))).toBe(true);

    // Followed again once done: every job is skipped, exit 0.
    const again = await runCli(['batch', manifest, '--queue', redis().url, '--queue-name', 'shared', '-o', out, '--upload-from', 'workers', ...common()]);
    expect(again.code).toBe(0);
    expect(again.io.events().at(-1)).toMatchObject({ type: 'summary', skipped: 3, succeeded: 0 });
  });

  it('should exit 1 with the failed job in the summary', async () => {
    const manifest = await jsonManifest(dir, 1);
    running = createTrainingWorker(createClient({ baseUrl: emulator().url, apiKey: API_KEY }), { connection: redis().url, queueName: 'failing', holdMs: 100 });
    emulator().injectNext('POST /v1/external/models', 'failTraining');
    const { code, io } = await runCli([
      'batch',
      manifest,
      '--queue',
      redis().url,
      '--queue-name',
      'failing',
      '-o',
      path.join(dir, 'out'),
      '--poll-interval',
      '30',
      ...common(),
    ]);
    expect(code).toBe(1);
    expect(io.events().find((e) => e.type === 'failed')).toMatchObject({ key: 'job1', error: { name: 'FleetJobError' } });
    expect(io.err()).toMatch(/job1\s+failed\s+FleetJobError: TrainingFailedError/);
  });
});
