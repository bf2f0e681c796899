/** bench:fleet — the fleet's overhead and recovery, against one in-process client. */
/**
 * bench:fleet — the fleet's overhead and recovery, against one in-process client.
 *
 * N trainings (default 10,000) in the emulator's manual mode (they stay `waiting`, so they are
 * polled for the whole run), 5 s polls, measured four ways, each in its own processes:
 *
 * - in-process: one client process loops the shared step function (runJobSteps$) per training;
 * - 1 worker in park mode (the baseline: `--hold-ms 0`, every poll is a BullMQ activation, the
 *   job parked with moveToDelayed in between, its record written at each park);
 * - 1 worker and 4 workers in hold mode (`p1rx worker` with its defaults: the trainings held in
 *   the workers' slots, polled by the same step function, Redis written only on stage changes),
 *   with a real redis-server.
 *
 * Reports polls/s against the schedule (N / 5 s; target >= 99 %), CPU per poll (client process,
 * or workers + redis-server, with redis-server's share), Redis commands per second and per poll,
 * and the 1-minute load average. The 4-worker run starts from uploads, so the fleet sends every
 * Create Model: its ramp (time until all N were sent, Create Models/s) is reported on its own;
 * then one worker dies while it holds jobs (the worker with the most active jobs; frozen with
 * SIGSTOP at once, its held jobs read, then kill -9), and the bench reports how many jobs it held
 * and how long from the freeze until each of them was polled again (the progress event its first
 * poll after the retake writes: the job's record in Redis has no status yet), bounded by
 * lockDuration + stalledInterval + backlog (target: all within 30 s with the default settings),
 * and duplicate Create Models (target 0).
 *
 * On 2 cores, four workers are not expected to be faster: this proves overhead and recovery.
 * Usage: npm run bench:fleet [-- N [measureSeconds]]
 * (FLEET_PHASES=inprocess,1park,1,4 picks setups; FLEET_WORKER_NODE_ARGS adds node flags to the workers.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { filter, lastValueFrom, map, mergeMap, of, range, toArray, type Subscription } from 'rxjs';
import { upload$, type TrainingEvent } from 'prediction-one-rx';
import { runJobSteps$ } from 'prediction-one-rx/engine';
import { createNodeClient } from 'prediction-one-rx/node';
import { enqueueTrainings, type FleetJobData, type FleetTraining } from 'prediction-one-rx/bullmq';
import { ask, forkEmulator, forkTs, median, report, round, sleep, verdict, waitFor, type EmulatorHandle } from './lib/common';
import { TINY_CONFIG, TINY_CSV, seedTrainings } from './lib/seed';
import { startRedisServer } from '../scripts/redisServer';

const STATUS = 'GET /v1/external/models/results';
const CREATE = 'POST /v1/external/models';
const INTERVAL_MS = 5000;
const root = path.resolve(__dirname, '..');
/** FLEET_PHASES: which setups to run (default all): `inprocess`, `1park`, `1`, `4`, comma-separated. */
const phases = new Set((process.env.FLEET_PHASES ?? 'inprocess,1park,1,4').split(',').map((p) => p.trim()));
/** The park-every-poll settings of the baseline (the fleet before holding). */
const PARK_ARGS = ['--concurrency', '200', '--hold-ms', '0', '--lock-ms', '15000', '--stalled-interval-ms', '5000'];
/** The worker's defaults, as `p1rx worker` prints them in its help (the kill -9 bound is lock + stalled interval). */
const DEFAULT_LOCK_MS = 16_000;
const DEFAULT_STALLED_MS = 8000;
/** FLEET_WORKER_NODE_ARGS: extra node flags of the worker processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
const WORKER_NODE_ARGS = (process.env.FLEET_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** Resident memory of a process, in MiB (Linux /proc). */
function rssMiBOf(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return round(kb / 1024, 1);
  } catch {
    return 0;
  }
}

/** Calls per command so far (`INFO commandstats`; commands run inside Lua scripts count too). */
async function redisCommandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  return new Map([...info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])] as const));
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
    setTimeout(
      () =>
        subs.push(
          runJobSteps$(client, record, { job: { data: { train: '' }, name: `k${i}`, config: TINY_CONFIG }, persist: () => Promise.resolve() }).subscribe({
            error: () => undefined,
          }),
        ),
      (i * INTERVAL_MS) / ids.length,
    );
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
  /** Of cpuMsPerPoll: the redis-server's share. */
  redisCpuMsPerPoll?: number;
  redisOpsPerS?: number;
  redisOpsPerPoll?: number;
  /** 1-minute load average at the start and the end of the measurement. */
  load: string;
  /** Calls per poll of each Redis command (those of at least 0.05 per poll), most first. */
  redisCommandsPerPoll?: Record<string, number>;
  /** CPU cores used by the emulator, and by other processes of the machine (not this bench's), during the measurement. */
  emulatorCores: number;
  othersCores: number;
  /** Jobs waiting for a worker (BullMQ's wait list) at the start and the end: equal when the fleet keeps up. */
  backlog?: string;
  /** Resident memory of the worker processes at the end of the measurement. */
  workerRssMiB?: number;
}

const load1 = (): number => round(os.loadavg()[0], 2);

/** CPU in ms of the measured processes: `client` (the client or the workers), `redis` (redis-server, or 0). */
type CpuSample = () => Promise<{ client: number; redis: number }>;

/** CPU time the whole machine spent busy (all cores), in ms (Linux /proc/stat). */
function machineBusyMs(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}

async function measure(
  emulator: EmulatorHandle,
  n: number,
  measureMs: number,
  cpuMs: CpuSample,
  redis?: Redis,
  queueName?: string,
): Promise<Omit<PhaseResult, 'setup'>> {
  const l0 = load1();
  const b0 = redis && queueName ? await redis.llen(`bull:${queueName}:wait`) : undefined;
  const own = () => process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000;
  const [c0, p0, r0, e0, s0] = await Promise.all([
    emulator.count(STATUS),
    cpuMs(),
    redis ? redisCommands(redis) : 0,
    emulator.cpuMs(),
    redis ? redisCommandStats(redis) : undefined,
  ]);
  const m0 = machineBusyMs();
  const o0 = own();
  const t0 = Date.now();
  await sleep(measureMs);
  const [c1, p1, r1, e1, s1] = await Promise.all([
    emulator.count(STATUS),
    cpuMs(),
    redis ? redisCommands(redis) : 0,
    emulator.cpuMs(),
    redis ? redisCommandStats(redis) : undefined,
  ]);
  const m1 = machineBusyMs();
  const o1 = own();
  const seconds = (Date.now() - t0) / 1000;
  const polls = c1 - c0;
  const pollsPerS = polls / seconds;
  const perPoll = (x: number) => x / Math.max(1, polls);
  const cores = (ms: number) => round(ms / 1000 / seconds, 2);
  const benchMs = p1.client - p0.client + p1.redis - p0.redis + (e1 - e0) + (o1 - o0);
  return {
    polls,
    pollsPerS: round(pollsPerS, 1),
    schedulePct: round((pollsPerS / (n / (INTERVAL_MS / 1000))) * 100, 1),
    cpuMsPerPoll: round(perPoll(p1.client - p0.client + p1.redis - p0.redis), 3),
    ...(redis
      ? { redisCpuMsPerPoll: round(perPoll(p1.redis - p0.redis), 3), redisOpsPerS: round((r1 - r0) / seconds, 0), redisOpsPerPoll: round(perPoll(r1 - r0), 1) }
      : {}),
    load: `${l0}→${load1()}`,
    emulatorCores: cores(e1 - e0),
    // Busy CPU of the machine not spent by this bench's processes (other users of the machine).
    othersCores: cores(Math.max(0, m1 - m0 - benchMs)),
    ...(s0 && s1
      ? {
          redisCommandsPerPoll: Object.fromEntries(
            [...s1]
              .map(([k, v]) => [k, round(perPoll(v - (s0.get(k) ?? 0)), 2)] as const)
              .filter(([, v]) => v >= 0.05)
              .sort((a, b) => b[1] - a[1]),
          ),
        }
      : {}),
    ...(b0 !== undefined ? { backlog: `${b0}→${await redis!.llen(`bull:${queueName}:wait`)}` } : {}),
  };
}

/** Counts of a BullMQ queue's lists, for progress lines. */
async function queueCounts(redis: Redis, queueName: string): Promise<{ wait: number; active: number; delayed: number }> {
  const [wait, active, delayed] = await Promise.all([
    redis.llen(`bull:${queueName}:wait`),
    redis.llen(`bull:${queueName}:active`),
    redis.zcard(`bull:${queueName}:delayed`),
  ]);
  return { wait, active, delayed };
}

const log = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

function spawnWorker(
  redisUrl: string,
  emulatorUrl: string,
  apiKey: string,
  queueName: string,
  modeArgs: readonly string[],
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(
    process.execPath,
    [
      ...WORKER_NODE_ARGS,
      '--import',
      'tsx',
      path.join(root, 'lib/cli/main.ts'),
      'worker',
      '--queue',
      redisUrl,
      '--queue-name',
      queueName,
      ...modeArgs,
      '--request-timeout',
      '10000',
      '--out',
      os.tmpdir(),
    ],
    {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), P1RX_BASE_URL: emulatorUrl, P1RX_API_KEY: apiKey, P1RX_SECRET_KEY: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
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
  // Six intervals: the first rounds of a park-mode run are bunched (every job is due at once)
  // and late; the fleet catches up before the measurement, so it sees the steady state.
  const warmupMs = 6 * INTERVAL_MS;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-bench-fleet-'));
  const emulator = await forkEmulator({ manual: true });
  const redisServer = await startRedisServer();
  const redisUrl = redisServer.url;
  const redis = new Redis(redisUrl);
  const rows: PhaseResult[] = [];
  // The machine's load before this bench starts anything (the figures below include its own processes).
  const extra: Record<string, unknown> = {
    loadBeforeRun: os
      .loadavg()
      .map((l) => round(l, 2))
      .join(' '),
  };
  try {
    const seeded = phases.has('inprocess') || phases.has('1') || phases.has('1park');
    if (seeded) log(`seeding ${n} trainings (upload + Create Model; manual mode keeps them waiting)…`);
    const ids = seeded ? await seedTrainings(emulator.url, emulator.apiKey, n, 64) : [];
    const idsFile = path.join(dir, 'ids.json');
    writeFileSync(idsFile, JSON.stringify(ids));

    // 1. One in-process client.
    if (phases.has('inprocess')) {
      const child = forkTs(__filename, ['--client', JSON.stringify({ url: emulator.url, apiKey: emulator.apiKey, idsFile })]);
      await waitFor(child, 'ready');
      await sleep(warmupMs);
      log('in-process client: measuring…');
      const r = await measure(emulator, n, measureMs, async () => ({ client: await ask<number>(child, { cmd: 'cpu' }), redis: 0 }));
      rows.push({ setup: 'in-process client', ...r });
      await ask(child, { cmd: 'stop' }).catch(() => undefined);
    }

    // 2. One worker, park mode (the baseline) then hold mode, the same trainings (jobs start at `training`).
    for (const mode of ['1park', '1'] as const) {
      if (!phases.has(mode)) continue;
      await emulator.clearLog();
      const queueName = `bench${mode}`;
      const queue = new Queue<FleetJobData>(queueName, { connection: { url: redisUrl } });
      const now = Date.now();
      const trainings: FleetTraining[] = ids.map((id, i) => ({
        key: `k${i}`,
        config: TINY_CONFIG,
        externalProcessId: id,
        poll: { minDelayMs: INTERVAL_MS, maxDelayMs: INTERVAL_MS },
      }));
      await enqueueTrainings(queue, trainings, { batchId: 'b' });
      // Start them at `training` (Create Model was sent by the seeding).
      const jobs = await queue.getJobs(['waiting']);
      for (let i = 0; i < jobs.length; i += 500) {
        await Promise.all(
          jobs
            .slice(i, i + 500)
            .map((job) => job.updateData({ ...job.data, record: { ...job.data.record, stage: 'training', polls: 1, trainingSinceMs: now } })),
        );
      }
      // Hold mode: the defaults, with a slot for every training (one worker holds them all).
      const w = spawnWorker(redisUrl, emulator.url, emulator.apiKey, queueName, mode === '1park' ? PARK_ARGS : ['--concurrency', String(n + 100)]);
      await w.ready;
      await sleep(warmupMs);
      log(`1 worker (${mode === '1park' ? 'park' : 'hold'} mode): measuring…`);
      const r = await measure(emulator, n, measureMs, async () => ({ client: cpuMsOf(w.child.pid!), redis: cpuMsOf(redisServer.pid) }), redis, queueName);
      rows.push({ setup: `1 worker + redis-server (${mode === '1park' ? 'park' : 'hold'} mode)`, ...r, workerRssMiB: rssMiBOf(w.child.pid!) });
      w.child.kill('SIGTERM');
      await new Promise((resolve) => w.child.once('exit', resolve));
      await queue.obliterate({ force: true });
      await queue.close();
    }

    // 3. Four workers, from uploads (the fleet sends every Create Model), then a kill -9.
    if (phases.has('4')) {
      await emulator.clearLog();
      log(`uploading ${n} more data sets (the fleet creates their models)…`);
      const uploads = await seedUploads(emulator.url, emulator.apiKey, n);
      await emulator.clearLog();
      const before = await ask<{ modelsCreated: number; uploadsWithMultipleModels: number }>(emulator.child, { cmd: 'stats' });
      const queueName = 'bench4';
      const queue = new Queue<FleetJobData>(queueName, { connection: { url: redisUrl } });
      // Hold mode with the worker's defaults (concurrency, lock, stalled interval).
      const workers = [0, 1, 2, 3].map(() => spawnWorker(redisUrl, emulator.url, emulator.apiKey, queueName, []));
      await Promise.all(workers.map((w) => w.ready));
      const cpu: CpuSample = async () => ({
        client: workers.reduce((sum, w) => sum + (w.child.exitCode === null && w.child.signalCode === null ? cpuMsOf(w.child.pid!) : 0), 0),
        redis: cpuMsOf(redisServer.pid),
      });

      // The ramp: the fleet sends all N Create Models (and polls the trainings it started, on
      // schedule, meanwhile). Reported separately: the fleet's Create Model throughput.
      const rampLoad0 = load1();
      const rampCpu0 = await cpu();
      const rampStart = Date.now();
      await enqueueTrainings(
        queue,
        uploads.map((id, i) => ({ key: `u${i}`, config: TINY_CONFIG, externalProcessId: id, poll: { minDelayMs: INTERVAL_MS, maxDelayMs: INTERVAL_MS } })),
        { batchId: 'b' },
      );
      const enqueuedMs = Date.now() - rampStart;
      let creates = 0;
      let lastLog = 0;
      let maxWait = 0;
      for (;;) {
        creates = await emulator.count(CREATE);
        const counts = await queueCounts(redis, queueName);
        maxWait = Math.max(maxWait, counts.wait);
        if (creates >= n) break;
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          log(`ramp: ${creates}/${n} Create Models sent; queue wait ${counts.wait}, active ${counts.active}, delayed ${counts.delayed}; load ${load1()}`);
        }
        if (Date.now() - rampStart > 20 * 60_000) throw new Error(`ramp: only ${creates}/${n} Create Models after 20 min (${JSON.stringify(counts)})`);
        await sleep(250);
      }
      const rampMs = Date.now() - rampStart;
      const rampCpu1 = await cpu();
      const rampStatus = await emulator.count(STATUS);
      extra.createRamp = {
        enqueueMs: enqueuedMs,
        allCreateModelsSentS: round(rampMs / 1000, 1),
        createModelsPerS: round((n * 1000) / rampMs, 0),
        statusPollsDuringRamp: rampStatus,
        maxQueueWait: maxWait,
        cpuMsPerCreate: round((rampCpu1.client - rampCpu0.client + rampCpu1.redis - rampCpu0.redis) / n, 2),
        load: `${rampLoad0}→${load1()}`,
      };
      log(`ramp: ${n} Create Models in ${round(rampMs / 1000, 1)} s (${round((n * 1000) / rampMs, 0)}/s)`);
      await sleep(warmupMs);
      log('4 workers: measuring…');
      const w0 = workers.map((w) => cpuMsOf(w.child.pid!));
      const wt0 = Date.now();
      const r = await measure(emulator, n, measureMs, cpu, redis, queueName);
      extra.perWorkerCores = workers.map((w, i) => round((cpuMsOf(w.child.pid!) - w0[i]) / (Date.now() - wt0), 2));
      rows.push({
        setup: '4 workers + redis-server (hold mode)',
        ...r,
        workerRssMiB: round(
          workers.reduce((sum, w) => sum + rssMiBOf(w.child.pid!), 0),
          1,
        ),
      });

      // kill -9 one worker while it holds jobs: how long until the jobs it held are polled again?
      // The pick is a cheap look (the active list and each job's `pb`, BullMQ's processedBy),
      // retried (every 10 ms, up to two intervals) until the busiest worker holds at least 10 jobs
      // (in hold mode it holds about N / 4 at once).
      const nameOf = (w: (typeof workers)[number]) => `p1rx-worker-${w.child.pid}`;
      const activeBy = async (): Promise<Map<string, string[]>> => {
        const ids = await redis.lrange(`bull:${queueName}:active`, 0, -1);
        const names = ids.length === 0 ? [] : ((await redis.pipeline(ids.map((id) => ['hget', `bull:${queueName}:${id}`, 'pb'])).exec()) ?? []);
        const by = new Map<string, string[]>();
        ids.forEach((id, i) => {
          const name = String(names[i]?.[1] ?? '');
          const list = by.get(name);
          if (list) list.push(id);
          else by.set(name, [id]);
        });
        return by;
      };
      let victim = workers[0];
      let heldBeforeKill = 0;
      let picks = 0;
      for (const pickStart = Date.now(); Date.now() - pickStart < 2 * INTERVAL_MS; picks++) {
        const by = await activeBy();
        const counts = workers.map((w) => ({ w, held: by.get(nameOf(w))?.length ?? 0 }));
        const busiest = [...counts].sort((a, b) => b.held - a.held)[0];
        victim = busiest.w;
        heldBeforeKill = busiest.held;
        extra.activePerWorkerAtPick = counts.map((c) => c.held);
        if (heldBeforeKill >= 10) break;
        await sleep(10);
      }
      // Frozen at once (SIGSTOP: to Redis and the other workers it is dead from this instant;
      // its locks are no longer extended), then what it holds is read once the commands it had
      // already sent have landed, then kill -9.
      victim.child.kill('SIGSTOP');
      const [sec, usec] = await redis.time();
      const frozenAt = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
      await sleep(300);
      const stranded = new Set((await activeBy()).get(nameOf(victim)) ?? []);
      victim.child.kill('SIGKILL');
      await new Promise((resolve) => (victim.child.exitCode !== null || victim.child.signalCode !== null ? resolve(null) : victim.child.once('exit', resolve)));
      log(`SIGSTOP + kill -9 of ${nameOf(victim)}: ${heldBeforeKill} jobs at the pick, ${stranded.size} held when it stopped`);
      // Polled again: a held job's record in Redis has no status yet (polls are not written), so
      // the first poll after its retake writes a progress event (BullMQ's event stream, Redis
      // clock): the time from the freeze to that event.
      const resumedAt = new Map<string, number>();
      let from = `${frozenAt}-0`;
      while (resumedAt.size < stranded.size && Date.now() - frozenAt < 180_000) {
        const entries = await redis.xrange(`bull:${queueName}:events`, from, '+', 'COUNT', 5000);
        for (const [entryId, fields] of entries) {
          from = `(${entryId}`;
          const f = new Map<string, string>();
          for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
          const jobId = f.get('jobId');
          if (f.get('event') === 'progress' && jobId !== undefined && stranded.has(jobId) && !resumedAt.has(jobId))
            resumedAt.set(jobId, Number(entryId.split('-')[0]) - frozenAt);
        }
        if (entries.length < 5000) await sleep(100);
      }
      const times = [...resumedAt.values()].sort((a, b) => a - b);
      // And the fleet's poll rate over the next two intervals, with three workers left.
      const afterKill = await measure(emulator, n, 2 * INTERVAL_MS, async () => ({ client: 0, redis: 0 }));
      extra.afterKill = { schedulePct: afterKill.schedulePct, othersCores: afterKill.othersCores, load: afterKill.load };
      const after = await ask<{ modelsCreated: number; uploadsWithMultipleModels: number }>(emulator.child, { cmd: 'stats' });
      creates = await emulator.count(CREATE);
      extra.kill9 = {
        jobsAtPick: heldBeforeKill,
        picks: picks + 1,
        jobsHeldWhenStopped: stranded.size,
        resumed: times.length,
        firstResumedMs: times[0] ?? null,
        medianResumedMs: times.length ? median(times) : null,
        // null: not all of them were polled again within 180 s.
        allResumedMs: times.length < stranded.size ? null : (times[times.length - 1] ?? 0),
        'target all <= 30 s': verdict(times.length === stranded.size && (times[times.length - 1] ?? 0) <= 30_000),
        lockMs: DEFAULT_LOCK_MS,
        stalledIntervalMs: DEFAULT_STALLED_MS,
      };
      extra.duplicates = {
        createModelPosts: creates,
        modelsCreated: after.modelsCreated - before.modelsCreated,
        uploadsWithMultipleModels: after.uploadsWithMultipleModels - before.uploadsWithMultipleModels,
        duplicatePosts: creates - n,
      };
      const rest = workers.filter((w) => w !== victim);
      for (const w of rest) w.child.kill('SIGTERM');
      await Promise.all(rest.map((w) => new Promise((resolve) => (w.child.exitCode !== null ? resolve(null) : w.child.once('exit', resolve)))));
      await queue.close();
    }

    const base = rows.find((r) => r.setup === 'in-process client');
    report(
      'fleet',
      rows.map((r) => ({
        setup: r.setup,
        'polls/s': r.pollsPerS,
        'vs schedule %': r.schedulePct,
        'target >= 99 %': verdict(r.schedulePct >= 99),
        'CPU ms/poll': r.cpuMsPerPoll,
        'of which redis': r.redisCpuMsPerPoll ?? '',
        'CPU/poll vs in-process': base ? round(r.cpuMsPerPoll / base.cpuMsPerPoll, 2) : '',
        'target <= 1.3x': base && r !== base ? verdict(r.cpuMsPerPoll / base.cpuMsPerPoll <= 1.3) : '',
        'redis cmds/s': r.redisOpsPerS ?? '',
        'redis cmds/poll': r.redisOpsPerPoll ?? '',
        'target <= 3': r.redisOpsPerPoll === undefined ? '' : verdict(r.redisOpsPerPoll <= 3),
        'worker RSS MiB': r.workerRssMiB ?? '',
        load: r.load,
        'emulator cores': r.emulatorCores,
        'others cores': r.othersCores,
        'wait list': r.backlog ?? '',
      })),
      {
        trainings: n,
        intervalMs: INTERVAL_MS,
        measureS: measureMs / 1000,
        ...extra,
        redisCommandsPerPoll: Object.fromEntries(rows.filter((r) => r.redisCommandsPerPoll).map((r) => [r.setup, r.redisCommandsPerPoll])),
      },
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
