/** A real fleet batch (Redis, a worker, the emulator) yields a report with its timeline. */
import path from 'node:path';
import { createClient } from '../../lib';
import { createTrainingWorker, type TrainingWorker } from '../../lib/bullmq';
import { defaultBatchId } from '../../lib/cli/fleetBatch';
import { collectReportData } from '../../lib/node/report';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { jsonManifest, runCli, workDir } from './cliHarness';

/** `p1rx report` on a real fleet batch: its timeline and failures come from the producer's journal. */
describeWithRedis('p1rx report of a fleet batch', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ trainingDelayMs: 200 });
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

  it('draws upload, queue, training and download per job from the journal, and the failed job with its error', async () => {
    const manifest = await jsonManifest(dir, 2);
    const out = path.join(dir, 'out');
    running = createTrainingWorker(createClient({ baseUrl: emulator().url, apiKey: API_KEY }), { connection: redis().url, queueName: 'report', holdMs: 100 });
    // The producer uploads one job at a time: the first job's training fails at the service.
    emulator().injectNext('POST /v1/external/models', 'failTraining');
    const { code } = await runCli([
      'batch',
      manifest,
      '--queue',
      redis().url,
      '--queue-name',
      'report',
      '-o',
      out,
      '--concurrency',
      '1',
      '--poll-interval',
      '20',
      '--base-url',
      emulator().url,
      '--api-key',
      API_KEY,
      '--json',
    ]);
    expect(code).toBe(1);

    const data = await collectReportData(out);
    expect(data.outDir).toBe(path.join(out, defaultBatchId(manifest, out)));
    const failed = data.models.filter((m) => m.status === 'failed');
    const succeeded = data.models.filter((m) => m.status === 'succeeded');
    expect(failed).toHaveLength(1);
    expect(succeeded).toHaveLength(1);
    // The worker's typed error (not the fleet's wrapper), and what to do about it: not "it goes on at the service".
    expect(failed[0].error).toMatchObject({ name: 'TrainingFailedError', message: expect.stringContaining("ended with status 'failed'") });
    expect(failed[0].error!.hint).toContain('could not train');
    expect(failed[0].error!.message).not.toMatch(/https?:\/\//);
    const stages = succeeded[0].timeline.map((s) => s.stage);
    for (const stage of ['upload', 'create', 'queue', 'training', 'download']) expect(stages).toContain(stage);
    expect(succeeded[0].durations).toMatchObject({ upload: expect.any(Number), training: expect.any(Number), download: expect.any(Number) });
  });
});
