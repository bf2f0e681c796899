/** p1rx batch --queue: enqueues a manifest for a fleet and follows its progress. */
/**
 * `p1rx batch <manifest> --queue <redis-url>`: enqueue a manifest for a fleet of workers and
 * follow the fleet's progress with the batch display.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { lastValueFrom, mergeMap, from, toArray, filter, map, of } from 'rxjs';
import { upload$, type PredictionOneClient } from 'prediction-one-rx';
import { headlineMetric } from 'prediction-one-rx/data';
import { fileSource } from 'prediction-one-rx/node';
import type { FleetJobData, FleetJobResult, FleetPollOptions, FleetTraining } from 'prediction-one-rx/bullmq';
import { INTERRUPTED_EXIT_CODE, USAGE_EXIT_CODE, type CliIo } from './batchIo';
import { openFleetJournal, resumeRecord, type FleetJournal, type JournalEntry } from './fleetJournal';
import { StageClock, failureOf } from './batchTimes';
import type { BatchDisplay, JobOutcome } from './batchDisplay';
import { summaryTable } from './batchCommand';
import type { BullmqEntry } from './fleetModules';
import type { ManifestJob } from './manifest';
import { LIBRARY_DEFAULTS } from '../core/defaults';

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
  /** Re-enqueue the jobs Redis lost, from the journal (follow their trainings, never create them again). */
  resume: boolean;
  /** Re-enqueue the batch's failed jobs (from their recorded stage). */
  retryFailed: boolean;
  /** Give up (exit 1) when Redis cannot be reached for this long. */
  redisTimeoutMs: number;
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
  return createHash('sha256')
    .update(`${path.resolve(manifestFile)}\n${path.resolve(out)}`)
    .digest('hex')
    .slice(0, 16);
}

/** Redis could not be reached for the run's bound: reported in one line, exit 1. */
class RedisUnreachable extends Error {}

function scoreOf(r: FleetJobResult): { name: string; value: number | string } | undefined {
  const score = headlineMetric(r.metrics);
  return score && { name: score.name, value: score.value };
}

/**
 * A worker's report of success, checked against the disk: the result must be in the folder
 * this producer chose for the job, and hold files. A worker that wrote elsewhere (or nothing)
 * makes the job fail here instead of being reported done.
 */
async function resultIssue(expectedDir: string, r: FleetJobResult): Promise<string | undefined> {
  if (r.resultDir === undefined || path.resolve(r.resultDir) !== expectedDir) {
    return `the worker reported success but wrote the result ${r.resultDir === undefined ? 'nowhere' : `to ${r.resultDir}`}, not to ${expectedDir} (is every worker's storage shared with this machine?)`;
  }
  try {
    if ((await readdir(expectedDir)).length === 0) return `the worker reported success but ${expectedDir} is empty`;
  } catch (err) {
    return `the worker reported success but ${expectedDir} cannot be read here (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the storage shared?`;
  }
  return undefined;
}

function failedOutcome(job: Job<FleetJobData, FleetJobResult>, seconds: number): JobOutcome {
  return { outcome: 'failed', externalProcessId: job.data.record.externalProcessId, error: new Error(job.failedReason ?? 'failed'), seconds };
}

/** Resolves `work`, or rejects with {@link RedisUnreachable} after `ms`. */
async function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RedisUnreachable(what)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Enqueues (idempotently), then follows until every job of the batch ended; resolves with the
 * exit code (0 all succeeded, 1 one failed or Redis unreachable, 2 jobs lost by Redis without
 * `--resume`, 130 Ctrl-C: the fleet goes on).
 *
 * Results go to `<out>/<batchId>/<key>/` (the job carries that folder; every worker writes it
 * there). The batch's journal (`<out>/<batchId>/.p1rx-fleet-journal.jsonl`) records each
 * upload and training outside Redis.
 *
 * @internal
 */
export async function runFleetBatch(run: FleetBatchRun): Promise<number> {
  const { bullmq, jobs, io } = run;
  const batchId = run.batchId ?? defaultBatchId(run.manifestFile, run.out);
  const batchIssue = bullmq.fleetNameIssue('batch id', batchId);
  if (batchIssue) {
    io.stderr.write(`p1rx batch: ${batchIssue}\n`);
    return USAGE_EXIT_CODE;
  }
  const where = bullmq.redisWhere(run.queueUrl);
  const batchDir = path.resolve(run.out, batchId);
  const journal = await openFleetJournal(batchDir);
  // Bounded reconnection: the producer reports an unreachable Redis instead of waiting forever.
  // Each connection retries for about the run's bound, then gives up (its commands fail, and
  // closing it does not wait for a Redis that is gone).
  const retryDelay = (times: number) => Math.min(200 * times, 1000);
  let over = false;
  const connection = {
    url: run.queueUrl,
    maxRetriesPerRequest: null,
    // ioredis waits this long for a socket that never opened to close (it had): not 2 s.
    disconnectTimeout: 200,
    retryStrategy: (times: number) => {
      // Once this run is over, a connection that dropped stays closed.
      if (over) return null;
      let waited = 0;
      for (let t = 1; t < times; t++) waited += retryDelay(t);
      return waited > run.redisTimeoutMs + 1000 ? null : retryDelay(times);
    },
  };
  const queue = new Queue<FleetJobData, FleetJobResult>(run.queueName, { connection });
  let queueEvents: QueueEvents | undefined;
  let lastRedisError = '';
  const onRedisError = (err: unknown) => {
    lastRedisError = bullmq.redisErrorLine(err);
  };
  queue.on('error', onRedisError);
  try {
    await bounded(queue.waitUntilReady(), run.redisTimeoutMs, 'connect');
    // Only once Redis answered (its read loop waits 5 s after a connection error, and would
    // hold the process that long after an unreachable Redis was reported). A short block:
    // BullMQ's watchdog on a read stuck by a dead Redis lasts the block plus 1 s.
    queueEvents = new QueueEvents(run.queueName, { connection, blockingTimeout: 2000 });
    queueEvents.on('error', onRedisError);
    await bounded(queueEvents.waitUntilReady(), run.redisTimeoutMs, 'connect');
    const ids = new Map(jobs.map((j) => [j.key, bullmq.trainingJobId(batchId, j.key)] as const));
    const present = await bounded(Promise.all(jobs.map((j) => queue.getJob(ids.get(j.key)!))), run.redisTimeoutMs, 'read');
    const missing = jobs.filter((_, i) => !present[i]);

    // Jobs the journal knows but Redis does not: Redis lost them (a restart without persistence).
    const lost = missing.filter((j) => journal.entries.has(j.key));
    if (lost.length > 0 && !run.resume) {
      io.stderr.write(
        `p1rx batch: Redis lost ${lost.length} job(s) of batch ${batchId} whose trainings the journal ${journal.file} knows (${lost
          .slice(0, 5)
          .map((j) => j.key)
          .join(', ')}${lost.length > 5 ? ', …' : ''}): run again with --resume to follow them (nothing is trained twice)\n`,
      );
      return USAGE_EXIT_CODE;
    }

    // Uploading from here (the producer has the files) or leaving it to the workers (they
    // read the same paths: a shared volume).
    const fresh = missing.filter((j) => !journal.entries.has(j.key));
    let uploaded = new Map<string, string>();
    if (run.uploadFrom === 'producer' && fresh.length > 0) {
      io.stderr.write(`p1rx: uploading ${fresh.length} job(s) from this machine before enqueueing\n`);
      const pairs = await lastValueFrom(
        from(fresh).pipe(
          mergeMap((j) => {
            const uploadStart = Date.now();
            return of({ train: fileSource(j.csv), evaluation: j.eval === undefined ? undefined : fileSource(j.eval), encoding: j.encoding }).pipe(
              upload$(run.client),
              filter((e) => e.type === 'uploaded'),
              map((e) => [j.key, (e as { externalProcessId: string }).externalProcessId] as const),
              // In the journal before the job is in Redis.
              mergeMap(async (pair) => {
                await journal.record({ key: pair[0], externalProcessId: pair[1], stage: 'uploaded', times: { uploadStart, uploadEnd: Date.now() } });
                return pair;
              }),
            );
          }, run.concurrency),
          toArray(),
        ),
      );
      uploaded = new Map(pairs);
    }
    const lostKeys = new Set(lost.map((j) => j.key));
    const trainings: FleetTraining[] = missing.map((j) => {
      const known = lostKeys.has(j.key) ? journal.entries.get(j.key) : undefined;
      return {
        key: j.key,
        name: j.name,
        config: j.config,
        ...(known !== undefined
          ? { record: resumeRecord(known) }
          : run.uploadFrom === 'producer'
            ? { externalProcessId: uploaded.get(j.key)! }
            : { data: { train: path.resolve(j.csv), ...(j.eval ? { evaluation: path.resolve(j.eval) } : {}) } }),
        ...(run.poll ? { poll: run.poll } : {}),
      };
    });
    const report = await bounded(bullmq.enqueueTrainings(queue, trainings, { batchId, out: batchDir }), run.redisTimeoutMs, 'enqueue');
    const recovered = lost.filter((j) => report.added.includes(j.key)).length;
    io.stderr.write(
      `p1rx: batch ${batchId} on ${run.queueName}: ${report.added.length} enqueued${recovered > 0 ? ` (${recovered} lost by Redis, resumed from the journal: followed, not created again)` : ''}, ${jobs.length - report.added.length} already queued; results go to ${batchDir}\n`,
    );
    if (run.retryFailed) {
      let retried = 0;
      for (const j of jobs) {
        const job = await queue.getJob(ids.get(j.key)!);
        if (job && (await job.getState()) === 'failed') {
          await job.retry('failed');
          retried += 1;
        }
      }
      io.stderr.write(`p1rx: ${retried} failed job(s) of batch ${batchId} enqueued again (from their recorded stage)\n`);
    }
    if (run.detach) {
      io.stdout.write(
        `${JSON.stringify({ type: 'enqueued', batchId, queue: run.queueName, added: report.added.length, existing: jobs.length - report.added.length, resultDir: batchDir })}\n`,
      );
      return 0;
    }
    return await follow(run, queue, queueEvents, batchId, ids, journal, batchDir);
  } catch (err) {
    if (!(err instanceof RedisUnreachable)) throw err;
    io.stderr.write(
      `p1rx batch: Redis at ${where} unreachable for ${run.redisTimeoutMs} ms${lastRedisError ? ` (${lastRedisError})` : ''}: stopped; the fleet's trainings go on at the service: run the same command again${journal.entries.size > 0 ? ' with --resume' : ''} once Redis is back\n`,
    );
    return 1;
  } finally {
    over = true;
    await journal.close();
    // Closing waits for Redis when it is away: not longer than its connections keep retrying
    // (they stop after the bound). BullMQ's QueueEvents.close() can wait for an `end` its
    // connection already emitted: it is given one second more, then left (no socket is open).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([queueEvents?.close(), queue.close()]).catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, run.redisTimeoutMs + 2000))),
    ]);
    clearTimeout(timer);
  }
}

async function follow(
  run: FleetBatchRun,
  queue: Queue<FleetJobData, FleetJobResult>,
  queueEvents: QueueEvents,
  batchId: string,
  ids: ReadonlyMap<string, string>,
  journal: FleetJournal,
  batchDir: string,
): Promise<number> {
  const { bullmq, jobs, display, io } = run;
  const t0 = Date.now();
  const outcomes = new Map<string, JobOutcome>();
  const started = new Set<string>();
  const startedAt = new Map<string, number>();
  // Seconds since the job was first seen moving (or since following began).
  const secondsOf = (key: string) => Math.round((Date.now() - (startedAt.get(key) ?? t0)) / 100) / 10;
  const pending = new Set(jobs.map((j) => j.key));
  const checking = new Set<string>();
  let finish: () => void = () => undefined;
  let fail: (err: unknown) => void = () => undefined;
  const allDone = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Each job's stage times as seen from here, for the journal (and `p1rx report`).
  const clocks = new Map<string, StageClock>();
  const clockOf = (key: string) => clocks.get(key) ?? clocks.set(key, new StageClock(() => Date.now())).get(key)!;
  const end = (key: string, o: JobOutcome) => {
    if (!pending.has(key)) return;
    if (o.outcome === 'failed') {
      const known = journal.entries.get(key);
      const id = o.externalProcessId ?? known?.externalProcessId;
      const stage = known && known.externalProcessId === id ? known.stage : 'uploaded';
      const failure = failureOf(o.error, { stage, externalProcessId: id, resultDir: bullmq.jobResultDir(batchDir, key) });
      journalIt(key, id, stage, { times: clockOf(key).times, failure });
    }
    pending.delete(key);
    outcomes.set(key, o);
    display.jobEnded(key, o);
    if (pending.size === 0) finish();
  };
  const journalIt = (key: string, externalProcessId: string | undefined, stage: JournalEntry['stage'], extra: Pick<JournalEntry, 'times' | 'failure'> = {}) => {
    if (externalProcessId === undefined) return;
    journal
      .record({ key, externalProcessId, stage, ...extra })
      .catch((err: unknown) =>
        fail(new Error(`the journal ${journal.file} cannot be written (${(err as Error).message}): stopped following; the fleet goes on`)),
      );
  };
  /** Success only once the result is where this producer said it goes. */
  const succeeded = (key: string, r: FleetJobResult, seconds: number, skipped: boolean) => {
    if (checking.has(key)) return;
    checking.add(key);
    void resultIssue(bullmq.jobResultDir(batchDir, key), r).then((issue) => {
      checking.delete(key);
      if (issue) return end(key, { outcome: 'failed', externalProcessId: r.externalProcessId, error: new Error(issue), seconds });
      journalIt(key, r.externalProcessId, 'downloaded', skipped ? {} : { times: clockOf(key).finish() });
      end(
        key,
        skipped
          ? { outcome: 'skipped', externalProcessId: r.externalProcessId, resultDir: r.resultDir, score: scoreOf(r) }
          : { outcome: 'succeeded', externalProcessId: r.externalProcessId, resultDir: r.resultDir ?? '', score: scoreOf(r), seconds },
      );
    });
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
      clockOf(e.key).see(e.event);
      if (e.event.type === 'uploaded') journalIt(e.key, e.event.externalProcessId, 'uploaded');
      if (e.event.type === 'queued') journalIt(e.key, e.event.externalProcessId, 'training');
      display.jobEvent(e.key, e.event);
    } else if (e.type === 'succeeded') {
      succeeded(e.key, e.result, seconds, false);
    } else {
      end(e.key, { outcome: 'failed', error: e.error, seconds });
    }
  });
  // A worker died holding a job (its lock expired): BullMQ puts the job back for another worker.
  const onStalled = ({ jobId }: { jobId: string }) => {
    const parsed = bullmq.parseTrainingJobId(jobId);
    if (parsed && parsed.batchId === batchId && pending.has(parsed.key)) display.notice(`${parsed.key}: worker lost, retaking`);
  };
  queueEvents.on('stalled', onStalled);
  let lastContact = Date.now();
  const seen = new Set<string>();
  const reconcile = async (initial: boolean) => {
    for (const key of [...pending]) {
      const job = await queue.getJob(ids.get(key)!);
      lastContact = Date.now();
      if (!job) {
        // Redis lost it (restarted empty): the journal knows its training if it ever started.
        if (seen.has(key) || !initial) {
          end(key, {
            outcome: 'failed',
            error: new Error(`job lost by Redis (restarted without persistence?): run again with --resume to follow its training from the journal`),
            seconds: secondsOf(key),
          });
        }
        continue;
      }
      seen.add(key);
      journalIt(key, job.data.record.externalProcessId, job.data.record.stage === 'training' ? 'training' : 'uploaded');
      const state = await job.getState();
      if (state === 'completed' && job.returnvalue) succeeded(key, job.returnvalue, secondsOf(key), initial);
      else if (state === 'failed') end(key, failedOutcome(job, secondsOf(key)));
    }
  };
  const firstStates = await Promise.all(
    jobs.map(async (j) => {
      const job = await queue.getJob(ids.get(j.key)!);
      return job ? job.getState() : 'unknown';
    }),
  );
  const skipped = firstStates.filter((s) => s === 'completed').length;
  display.begin({
    jobs: jobs.length,
    toRun: jobs.length - skipped,
    skipped,
    concurrency: run.concurrency,
    checkpoint: `redis queue ${run.queueName}, batch ${batchId}`,
  });
  await reconcile(true);
  // A safety net for events missed while Redis was unreachable, and the watch on Redis itself.
  // Commands wait in ioredis' queue while Redis is away: the bound is checked apart from them.
  let inFlight = false;
  const timer = setInterval(
    () => {
      if (Date.now() - lastContact > run.redisTimeoutMs) return fail(new RedisUnreachable('follow'));
      if (inFlight) return;
      inFlight = true;
      reconcile(false)
        .catch(() => undefined)
        .finally(() => (inFlight = false));
    },
    Math.min(2000, Math.max(100, Math.floor(run.redisTimeoutMs / 4))),
  );
  let interrupted = false;
  const stopListening = io.onInterrupt(() => {
    interrupted = true;
    io.stderr.write('\np1rx: stopped following; the fleet goes on (run the same command to follow again)\n');
    finish();
  });
  let lostRedis: unknown;
  try {
    if (pending.size > 0) await allDone;
  } catch (err) {
    lostRedis = err;
  } finally {
    clearInterval(timer);
    sub.unsubscribe();
    queueEvents.off('stalled', onStalled);
    stopListening();
  }
  if (lostRedis !== undefined && !(lostRedis instanceof RedisUnreachable)) {
    io.stderr.write(`p1rx batch: ${(lostRedis as Error).message}\n`);
  }
  for (const key of pending) outcomes.set(key, started.has(key) ? { outcome: 'interrupted', seconds: secondsOf(key) } : { outcome: 'not started' });
  const count = (what: JobOutcome['outcome']) => [...outcomes.values()].filter((o) => o.outcome === what).length;
  const failed = count('failed');
  const exitCode = interrupted ? INTERRUPTED_EXIT_CODE : failed > 0 || lostRedis !== undefined ? 1 : 0;
  display.end({ succeeded: count('succeeded'), failed, skipped: count('skipped'), notRun: count('interrupted') + count('not started'), interrupted, exitCode });
  const sink = run.json ? io.stderr : io.stdout;
  sink.write(`\n${summaryTable(jobs, outcomes, io.stdout.columns ?? LIBRARY_DEFAULTS.cli.terminalColumns)}\n`);
  if (lostRedis instanceof RedisUnreachable) throw lostRedis;
  return exitCode;
}
