/** Redis restarted empty: --resume follows the journal's trainings to their end, never creating them again. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { describeWithRedis } from '../helpers/redis';
import { jsonManifest, runCli, workDir } from '../cli/cliHarness';
import { defaultBatchId } from '../../lib/cli/fleetBatch';
import { JOURNAL_FILE } from '../../lib/cli/fleetJournal';
import { freeLoopbackPort, spawnWorker, startRedisOn, stopWorkers, until, type WorkerProcess } from './fleetHarness';

const CREATE = 'POST /v1/external/models';

/**
 * Redis restarted without persistence comes back empty: the trainings the fleet created live on
 * at the service, and their ids in the producer's journal. `--resume` follows them to their
 * results with no second Create Model.
 */
describeWithRedis('a fleet whose Redis comes back empty', () => {
  // Manual: trainings move only when the spec says (none finishes before Redis is lost).
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let cleanup: () => Promise<void>;
  const workers: WorkerProcess[] = [];
  let redis: Awaited<ReturnType<typeof startRedisOn>> | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
  });
  afterEach(async () => {
    await stopWorkers(workers, 5000);
    await redis?.stop();
    await cleanup();
  });

  it('should follow every training from the journal after --resume, with no second Create Model, and download every result', async () => {
    const port = await freeLoopbackPort();
    redis = await startRedisOn(port);
    const manifest = await jsonManifest(dir, 3);
    const out = path.join(dir, 'out');
    const batchDir = path.join(out, defaultBatchId(manifest, out));
    const args = [
      'batch',
      manifest,
      '--queue',
      redis.url,
      '--queue-name',
      'lost',
      '-o',
      out,
      '--poll-interval',
      '50',
      '--redis-timeout',
      '1500',
      '--base-url',
      emulator().url,
      '--api-key',
      API_KEY,
      '--json',
    ];
    const creates = () => emulator().requests.filter((r) => r.route === CREATE).length;
    const before = creates();

    const worker = spawnWorker(
      [
        '--queue',
        redis.url,
        '--queue-name',
        'lost',
        '--hold-ms',
        '20',
        '--lock-ms',
        '3000',
        '--stalled-interval-ms',
        '500',
        '--request-timeout',
        '2000',
        '--redis-retry-ms',
        '200',
      ],
      emulator().url,
    );
    workers.push(worker);
    await worker.ready;
    const first = runCli(args);
    // Every training created, and known to the journal (fed by the fleet's events).
    const journal = path.join(batchDir, JOURNAL_FILE);
    await until('3 trainings in the journal', async () => {
      const text = existsSync(journal) ? await readFile(journal, 'utf8') : '';
      return text.split('\n').filter((l) => l.includes('"stage":"training"')).length === 3 || undefined;
    });
    expect(creates() - before).toBe(3);

    // Redis dies and comes back empty at the same address.
    await redis.kill();
    const lostRun = await first;
    expect(lostRun.code).toBe(1);
    expect(lostRun.io.err()).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable for 1500 ms/);
    expect(lostRun.io.err()).not.toMatch(/\n\s+at /); // no stack trace
    redis = await startRedisOn(port);
    for (const id of Object.keys(emulator().stats().modelsCreatedByUpload)) await emulator().advance(id, 'finished');

    // Without --resume: told what happened and what to do; nothing uploaded or created.
    const sessions = emulator().stats().uploadSessions;
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.io.err()).toMatch(/Redis lost 3 job\(s\).*--resume/);

    const resumed = await runCli([...args, '--resume']);
    expect(resumed.io.err()).toMatch(/3 lost by Redis, resumed from the journal/);
    expect(resumed.code).toBe(0);
    expect(resumed.io.events().at(-1)).toMatchObject({ type: 'summary', succeeded: 3, failed: 0, exitCode: 0 });
    expect(creates() - before).toBe(3);
    expect(emulator().stats().uploadSessions).toBe(sessions);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
    for (const k of ['job1', 'job2', 'job3']) expect(existsSync(path.join(batchDir, k, 'metrics.csv'))).toBe(true);
    // The worker said it once per outage attempt, and never printed a stack trace.
    expect(worker.stderr()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
