/** A paused worker past its lock: another takes the job over with no second Create Model. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { lastValueFrom, filter, of, map } from 'rxjs';
import { createClient, upload$ } from '../../lib';
import { createFleet, enqueueTrainings, type FleetJobData } from '../../lib/bullmq';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { describeWithRedis, useRedis } from '../helpers/redis';
import { claimHolder, spawnWorker, stopWorkers, until, type WorkerProcess } from './fleetHarness';

const CREATE = 'POST /v1/external/models';

/**
 * A worker paused (SIGSTOP) past its lock and its claim, after it took the claim and recorded
 * `creating`, with its Create Model waiting at the fleet's gate: another worker takes the job
 * over and trains it; the paused one, woken (SIGCONT), finds its claim gone and sends nothing.
 */
describeWithRedis('a zombie worker (SIGSTOP past its lock)', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ trainingDelayMs: 20 });
  let dir: string;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-zombie-'));
  });
  afterAll(async () => {
    const stuck = await stopWorkers(workers);
    if (stuck.length > 0) process.stderr.write(stuck.join('\n'));
    await rm(dir, { recursive: true, force: true });
  });

  it('should not send a second Create Model after waking', async () => {
    const queueName = 'zombie';
    const conn = new Redis(redis().url);
    const queue = new Queue<FleetJobData>(queueName, { connection: { url: redis().url } });
    try {
      const client = createClient({ baseUrl: emulator().url, apiKey: API_KEY });
      const id = await lastValueFrom(
        of(seattleWeather(60)).pipe(
          upload$(client),
          filter((e) => e.type === 'uploaded'),
          map((e) => (e as { externalProcessId: string }).externalProcessId),
        ),
      );
      await writeFile(path.join(dir, 'id'), id);
      // The claim lives 1 s (a zombie is a process paused past it); requests may take 8 s, so
      // A's own request timeout does not end its Create Model before it wakes.
      const args = [
        '--queue',
        redis().url,
        '--queue-name',
        queueName,
        '--out',
        path.join(dir, 'out'),
        '--concurrency',
        '2',
        '--hold-ms',
        '50',
        '--lock-ms',
        '9000',
        '--stalled-interval-ms',
        '500',
        '--request-timeout',
        '8000',
        '--claim-ttl-ms',
        '1000',
      ];
      const env = { P1RX_FLEET_TRACE: '1' };

      // The fleet is backing off (a 429 elsewhere) when A takes the job: A takes the claim,
      // records `creating` and waits at the gate with its Create Model. Then it is stopped.
      const a = spawnWorker(args, emulator().url, env);
      workers.push(a);
      await a.ready;
      await createFleet(conn, { name: queueName }).backoff(2000);
      await enqueueTrainings(
        queue,
        [{ key: 'z', config: { tt: 'multi_classification', tc: 'weather', cv: 1 }, externalProcessId: id, poll: { minDelayMs: 100, maxDelayMs: 100 } }],
        { batchId: 'zb' },
      );
      await until(
        'A waiting with its Create Model',
        () => (/fleet gate \(backoff\) before POST \/v1\/external\/models/.test(a.stderr()) ? true : undefined),
        60_000,
      );
      expect(await claimHolder(conn, queueName, id)).toBe(a.pid);
      a.child.kill('SIGSTOP');
      expect(emulator().count(CREATE)).toBe(0);

      // A's lock and claim expire while it sleeps; B takes the job over and trains it.
      const b = spawnWorker(args, emulator().url, env);
      workers.push(b);
      await b.ready;
      await until('the job completed by B', async () => ((await (await queue.getJob('zb/z'))?.getState()) === 'completed' ? true : undefined));
      await until('B reporting the job done', () => (/: z done/.test(b.stderr()) ? true : undefined));
      expect(emulator().count(CREATE)).toBe(1);

      // A wakes at the gate with its Create Model: its claim is gone, so the gate refuses it.
      a.child.kill('SIGCONT');
      await until('A refusing to send Create Model', () => (/claim lost for upload/.test(a.stderr()) ? true : undefined), 60_000);
      expect(emulator().count(CREATE)).toBe(1);
      expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
      expect(emulator().job(id)?.modelsCreated).toBe(1);
      const job = await queue.getJob('zb/z');
      expect(await job?.getState()).toBe('completed');
    } finally {
      await stopWorkers(workers);
      await queue.close();
      conn.disconnect();
    }
    const stuck = await stopWorkers(workers);
    expect(stuck).toEqual([]);
  }, 90_000);
});
