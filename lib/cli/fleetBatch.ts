/**
 * `p1rx batch <manifest> --queue <redis-url>`: enqueue a manifest for a fleet of workers and
 * follow the fleet's progress with the batch display.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { lastValueFrom, mergeMap, from, toArray, filter, map, of } from 'rxjs';
import { headlineMetric, upload$, type PredictionOneClient } from 'prediction-one-rx';
import { fileSource } from 'prediction-one-rx/node';
import type { FleetJobData, FleetJobResult, FleetPollOptions, FleetTraining } from 'prediction-one-rx/bullmq';
import { INTERRUPTED_EXIT_CODE, type CliIo } from './batchIo';
import type { BatchDisplay, JobOutcome } from './batchDisplay';
import { summaryTable } from './batchCommand';
import type { BullmqEntry } from './fleetModules';
import type { ManifestJob } from './manifest';

/** @internal */
export interface FleetBatchRun {
  bullmq: BullmqEntry;
  client: PredictionOneClient;
  manifestFile: string;
  jobs: readonly ManifestJob[];
  queueUrl: string;
  queueName: string;
  batchId?: string;
  out: string;
  concurrency: number;
  uploadFrom: 'producer' | 'workers';
  detach: boolean;
  poll?: FleetPollOptions;
  display: BatchDisplay;
  io: CliIo;
  json: boolean;
}

/**
 * The default batch id: a hash of the manifest's absolute path and the output folder, so the
 * same command names the same batch (and enqueues nothing new) however often it runs.
 *
 * @internal
 */
export function defaultBatchId(manifestFile: string, out: string): string {
  return createHash('sha256').update(`${path.resolve(manifestFile)}\n${path.resolve(out)}`).digest('hex').slice(0, 16);
}

function outcomeOf(job: Job<FleetJobData, FleetJobResult> | undefined, state: string, startedAt: number): JobOutcome | undefined {
  const seconds = Math.round((Date.now() - startedAt) / 100) / 10;
  if (!job) return undefined;
  if (state === 'completed' && job.returnvalue) {
    const r = job.returnvalue;
    const score = headlineMetric(r.metrics);
    return { outcome: 'succeeded', externalProcessId: r.externalProcessId, resultDir: r.resultDir ?? '', score: score && { name: score.name, value: score.value }, seconds };
  }
  if (state === 'failed') return { outcome: 'failed', externalProcessId: job.data.record.externalProcessId, error: new Error(job.failedReason ?? 'failed'), seconds };
  return undefined;
}

/**
 * Enqueues (idempotently), then follows until every job of the batch ended; resolves with the
 * exit code (0 all succeeded, 1 one failed, 130 Ctrl-C: the fleet goes on).
 *
 * @internal
 */
export async function runFleetBatch(run: FleetBatchRun): Promise<number> {
  const { bullmq, jobs, io } = run;
  const batchId = run.batchId ?? defaultBatchId(run.manifestFile, run.out);
  const connection = { url: run.queueUrl, maxRetriesPerRequest: null };
  const queue = new Queue<FleetJobData, FleetJobResult>(run.queueName, { connection });
  const queueEvents = new QueueEvents(run.queueName, { connection });
  try {
    await Promise.all([queue.waitUntilReady(), queueEvents.waitUntilReady()]);
    const ids = new Map(jobs.map((j) => [j.key, bullmq.trainingJobId(batchId, j.key)] as const));
    const present = await Promise.all(jobs.map((j) => queue.getJob(ids.get(j.key)!)));
    const missing = jobs.filter((_, i) => !present[i]);

    // Uploading from here (the producer has the files) or leaving it to the workers (they
    // read the same paths: a shared volume).
    let uploaded = new Map<string, string>();
    if (run.uploadFrom === 'producer' && missing.length > 0) {
      io.stderr.write(`p1rx: uploading ${missing.length} job(s) from this machine before enqueueing\n`);
      const pairs = await lastValueFrom(
        from(missing).pipe(
          mergeMap(
            (j) =>
              of({ train: fileSource(j.csv), evaluation: j.eval === undefined ? undefined : fileSource(j.eval) }).pipe(
                upload$(run.client),
                filter((e) => e.type === 'uploaded'),
                map((e) => [j.key, (e as { externalProcessId: string }).externalProcessId] as const),
              ),
            run.concurrency,
          ),
          toArray(),
        ),
      );
      uploaded = new Map(pairs);
    }
    const trainings: FleetTraining[] = missing.map((j) => ({
      key: j.key,
      name: j.name,
      config: j.config,
      ...(run.uploadFrom === 'producer' ? { externalProcessId: uploaded.get(j.key)! } : { data: { train: path.resolve(j.csv), ...(j.eval ? { evaluation: path.resolve(j.eval) } : {}) } }),
      ...(run.poll ? { poll: run.poll } : {}),
    }));
    const report = await bullmq.enqueueTrainings(queue, trainings, { batchId });
    io.stderr.write(`p1rx: batch ${batchId} on ${run.queueName}: ${report.added.length} enqueued, ${jobs.length - report.added.length} already queued\n`);
    if (run.detach) {
      io.stdout.write(`${JSON.stringify({ type: 'enqueued', batchId, queue: run.queueName, added: report.added.length, existing: jobs.length - report.added.length })}\n`);
      return 0;
    }
    return await follow(run, queue, queueEvents, batchId, ids);
  } finally {
    await queueEvents.close();
    await queue.close();
  }
}

async function follow(
  run: FleetBatchRun,
  queue: Queue<FleetJobData, FleetJobResult>,
  queueEvents: QueueEvents,
  batchId: string,
  ids: ReadonlyMap<string, string>,
): Promise<number> {
  const { bullmq, jobs, display, io } = run;
  const t0 = Date.now();
  const outcomes = new Map<string, JobOutcome>();
  const started = new Set<string>();
  const startedAt = new Map<string, number>();
  // Seconds since the job was first seen moving (or since following began).
  const secondsOf = (key: string) => Math.round((Date.now() - (startedAt.get(key) ?? t0)) / 100) / 10;
  const pending = new Set(jobs.map((j) => j.key));
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const end = (key: string, o: JobOutcome) => {
    if (!pending.has(key)) return;
    pending.delete(key);
    outcomes.set(key, o);
    display.jobEnded(key, o);
    if (pending.size === 0) finish();
  };

  // Listen first, then read the states: nothing that ends in between is missed.
  const sub = bullmq.fleetEvents$(queueEvents, { batchId }).subscribe((e) => {
    if (!pending.has(e.key)) return;
    const seconds = secondsOf(e.key);
    if (e.type === 'progress') {
      if (!started.has(e.key)) {
        started.add(e.key);
        startedAt.set(e.key, Date.now());
        display.jobStarted(e.key, undefined);
      }
      display.jobEvent(e.key, e.event);
    } else if (e.type === 'succeeded') {
      const r = e.result;
      const score = headlineMetric(r.metrics);
      end(e.key, { outcome: 'succeeded', externalProcessId: r.externalProcessId, resultDir: r.resultDir ?? '', score: score && { name: score.name, value: score.value }, seconds });
    } else {
      end(e.key, { outcome: 'failed', error: e.error, seconds });
    }
  });
  const reconcile = async (initial: boolean) => {
    for (const key of [...pending]) {
      const job = await queue.getJob(ids.get(key)!);
      const state = job ? await job.getState() : 'unknown';
      const o = outcomeOf(job, state, startedAt.get(key) ?? t0);
      if (!o) continue;
      end(key, initial && o.outcome === 'succeeded' ? { outcome: 'skipped', externalProcessId: o.externalProcessId, resultDir: o.resultDir, score: o.score } : o);
    }
  };
  const firstStates = await Promise.all(jobs.map(async (j) => {
    const job = await queue.getJob(ids.get(j.key)!);
    return job ? job.getState() : 'unknown';
  }));
  const skipped = firstStates.filter((s) => s === 'completed').length;
  display.begin({ jobs: jobs.length, toRun: jobs.length - skipped, skipped, concurrency: run.concurrency, checkpoint: `redis queue ${run.queueName}, batch ${batchId}` });
  await reconcile(true);
  // A safety net for events missed while Redis was unreachable.
  const timer = setInterval(() => void reconcile(false).catch(() => undefined), 2000);
  let interrupted = false;
  const stopListening = io.onInterrupt(() => {
    interrupted = true;
    io.stderr.write('\np1rx: stopped following; the fleet goes on (run the same command to follow again)\n');
    finish();
  });
  try {
    if (pending.size > 0) await allDone;
  } finally {
    clearInterval(timer);
    sub.unsubscribe();
    stopListening();
  }
  for (const key of pending) outcomes.set(key, started.has(key) ? { outcome: 'interrupted', seconds: secondsOf(key) } : { outcome: 'not started' });
  const count = (what: JobOutcome['outcome']) => [...outcomes.values()].filter((o) => o.outcome === what).length;
  const failed = count('failed');
  const exitCode = interrupted ? INTERRUPTED_EXIT_CODE : failed > 0 ? 1 : 0;
  display.end({ succeeded: count('succeeded'), failed, skipped: count('skipped'), notRun: count('interrupted') + count('not started'), interrupted, exitCode });
  const sink = run.json ? io.stderr : io.stdout;
  sink.write(`\n${summaryTable(jobs, outcomes, io.stdout.columns ?? 80)}\n`);
  return exitCode;
}

