/** Job keys, batch ids and result locations: no path outside the folder the producer chose. */
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { createClient } from '../../lib';
import { newJobRecord } from '../../lib/engine';
import { createTrainingWorker, enqueueTrainings, trainingJobId, type FleetJobData, type FleetJobResult, type TrainingWorker } from '../../lib/bullmq';
import { defaultBatchId } from '../../lib/cli/fleetBatch';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { jsonManifest, runCli, workDir } from '../cli/cliHarness';

const CREATE = 'POST /v1/external/models';
const config = { tt: 'multi_classification', tc: 'weather', cv: 1 } as const;

/** Every file under `dir` (relative paths). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** Where results go, who decides, and what a worker refuses. */
describeWithRedis('fleet result locations', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ trainingDelayMs: 20 });
  let dir: string;
  let cleanup: () => Promise<void>;
  let running: TrainingWorker | undefined;
  const queues: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir());
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    for (const q of queues.splice(0)) await q.close();
    await cleanup();
  });
  const client = () => createClient({ baseUrl: emulator().url, apiKey: API_KEY, requestTimeoutMs: 5000 });
  const common = () => ['--base-url', emulator().url, '--api-key', API_KEY, '--json', '--poll-interval', '30'];
  const open = (name: string) => {
    const queue = new Queue<FleetJobData, FleetJobResult>(name, { connection: { url: redis().url } });
    const events = new QueueEvents(name, { connection: { url: redis().url } });
    queues.push(events, queue);
    return { queue, events };
  };

  it.each(['../../x', 'x/../../../y', '/abs', 'a/b', '..'])('should refuse the key %p at enqueue', async (key) => {
    const { queue } = open('keys-enqueue');
    await expect(enqueueTrainings(queue, [{ key, config, data: { train: path.join(dir, 'weather.csv') } }], { batchId: 'b' })).rejects.toThrow(TypeError);
    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(0);
  });

  it('should refuse, at the worker, jobs whose keys leave --out, writing nothing and sending nothing', async () => {
    const { queue, events } = open('keys-worker');
    const out = path.join(dir, 'nested', 'out');
    const keys = ['../../x', 'x/../../../y', '/abs'];
    // Written to the queue by hand, as anyone who can write to Redis could.
    for (const key of keys) {
      const data: FleetJobData = { v: 1, batchId: 'b', key, name: 'n', config, data: { train: path.join(dir, 'weather.csv') }, record: newJobRecord(key) };
      await queue.add('training', data, { jobId: trainingJobId('b', key), attempts: 3 });
    }
    const failed = new Promise<string[]>((resolve) => {
      const reasons: string[] = [];
      events.on('failed', ({ failedReason }) => {
        reasons.push(failedReason);
        if (reasons.length === keys.length) resolve(reasons);
      });
    });
    const sessions = emulator().stats().uploadSessions;
    running = createTrainingWorker(client(), { connection: redis().url, queueName: 'keys-worker', out, holdMs: 30 });
    const reasons = await failed;
    expect(reasons.every((r) => /job refused: key .* must be letters/.test(r))).toBe(true);
    expect(await queue.getFailedCount()).toBe(3);
    expect(emulator().stats().uploadSessions).toBe(sessions);
    // Nothing anywhere under the work folder but the CSV.
    expect(await filesUnder(dir)).toEqual(['weather.csv']);
    expect(existsSync('/abs')).toBe(false);
  });

  it("should write results where the producer says, in the batch's own folder, even from a worker started without --out", async () => {
    const manifest = await jsonManifest(dir, 2);
    const out = path.join(dir, 'out');
    // No `out` on the worker: the job carries its location.
    running = createTrainingWorker(client(), { connection: redis().url, queueName: 'where', holdMs: 30, concurrency: 2 });
    const { code, io } = await runCli(['batch', manifest, '--queue', redis().url, '--queue-name', 'where', '-o', out, ...common()]);
    expect(code).toBe(0);
    const batchDir = path.join(out, defaultBatchId(manifest, out));
    const succeeded = io.events().filter((e) => e.type === 'succeeded');
    expect(succeeded.map((e) => e.resultDir).sort()).toEqual([path.join(batchDir, 'job1'), path.join(batchDir, 'job2')]);
    for (const k of ['job1', 'job2']) expect(existsSync(path.join(batchDir, k, 'metrics.csv'))).toBe(true);
  });

  it('should keep two batches with the same key and --out in two folders, each with its own model', async () => {
    const out = path.join(dir, 'out');
    running = createTrainingWorker(client(), { connection: redis().url, queueName: 'collide', holdMs: 30, concurrency: 2 });
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    await writeFile(a, JSON.stringify([{ key: 'shop', csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 1 }]));
    await writeFile(b, JSON.stringify([{ key: 'shop', csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 1, name: 'other model' }]));
    const first = await runCli(['batch', a, '--queue', redis().url, '--queue-name', 'collide', '-o', out, ...common()]);
    const second = await runCli(['batch', b, '--queue', redis().url, '--queue-name', 'collide', '-o', out, ...common()]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const dirA = first.io.events().find((e) => e.type === 'succeeded')!.resultDir as string;
    const dirB = second.io.events().find((e) => e.type === 'succeeded')!.resultDir as string;
    expect(dirA).not.toBe(dirB);
    expect(existsSync(path.join(dirA, 'metrics.csv')) && existsSync(path.join(dirB, 'metrics.csv'))).toBe(true);
    const idA = first.io.events().find((e) => e.type === 'succeeded')!.externalProcessId;
    const idB = second.io.events().find((e) => e.type === 'succeeded')!.externalProcessId;
    expect(idA).not.toBe(idB);
  });

  it('should not report success when the worker wrote the result elsewhere (or nowhere)', async () => {
    const manifest = await jsonManifest(dir, 1);
    // A worker that ignores the job's location (an older version, a custom processor).
    const worker = new Worker<FleetJobData, FleetJobResult>(
      'elsewhere',
      async (job) => ({ key: job.data.key, resultDir: path.join(dir, 'somewhere-else'), metrics: [], polls: 0 }),
      {
        connection: { url: redis().url },
      },
    );
    queues.push(worker);
    const { code, io } = await runCli(['batch', manifest, '--queue', redis().url, '--queue-name', 'elsewhere', '-o', path.join(dir, 'out'), ...common()]);
    expect(code).toBe(1);
    expect(io.events().find((e) => e.type === 'failed')).toMatchObject({
      key: 'job1',
      error: { message: expect.stringMatching(/reported success but wrote the result to .*somewhere-else/) },
    });
    expect(io.events().at(-1)).toMatchObject({ type: 'summary', succeeded: 0, failed: 1 });
  });

  it('should refuse a job whose location it cannot write, before sending anything for it', async () => {
    const { queue, events } = open('unwritable');
    const blocker = path.join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const creates = emulator().requests.filter((r) => r.route === CREATE).length;
    const sessions = emulator().stats().uploadSessions;
    const failed = new Promise<string>((resolve) => events.on('failed', ({ failedReason }) => resolve(failedReason)));
    await enqueueTrainings(queue, [{ key: 'k', config, data: { train: path.join(dir, 'weather.csv') } }], { batchId: 'b', out: path.join(blocker, 'out') });
    running = createTrainingWorker(client(), { connection: redis().url, queueName: 'unwritable', holdMs: 30 });
    expect(await failed).toMatch(/cannot write results to .*a-file\/out \(ENOTDIR\)/);
    expect(emulator().requests.filter((r) => r.route === CREATE).length).toBe(creates);
    expect(emulator().stats().uploadSessions).toBe(sessions);
  });

  it("should refuse a job whose location is outside the worker's --out root", async () => {
    const { queue, events } = open('outside');
    const failed = new Promise<string>((resolve) => events.on('failed', ({ failedReason }) => resolve(failedReason)));
    await enqueueTrainings(queue, [{ key: 'k', config, data: { train: path.join(dir, 'weather.csv') } }], { batchId: 'b', out: path.join(dir, 'elsewhere') });
    running = createTrainingWorker(client(), {
      connection: redis().url,
      queueName: 'outside',
      holdMs: 30,
      out: path.join(dir, 'root'),
      outRoot: path.join(dir, 'root'),
    });
    expect(await failed).toMatch(/outside this worker's --out/);
    expect(existsSync(path.join(dir, 'elsewhere'))).toBe(false);
  });
});
