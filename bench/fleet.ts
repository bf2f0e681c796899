/**
 * bench:fleet — the fleet's overhead and recovery, against one in-process client.
 *
 * N trainings (default 10,000) in the emulator's manual mode (they stay `waiting`, so they are
 * polled for the whole run), 5 s polls, measured three ways, each in its own processes:
 *
 * - in-process: one client process loops the shared step function (runJobSteps$) per training;
 * - 1 worker and 4 workers (`p1rx worker`, park mode: every poll is a BullMQ activation, the job
 *   parked with moveToDelayed in between), with a real redis-server.
 *
 * Reports polls/s against the schedule (N / 5 s; target >= 99 %), CPU per poll (client process,
 * or workers + redis-server), Redis commands per second, and in the 4-worker run (which starts
 * from uploads, so the fleet sends every Create Model): the time until the jobs a worker held
 * when killed with kill -9 are polled again, and duplicate Create Models (target 0).
 *
 * On 2 cores, four workers are not expected to be faster: this proves overhead and recovery.
 * Usage: npm run bench:fleet [-- N [measureSeconds]]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { filter, lastValueFrom, map, mergeMap, of, range, toArray, type Subscription } from 'rxjs';
import { runJobSteps$, upload$, type TrainingEvent } from 'prediction-one-rx';
import { createNodeClient } from 'prediction-one-rx/node';
import { enqueueTrainings, type FleetJobData, type FleetTraining } from 'prediction-one-rx/bullmq';
import { ask, forkEmulator, forkTs, report, round, sleep, verdict, waitFor, type EmulatorHandle } from './lib/common';
import { TINY_CONFIG, TINY_CSV, seedTrainings } from './lib/seed';
import { startRedisServer } from '../scripts/redisServer';

const STATUS = 'GET /v1/external/models/results';
const CREATE = 'POST /v1/external/models';
const INTERVAL_MS = 5000;
const root = path.resolve(__dirname, '..');

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Uploads only (no Create Model): the fleet sends Create Model itself. */
async function seedUploads(baseUrl: string, apiKey: string, count: number): Promise<string[]> {
  const client = createNodeClient({ baseUrl, apiKey });
  return lastValueFrom(
    range(0, count).pipe(
      mergeMap(
        () =>
          of({ train: TINY_CSV, columns: { x: 'integer', y: 'integer' } as const }).pipe(
            upload$(client),
            filter((e: TrainingEvent) => e.type === 'uploaded'),
            map((e) => (e as Extract<TrainingEvent, { type: 'uploaded' }>).externalProcessId as string),
          ),
        64,
      ),
      toArray(),
    ),
  );
}

/** The in-process client (a child process): runJobSteps$ per training, from `training`. */
async function clientChild(args: { url: string; apiKey: string; idsFile: string }): Promise<void> {
  const ids = JSON.parse(readFileSync(args.idsFile, 'utf8')) as string[];
  const client = createNodeClient({ baseUrl: args.url, apiKey: args.apiKey, poll: { minDelayMs: INTERVAL_MS, maxDelayMs: INTERVAL_MS, maxWaitMs: Infinity } });
  const subs: Subscription[] = [];
  const now = Date.now();
  ids.forEach((id, i) => {
    const record = { key: `k${i}`, stage: 'training' as const, externalProcessId: id, polls: 1, trainingSinceMs: now };
    // Spread the first polls over one interval, as a fleet's parked jobs are.
    setTimeout(() => subs.push(runJobSteps$(client, record, { job: { data: { train: '' }, name: `k${i}`, config: TINY_CONFIG }, persist: () => Promise.resolve() }).subscribe({ error: () => undefined })), (i * INTERVAL_MS) / ids.length);
  });
  process.send?.({ type: 'ready' });
  process.on('message', (m: { cmd?: string; id?: number }) => {
    if (m.cmd === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ id: m.id, value: (u.user + u.system) / 1000 });
    }
    if (m.cmd === 'stop') {
      subs.forEach((s) => s.unsubscribe());
      process.send?.({ id: m.id, value: true });
      process.exit(0);
    }
  });
}

interface PhaseResult {
  setup: string;
  polls: number;
  pollsPerS: number;
  schedulePct: number;
  cpuMsPerPoll: number;
  redisOpsPerS?: number;
}

async function measure(emulator: EmulatorHandle, n: number, measureMs: number, cpuMs: () => Promise<number>, redis?: Redis): Promise<Omit<PhaseResult, 'setup'>> {
  const [c0, p0, r0] = await Promise.all([emulator.count(STATUS), cpuMs(), redis ? redisCommands(redis) : 0]);
  const t0 = Date.now();
  await sleep(measureMs);
  const [c1, p1, r1] = await Promise.all([emulator.count(STATUS), cpuMs(), redis ? redisCommands(redis) : 0]);
  const seconds = (Date.now() - t0) / 1000;
  const polls = c1 - c0;
  const pollsPerS = polls / seconds;
  return {
    polls,
    pollsPerS: round(pollsPerS, 1),
    schedulePct: round((pollsPerS / (n / (INTERVAL_MS / 1000))) * 100, 1),
    cpuMsPerPoll: round((p1 - p0) / Math.max(1, polls), 3),
    ...(redis ? { redisOpsPerS: round((r1 - r0) / seconds, 0) } : {}),
  };
}

function spawnWorker(redisUrl: string, emulatorUrl: string, apiKey: string, queueName: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'lib/cli/main.ts'), 'worker', '--queue', redisUrl, '--queue-name', queueName, '--concurrency', '200', '--hold-ms', '1000', '--lock-ms', '15000', '--stalled-interval-ms', '5000', '--request-timeout', '10000', '--out', os.tmpdir()],
    { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), P1RX_BASE_URL: emulatorUrl, P1RX_API_KEY: apiKey, P1RX_SECRET_KEY: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('ready on queue')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const measureMs = Number(process.argv[3] ?? 30) * 1000;
  const warmupMs = 3 * INTERVAL_MS;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-bench-fleet-'));
  const emulator = await forkEmulator({ manual: true });
  const redisServer = await startRedisServer();
  const redisUrl = redisServer.url;
  const redis = new Redis(redisUrl);
  const rows: PhaseResult[] = [];
  const extra: Record<string, unknown> = {};
  try {
    console.log(`seeding ${n} trainings (upload + Create Model; manual mode keeps them waiting)…`);
    const ids = await seedTrainings(emulator.url, emulator.apiKey, n, 64);
    const idsFile = path.join(dir, 'ids.json');
    writeFileSync(idsFile, JSON.stringify(ids));

    // 1. One in-process client.
    {
      const child = forkTs(__filename, ['--client', JSON.stringify({ url: emulator.url, apiKey: emulator.apiKey, idsFile })]);
      await waitFor(child, 'ready');
      await sleep(warmupMs);
      const r = await measure(emulator, n, measureMs, () => ask<number>(child, { cmd: 'cpu' }));
      rows.push({ setup: 'in-process client', ...r });
      await ask(child, { cmd: 'stop' }).catch(() => undefined);
    }

    // 2. One worker, park mode, the same trainings (jobs start at `training`).
    {
      await emulator.clearLog();
      const queueName = 'bench1';
      const queue = new Queue<FleetJobData>(queueName, { connection: { url: redisUrl } });
      const now = Date.now();
      const trainings: FleetTraining[] = ids.map((id, i) => ({ key: `k${i}`, config: TINY_CONFIG, externalProcessId: id, poll: { minDelayMs: INTERVAL_MS, maxDelayMs: INTERVAL_MS } }));
      await enqueueTrainings(queue, trainings, { batchId: 'b' });
      // Start them at `training` (Create Model was sent by the seeding).
      const jobs = await queue.getJobs(['waiting']);
      for (let i = 0; i < jobs.length; i += 500) {
        await Promise.all(jobs.slice(i, i + 500).map((job) => job.updateData({ ...job.data, record: { ...job.data.record, stage: 'training', polls: 1, trainingSinceMs: now } })));
      }
      const w = spawnWorker(redisUrl, emulator.url, emulator.apiKey, queueName);
      await w.ready;
      await sleep(warmupMs);
      const r = await measure(emulator, n, measureMs, async () => cpuMsOf(w.child.pid!) + cpuMsOf(redisServer.pid), redis);
      rows.push({ setup: '1 worker + redis-server (park mode)', ...r });
      w.child.kill('SIGTERM');
      await new Promise((resolve) => w.child.once('exit', resolve));
      await queue.obliterate({ force: true });
      await queue.close();
    }

    // 3. Four workers, from uploads (the fleet sends every Create Model), then a kill -9.
    {
      await emulator.clearLog();
      console.log(`uploading ${n} more data sets (the fleet creates their models)…`);
      const uploads = await seedUploads(emulator.url, emulator.apiKey, n);
      await emulator.clearLog();
      const before = await ask<{ modelsCreated: number; uploadsWithMultipleModels: number }>(emulator.child, { cmd: 'stats' });
      const queueName = 'bench4';
      const queue = new Queue<FleetJobData>(queueName, { connection: { url: redisUrl } });
      const workers = [0, 1, 2, 3].map(() => spawnWorker(redisUrl, emulator.url, emulator.apiKey, queueName));
      await Promise.all(workers.map((w) => w.ready));
      await enqueueTrainings(queue, uploads.map((id, i) => ({ key: `u${i}`, config: TINY_CONFIG, externalProcessId: id, poll: { minDelayMs: INTERVAL_MS, maxDelayMs: INTERVAL_MS } })), { batchId: 'b' });
      // Every Create Model sent, then a steady state.
      for (;;) {
        if ((await emulator.count(CREATE)) >= n) break;
        await sleep(500);
      }
      await sleep(warmupMs);
      const cpu = async () => workers.reduce((sum, w) => sum + cpuMsOf(w.child.pid!), 0) + cpuMsOf(redisServer.pid);
      const r = await measure(emulator, n, measureMs, cpu, redis);
      rows.push({ setup: '4 workers + redis-server (park mode)', ...r });

      // kill -9 one worker: how long until the jobs it held are polled again?
      // The worker holding the most jobs right now (in park mode a worker holds only the
      // activations in progress; parked jobs belong to no one).
      const active = await queue.getJobs(['active']);
      const heldBy = (w: (typeof workers)[number]) => active.filter((j) => j.processedBy === `p1rx-worker-${w.child.pid}`);
      const victim = [...workers].sort((a, b) => heldBy(b).length - heldBy(a).length)[0];
      const held = heldBy(victim);
      const pollsAt = new Map(held.map((j) => [j.id!, j.data.record.polls]));
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      let resumedMs = NaN;
      for (;;) {
        const states = await Promise.all([...pollsAt].map(async ([id, polls]) => ((await queue.getJob(id))?.data.record.polls ?? 0) > polls));
        if (states.every(Boolean)) {
          resumedMs = Date.now() - killedAt;
          break;
        }
        if (Date.now() - killedAt > 120_000) break;
        await sleep(100);
      }
      // And the fleet's poll rate over the next interval, with three workers left.
      const afterKill = await measure(emulator, n, INTERVAL_MS, async () => 0);
      extra.afterKillSchedulePct = afterKill.schedulePct;
      const after = await ask<{ modelsCreated: number; uploadsWithMultipleModels: number }>(emulator.child, { cmd: 'stats' });
      const creates = await emulator.count(CREATE);
      extra.kill9 = { jobsHeldByKilledWorker: held.length, resumedPollingMs: resumedMs, lockMs: 15_000, stalledIntervalMs: 5000 };
      extra.duplicates = { createModelPosts: creates, modelsCreated: after.modelsCreated - before.modelsCreated, uploadsWithMultipleModels: after.uploadsWithMultipleModels - before.uploadsWithMultipleModels, duplicatePosts: creates - n };
      const rest = workers.filter((w) => w !== victim);
      for (const w of rest) w.child.kill('SIGTERM');
      await Promise.all(rest.map((w) => new Promise((resolve) => (w.child.exitCode !== null ? resolve(null) : w.child.once('exit', resolve)))));
      await queue.close();
    }

    const base = rows[0];
    report(
      'fleet',
      rows.map((r) => ({
        setup: r.setup,
        'polls/s': r.pollsPerS,
        'vs schedule %': r.schedulePct,
        'target >= 99 %': verdict(r.schedulePct >= 99),
        'CPU ms/poll': r.cpuMsPerPoll,
        'CPU/poll vs in-process': round(r.cpuMsPerPoll / base.cpuMsPerPoll, 2),
        'redis cmds/s': r.redisOpsPerS ?? '',
      })),
      { trainings: n, intervalMs: INTERVAL_MS, measureS: measureMs / 1000, ...extra },
    );
  } finally {
    redis.disconnect();
    await redisServer.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--client') {
  void clientChild(JSON.parse(process.argv[3]));
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
