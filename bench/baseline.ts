/** Benchmark: 1,000 trainings end to end through the library versus a hand-rolled client. */
/**
 * Versus the hand-rolled baseline: 1,000 trainings end to end (upload a tiny CSV, Create
 * Model, poll, download and unzip the result) against the emulator (trainingDelayMs 0, one
 * 80/20 holdout: near-zero training time; its own process, warmed up). This library
 * (trainEachFrom$ on createNodeClient) vs a plain async/await loop with p-limit and the
 * platform fetch, same concurrency and poll schedule (first poll after FIRST_POLL_MS, then
 * every POLL_MS). Each client in its own process: wall time, client CPU, status requests sent.
 *
 * Run: npm run bench:baseline  (env: TRAININGS, CONCURRENCY, POLL_MS, FIRST_POLL_MS, TRAINING_DELAY_MS, CV, RUNS, WARMUP_TRAININGS, LIBRARY_FETCH)
 */
import type { FetchLike, PollOptions } from 'prediction-one-rx';
import { ask, forkEmulator, forkTs, machine, median, report, round, verdict, waitFor } from './lib/common';
import { TINY_CONFIG, TINY_CSV } from './lib/seed';

const TRAININGS = Number(process.env.TRAININGS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const POLL_MS = Number(process.env.POLL_MS ?? 100);
/**
 * Wait before a job's first status poll (both clients); default one interval. 0 = at once after
 * Create Model: that first poll then races the emulator's training (a few ms of its CPU), and a
 * client that sends it sooner finds fewer trainings finished.
 */
const FIRST_POLL_MS = Number(process.env.FIRST_POLL_MS ?? POLL_MS);
// 0 = near-zero training time (the issue's setting). With a delay of a few poll ticks
// (TRAINING_DELAY_MS=250) every job polls several times, so the status requests compare the
// polling schedules; the trainings then end mid-interval between polls, so the count does not
// hang on a few ms of timing (the timings are in docs/PERFORMANCE.md).
const TRAINING_DELAY_MS = Number(process.env.TRAINING_DELAY_MS ?? 0);
/**
 * The evaluation the trainings ask for (config `cv`). 1 = one 80/20 holdout, the cheapest
 * training the emulator does: near-zero training time. 0 = its default, 5-fold CV here: with 32
 * jobs in flight the emulator's one thread is then saturated and each training waits for it, so
 * the poll count is decided by the emulator's queue rather than by the clients (figures in
 * docs/PERFORMANCE.md).
 */
const CV = Number(process.env.CV ?? 1);
const CONFIG = { ...TINY_CONFIG, cv: CV };
/** Runs per client; the medians are reported (one run's ratio varies by several percent). */
const RUNS = Number(process.env.RUNS ?? 7);
const STATUS_ROUTE = 'GET /v1/external/models/results';
type Mode = 'library' | 'baseline';

/**
 * Status polls as each client sends them: the time from one poll of a job to its next (the
 * schedule's wait plus the round trip and the client's own processing).
 */
class PollCycles {
  private readonly lastStart = new Map<string, number>();
  private readonly createSent = new Map<string, number>();
  private readonly polls = new Map<string, number>();
  private sum = 0;
  private count = 0;
  private min = Number.POSITIVE_INFINITY;
  private firstSum = 0;
  private firstCount = 0;

  private trainingSum = 0;
  private trainingCount = 0;
  /** The earliest `created_datetime` and latest `updated_datetime` seen, for trainings at once. */
  private firstCreated = Number.POSITIVE_INFINITY;
  private lastUpdated = 0;
  private readonly jobStart = new Map<string, number>();
  private readonly phases = { upload: 0, poll: 0, finish: 0, jobs: 0 };

  /** A job takes a concurrency slot (by its key). */
  started(key: string): void {
    this.jobStart.set(key, performance.now());
  }

  /** A job's result is in (unzipped): its phases, from its start, its Create Model and its last poll. */
  ended(key: string, id: string): void {
    const now = performance.now();
    const start = this.jobStart.get(key);
    const created = this.createSent.get(id);
    const last = this.lastStart.get(id);
    if (start === undefined || created === undefined || last === undefined) return;
    this.phases.upload += created - start;
    this.phases.poll += last - created;
    this.phases.finish += now - last;
    this.phases.jobs++;
  }

  /** A job's final status, with the server's timestamps: how long the emulator took to train it. */
  finished(createdIso: string | undefined, updatedIso: string | undefined): void {
    if (createdIso === undefined || updatedIso === undefined) return;
    const created = Date.parse(createdIso);
    const updated = Date.parse(updatedIso);
    this.trainingSum += updated - created;
    this.trainingCount++;
    this.firstCreated = Math.min(this.firstCreated, created);
    this.lastUpdated = Math.max(this.lastUpdated, updated);
  }

  /** Create Model of `id` is being sent (the emulator's training clock starts on its arrival). */
  creating(id: string): void {
    this.createSent.set(id, performance.now());
  }

  sent(id: string): void {
    const now = performance.now();
    this.polls.set(id, (this.polls.get(id) ?? 0) + 1);
    const last = this.lastStart.get(id);
    if (last !== undefined) {
      const cycle = now - last;
      this.sum += cycle;
      this.count++;
      this.min = Math.min(this.min, cycle);
    } else {
      const created = this.createSent.get(id);
      if (created !== undefined) {
        this.firstSum += now - created;
        this.firstCount++;
      }
    }
    this.lastStart.set(id, now);
  }

  summary(): CycleSummary {
    const n = this.phases.jobs || 1;
    const jobPhasesMs = {
      upload: this.phases.upload / n,
      poll: this.phases.poll / n,
      finish: this.phases.finish / n,
      total: (this.phases.upload + this.phases.poll + this.phases.finish) / n,
    };
    const pollsPerJob: Record<number, number> = {};
    let lastSum = 0;
    let lastCount = 0;
    for (const [id, n] of this.polls) {
      pollsPerJob[n] = (pollsPerJob[n] ?? 0) + 1;
      const created = this.createSent.get(id);
      const last = this.lastStart.get(id);
      if (created !== undefined && last !== undefined) {
        lastSum += last - created;
        lastCount++;
      }
    }
    return {
      meanPollCycleMs: this.count ? this.sum / this.count : 0,
      minPollCycleMs: this.count ? this.min : 0,
      meanFirstPollAfterCreateMs: this.firstCount ? this.firstSum / this.firstCount : 0,
      lastPollAfterCreateMs: lastCount ? lastSum / lastCount : 0,
      serverTrainingMs: this.trainingCount ? this.trainingSum / this.trainingCount : 0,
      serverTrainingsAtOnce: this.lastUpdated > this.firstCreated ? this.trainingSum / (this.lastUpdated - this.firstCreated) : 0,
      pollsPerJob,
      jobPhasesMs,
    };
  }
}
const cycles = new PollCycles();

/** `count` library jobs training the tiny CSV with the bench's config, keyed `${prefix}-${i}`. */
function tinyJobs(count: number, prefix: string, poll: PollOptions) {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-${i}`,
    name: `${prefix}-${i}`,
    data: { train: TINY_CSV, columns: { x: 'integer', y: 'integer' } as const },
    config: CONFIG,
    poll,
  }));
}

/** Each request kind's mean time from sending to the response's headers, as the client saw it. */
class Latencies {
  private readonly sums = new Map<string, { ms: number; n: number }>();

  /** Wraps a fetch so that every request it sends is timed. */
  wrap<I, R>(fetch: (input: string, init: I) => Promise<R>): (input: string, init?: I) => Promise<R> {
    return (input, init) => {
      const kind = requestKind(input, (init as { method?: string } | undefined)?.method ?? 'GET');
      const t0 = performance.now();
      const p = fetch(input, init as I);
      p.then(
        () => {
          const e = this.sums.get(kind) ?? { ms: 0, n: 0 };
          e.ms += performance.now() - t0;
          e.n++;
          this.sums.set(kind, e);
        },
        () => undefined,
      );
      return p;
    };
  }

  summary(): Record<string, number> {
    return Object.fromEntries([...this.sums].map(([k, { ms, n }]) => [k, ms / n]));
  }
}
const latencies = new Latencies();

function requestKind(url: string, method: string): string {
  if (url.includes('/upload-url')) return 'upload-url';
  if (method === 'PUT') return 'PUT';
  if (url.includes('/models/results')) return 'status';
  if (method === 'POST') return 'create';
  if (url.includes('/storage/result')) return 'result';
  return 'other';
}

/** Imports what the client needs and sends one warm-up request; resolves with the run itself. */
type Prepared = () => Promise<number>;

async function library(url: string, apiKey: string): Promise<Prepared> {
  const { lastValueFrom, filter, count, tap } = await import('rxjs');
  const { trainEachFrom$ } = await import('prediction-one-rx/engine');
  const { models$ } = await import('prediction-one-rx/deploy');
  const { createNodeClient, createUndiciFetch } = await import('prediction-one-rx/node');
  // The Node default transport (undici), with each status poll and Create Model noted as sent.
  // LIBRARY_FETCH=platform: the platform fetch instead (the baseline's transport), to tell the
  // transport's share of a difference from the rest.
  const transport: FetchLike = latencies.wrap<Parameters<FetchLike>[1], Awaited<ReturnType<FetchLike>>>(
    process.env.LIBRARY_FETCH === 'platform'
      ? (input, init) => globalThis.fetch(input, init as RequestInit) as unknown as ReturnType<FetchLike>
      : createUndiciFetch(),
  );
  const fetch: FetchLike = (input, init) => {
    if (input.includes('/v1/external/models/results?')) cycles.sent(new URL(input).searchParams.get('external_process_id') ?? '');
    else if (init.method === 'POST' && input.endsWith('/v1/external/models') && typeof init.body === 'string') {
      cycles.creating((JSON.parse(init.body) as { external_process_id: string }).external_process_id);
    }
    return transport(input, init);
  };
  const client = createNodeClient({ baseUrl: url, apiKey, fetch });
  await lastValueFrom(models$(client).pipe(count()));
  const jobs = tinyJobs(TRAININGS, 'job', { firstDelayMs: FIRST_POLL_MS, minDelayMs: POLL_MS, multiplier: 1 });
  // Pulled one at a time as a slot frees: the pull is the job's start.
  function* pulled() {
    for (const job of jobs) {
      cycles.started(job.key);
      yield job;
    }
  }
  return () =>
    lastValueFrom(
      trainEachFrom$(client, pulled(), { concurrency: CONCURRENCY }).pipe(
        tap((e) => {
          if (e.type === 'progress' && e.event.type === 'status' && e.event.terminal) cycles.finished(e.event.createdDatetime, e.event.updatedDatetime);
          if (e.type === 'succeeded') cycles.ended(e.key, e.externalProcessId ?? '');
        }),
        filter((e) => e.type === 'succeeded' && e.result.metrics.length > 0),
        count(),
      ),
    );
}

async function baseline(url: string, apiKey: string): Promise<Prepared> {
  const pLimit = (await import('p-limit')).default;
  const fetch = latencies.wrap((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  const { unzipSync } = await import('fflate');
  const limit = pLimit(CONCURRENCY);
  const headers = { 'x-api-key': apiKey, accept: 'application/json' };
  // The platform fetch loads its internals on first use: warm it up as the library is.
  await (await fetch(`${url}/v1/external/models`, { headers })).arrayBuffer();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const columnInfo = '\uFEFFcolumn_name,column_type\nx,integer\ny,integer\n';
  const one = async (i: number): Promise<boolean> => {
    cycles.started(`job-${i}`);
    const urls = await (await fetch(`${url}/v1/external/data-sets/upload-url?extension=csv`, { headers })).json();
    for (const [target, body] of [
      [urls.learn_data_set_upload_url, TINY_CSV],
      [urls.column_info_upload_url, columnInfo],
    ]) {
      const put = await fetch(target, { method: 'PUT', body });
      await put.arrayBuffer();
      if (!put.ok) throw new Error(`upload ${put.status}`);
    }
    cycles.creating(urls.external_process_id);
    const created = await fetch(`${url}/v1/external/models`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ external_process_id: urls.external_process_id, name: `job-${i}`, config: CONFIG }),
    });
    await created.arrayBuffer();
    if (!created.ok) throw new Error(`create ${created.status}`);
    if (FIRST_POLL_MS > 0) await sleep(FIRST_POLL_MS);
    for (;;) {
      cycles.sent(urls.external_process_id);
      const res = await fetch(`${url}/v1/external/models/results?external_process_id=${encodeURIComponent(urls.external_process_id)}`, { headers });
      const status = await res.json();
      if (status.status === 'finished') {
        cycles.finished(status.created_datetime, status.updated_datetime);
        const zip = new Uint8Array(await (await fetch(status.result_url)).arrayBuffer());
        const files = unzipSync(zip);
        cycles.ended(`job-${i}`, urls.external_process_id);
        return 'metrics.csv' in files;
      }
      if (status.status === 'failed') throw new Error('training failed');
      await sleep(POLL_MS);
    }
  };
  return async () => {
    const results = await Promise.all(Array.from({ length: TRAININGS }, (_, i) => limit(() => one(i))));
    return results.filter(Boolean).length;
  };
}

/**
 * Two clocks: `cold` from before the client's modules are imported (what a one-off script pays),
 * `warm` from after the imports and one warm-up request (the trainings themselves).
 */
async function worker(mode: Mode, url: string, apiKey: string): Promise<void> {
  const cpuCold = process.cpuUsage();
  const tCold = performance.now();
  const run = mode === 'library' ? await library(url, apiKey) : await baseline(url, apiKey);
  const cpuWarm = process.cpuUsage();
  const tWarm = performance.now();
  const ok = await run();
  const tEnd = performance.now();
  const cpuMs = (from: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(from);
    return (used.user + used.system) / 1000;
  };
  const result: WorkerResult = {
    ok,
    ms: tEnd - tWarm,
    cpuMs: cpuMs(cpuWarm),
    coldMs: tEnd - tCold,
    coldCpuMs: cpuMs(cpuCold),
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    ...cycles.summary(),
    requestLatencyMs: latencies.summary(),
  };
  process.send?.({ type: 'result', ...result });
  setTimeout(() => process.exit(0), 50);
}

interface WorkerResult {
  ok: number;
  /** The trainings, modules loaded and warmed up. */
  ms: number;
  cpuMs: number;
  /** Including the import of the client's modules and the warm-up request. */
  coldMs: number;
  coldCpuMs: number;
  rssMiB: number;
  /** Mean time from one status poll of a job to its next, as the client sent them. */
  meanPollCycleMs: number;
  minPollCycleMs: number;
  /** Mean time from sending Create Model to the job's first status poll. */
  meanFirstPollAfterCreateMs: number;
  /** Mean time from sending Create Model to the job's last status poll (the one that saw it finished). */
  lastPollAfterCreateMs: number;
  /** Mean time the emulator took from creating a job to finishing it (its own timestamps). */
  serverTrainingMs: number;
  /** Time-weighted mean of the jobs between created and finished in the emulator (its own timestamps). */
  serverTrainingsAtOnce: number;
  /** How many jobs needed 1, 2, 3... status polls. */
  pollsPerJob: Record<number, number>;
  /**
   * Mean per job: from taking a slot to sending Create Model (upload), to sending the last status
   * poll (poll), to having the unzipped result (finish).
   */
  jobPhasesMs: { upload: number; poll: number; finish: number; total: number };
  /** Mean time from sending a request to its response's headers, per kind (upload-url, PUT, create, status, result). */
  requestLatencyMs: Record<string, number>;
}

/** What the client notes itself about its polls, its jobs and the emulator's timestamps. */
type CycleSummary = Pick<
  WorkerResult,
  | 'meanPollCycleMs'
  | 'minPollCycleMs'
  | 'meanFirstPollAfterCreateMs'
  | 'lastPollAfterCreateMs'
  | 'serverTrainingMs'
  | 'serverTrainingsAtOnce'
  | 'pollsPerJob'
  | 'jobPhasesMs'
>;

interface RunResult extends WorkerResult {
  statusRequests: number;
  /** Time-weighted mean of the trainings between their first request and their result download, as the emulator saw them. */
  jobsInFlight: number;
  requests: number;
  emulatorCpuMs: number;
  /** The emulator's event-loop delay over its life, and the most sockets it had open at once. */
  emulatorLoad: { eldMeanMs: number; eldP99Ms: number; maxSockets: number };
}

async function runOnce(mode: Mode): Promise<RunResult> {
  // A fresh emulator per variant and run: same state, and its request log holds only this run.
  const emulator = await forkEmulator({ trainingDelayMs: TRAINING_DELAY_MS });
  try {
    await warmUp(emulator.url, emulator.apiKey);
    await emulator.clearLog();
    const e0 = await emulator.cpuMs();
    const child = forkTs(__filename, ['--worker', mode, emulator.url, emulator.apiKey]);
    const { type: _type, ...r } = await waitFor<WorkerResult & { type: string }>(child, 'result');
    const statusRequests = await emulator.count(STATUS_ROUTE);
    const requests = await emulatorRequests(emulator);
    const jobsInFlight = meanJobsInFlight(await ask<[string, number][]>(emulator.child, { cmd: 'timeline' }));
    const load = await ask<{ eldMeanMs: number; eldP99Ms: number; maxSockets: number }>(emulator.child, { cmd: 'load' });
    return { ...r, statusRequests, requests, jobsInFlight, emulatorCpuMs: (await emulator.cpuMs()) - e0, emulatorLoad: load };
  } finally {
    await emulator.close();
  }
}

/** Trainings run through a fresh emulator before each measured run (from this process, then its log is cleared). */
const WARMUP_TRAININGS = Number(process.env.WARMUP_TRAININGS ?? 2 * CONCURRENCY);

/**
 * A fresh emulator trains its first jobs several times slower (its JIT is cold): a whole first
 * wave of trainings then needs a poll more, for whichever client
 * happens to meet it. Both clients therefore get an emulator that has already trained
 * `WARMUP_TRAININGS` jobs.
 */
async function warmUp(url: string, apiKey: string): Promise<void> {
  const { lastValueFrom, count } = await import('rxjs');
  const { trainEachFrom$ } = await import('prediction-one-rx/engine');
  const { createNodeClient, createUndiciFetch } = await import('prediction-one-rx/node');
  const fetch = createUndiciFetch();
  const client = createNodeClient({ baseUrl: url, apiKey, fetch });
  const jobs = tinyJobs(WARMUP_TRAININGS, 'warm', { minDelayMs: 20, multiplier: 1 });
  try {
    await lastValueFrom(trainEachFrom$(client, jobs, { concurrency: CONCURRENCY }).pipe(count()));
  } finally {
    await fetch.close();
  }
}

async function main(): Promise<void> {
  console.log('machine', machine());
  let failed = false;
  const runs: Record<Mode, RunResult[]> = { baseline: [], library: [] };
  for (let i = 0; i < RUNS; i++) {
    // Alternate which client goes first, so neither always meets a warmer or cooler machine.
    const order: Mode[] = i % 2 === 0 ? ['baseline', 'library'] : ['library', 'baseline'];
    for (const mode of order) {
      const r = await runOnce(mode);
      runs[mode].push(r);
      console.log(`run ${i + 1}/${RUNS} ${mode}: ${r.ok}/${TRAININGS} ok in ${(r.ms / 1000).toFixed(2)} s (CPU ${(r.cpuMs / 1000).toFixed(2)} s)`);
      if (r.ok !== TRAININGS) failed = true;
    }
  }
  type Figure = Exclude<keyof RunResult, 'pollsPerJob' | 'emulatorLoad' | 'jobPhasesMs' | 'requestLatencyMs'>;
  const med = (mode: Mode, key: Figure) => median(runs[mode].map((r) => r[key]));
  const lib = (key: Figure) => med('library', key);
  const base = (key: Figure) => med('baseline', key);
  const perRun = (key: 'ms' | 'cpuMs' | 'statusRequests') => runs.library.map((r, i) => round(r[key] / runs.baseline[i][key], 4));
  // Each run's library and baseline ran back to back on a fresh emulator: the median of these
  // paired ratios is what the verdicts use (the ratio of the two medians is also given; with a
  // run-to-run spread of several percent it can pair a fast run of one with a slow one of the other).
  const paired = (key: 'ms' | 'cpuMs' | 'statusRequests') => round(median(perRun(key)), 4);
  report(
    'baseline',
    (['baseline', 'library'] as Mode[]).map((m) => ({
      client: m === 'library' ? 'library (trainEachFrom$, createNodeClient)' : 'async/await + p-limit + fetch',
      succeeded: med(m, 'ok'),
      'wall s': round(med(m, 'ms') / 1000, 2),
      'client CPU s': round(med(m, 'cpuMs') / 1000, 2),
      'cold wall s': round(med(m, 'coldMs') / 1000, 2),
      'cold CPU s': round(med(m, 'coldCpuMs') / 1000, 2),
      'status requests': med(m, 'statusRequests'),
      'all requests': med(m, 'requests'),
      'emulator CPU s': round(med(m, 'emulatorCpuMs') / 1000, 2),
      'jobs in flight': round(med(m, 'jobsInFlight'), 1),
      'poll cycle ms (mean)': round(med(m, 'meanPollCycleMs'), 2),
      'poll cycle ms (min)': round(med(m, 'minPollCycleMs'), 2),
      'first poll after create ms': round(med(m, 'meanFirstPollAfterCreateMs'), 2),
      'last poll after create ms': round(med(m, 'lastPollAfterCreateMs'), 1),
      'emulator training ms': round(med(m, 'serverTrainingMs'), 1),
      'job ms: upload / poll / finish': (['upload', 'poll', 'finish'] as const).map((p) => round(median(runs[m].map((r) => r.jobPhasesMs[p])), 1)).join(' / '),
      'client RSS MiB': round(med(m, 'rssMiB'), 0),
    })),
    {
      setup: `${TRAININGS} trainings, concurrency ${CONCURRENCY}, first poll ${FIRST_POLL_MS ? `after ${FIRST_POLL_MS} ms` : 'at once'} then every ${POLL_MS} ms, emulator trainingDelayMs ${TRAINING_DELAY_MS}, config cv ${CV} in its own process (fresh per variant and run, warmed up with ${WARMUP_TRAININGS} trainings), each client in its own process; medians of ${RUNS} runs (order alternating); warm = modules imported and one request made before the clock starts, cold = from before the imports`,
      ratios: {
        wallLibraryOverBaseline: round(lib('ms') / base('ms'), 3),
        cpuLibraryOverBaseline: round(lib('cpuMs') / base('cpuMs'), 3),
        coldWallLibraryOverBaseline: round(lib('coldMs') / base('coldMs'), 3),
        coldCpuLibraryOverBaseline: round(lib('coldCpuMs') / base('coldCpuMs'), 3),
        statusRequestsLibraryOverBaseline: round(lib('statusRequests') / base('statusRequests'), 4),
        statusRequestsPerRun: perRun('statusRequests'),
        wallPaired: paired('ms'),
        cpuPaired: paired('cpuMs'),
        statusRequestsPaired: paired('statusRequests'),
        pollCycleLibraryOverBaseline: round(lib('meanPollCycleMs') / base('meanPollCycleMs'), 4),
        wallPerRun: perRun('ms'),
        cpuPerRun: perRun('cpuMs'),
      },
      targets: {
        'wall time: library no slower (median paired ratio <= 1.0)': verdict(paired('ms') <= 1),
        'client CPU: library no slower (median paired ratio <= 1.0)': verdict(paired('cpuMs') <= 1),
        'status requests: library <= baseline (median paired ratio <= 1.0)': verdict(paired('statusRequests') <= 1),
      },
      runs,
    },
  );
  process.exit(failed ? 1 : 0);
}

/** From the emulator's request log (route, arrival time): how many trainings were in progress, on average. */
function meanJobsInFlight(timeline: readonly [string, number][]): number {
  if (timeline.length < 2) return 0;
  let inFlight = 0;
  let area = 0;
  let last = timeline[0][1];
  for (const [route, at] of timeline) {
    area += inFlight * (at - last);
    last = at;
    if (route === 'GET /v1/external/data-sets/upload-url') inFlight++;
    else if (route === 'GET /storage/result') inFlight--;
  }
  const span = last - timeline[0][1];
  return span > 0 ? area / span : 0;
}

async function emulatorRequests(emulator: Awaited<ReturnType<typeof forkEmulator>>): Promise<number> {
  const routes = ['GET /v1/external/data-sets/upload-url', 'PUT /storage/upload', 'POST /v1/external/models', STATUS_ROUTE, 'GET /storage/result'];
  const counts = await Promise.all(routes.map((r) => emulator.count(r)));
  return counts.reduce((a, b) => a + b, 0);
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3] as Mode, process.argv[4], process.argv[5]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
