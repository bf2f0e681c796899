/** p1rx batch <manifest>: many trainings from a manifest, checkpointed and resumable. */
/**
 * `p1rx batch <manifest>`: many trainings at once, resumable after a crash or Ctrl-C.
 *
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { defer, type Subscription } from 'rxjs';
import { type Metric, type PollOptions, type PredictionOneClient } from 'prediction-one-rx';
import { trainEachFrom$ } from 'prediction-one-rx/engine';
import {
  CheckpointError,
  CheckpointLockedError,
  CheckpointWriteError,
  checkpointIssue,
  loadCheckpoint,
  lockCheckpoint,
  openCheckpoint,
  type CheckpointContents,
  type CheckpointLock,
  type CheckpointRecord,
  type CheckpointWriter,
} from 'prediction-one-rx/node';
import { USAGE_EXIT_CODE, exitWith, parseIntAtLeast, processIo, signalExitCode, usageErrorsExit2, type CliIo, type StopSignal } from './batchIo';
import { headlineMetric, runBatchJob$, type BatchJob } from './batchJob';
import { fingerprintsOf, moveAside, planBatch, replacedLine, type BatchPlan, type ReplacedJob } from './batchPlan';
import { batchPreflight } from './batchPreflight';
import { jsonLinesDisplay, terminalDisplay, type BatchDisplay, type JobOutcome } from './batchDisplay';
import { formatNumber, table } from './format';
import { loadBullmq } from './fleetModules';
import { ManifestError, readManifest, type ManifestJob } from './manifest';
import { clientFrom, type ConnectionOptions } from './options';
import { withServiceFlags } from './serviceFlags';
import { MANIFEST_WORDS, jobIssues, readHead, smallDataWarning } from './localChecks';
import { withEncodingFlag } from './encodingOption';
import type { CsvEncoding } from 'prediction-one-rx';
import { makeOutDir, outDirIssue, recoveryHint } from './outDir';
import { LIBRARY_DEFAULTS } from '../core/defaults';

interface BatchFlags extends ConnectionOptions {
  out: string;
  concurrency: number;
  checkpoint?: string;
  resume?: boolean;
  fresh?: boolean;
  json?: boolean;
  pollInterval?: number;
  queue?: string;
  queueName: string;
  batchId?: string;
  detach?: boolean;
  uploadFrom: 'producer' | 'workers';
  encoding?: CsvEncoding;
  waitLock?: boolean;
  retryFailed?: boolean;
  redisTimeout: number;
}

/** Default checkpoint file inside the output folder. @internal */
export const CHECKPOINT_FILE = '.p1rx-checkpoint.jsonl';

/**
 * `p1rx batch <manifest>`.
 *
 * @internal
 */
export function registerBatch(program: Command, io: CliIo = processIo): void {
  const cmd = program
    .command('batch <manifest>')
    .description('train every job of a manifest (JSON or CSV), N at a time, resumable with --resume')
    .option('-o, --out <dir>', 'results go to <out>/<key>/', 'p1rx-batch')
    .option('-c, --concurrency <n>', 'jobs running at once', parseIntAtLeast('concurrency', 1), 4)
    .option('--checkpoint <file>', `progress record (default: <out>/${CHECKPOINT_FILE})`)
    .option('--resume', 'continue from the checkpoint: nothing is uploaded, trained or downloaded twice')
    .option('--fresh', 'start over, emptying an existing checkpoint')
    .option('--wait-lock', 'when another p1rx runs on the same checkpoint, wait for it instead of stopping')
    .option('--json', 'print one JSON event per line (the default when stdout is not a terminal)')
    .option('--queue <redis-url>', 'enqueue for a fleet of `p1rx worker`s (BullMQ on Redis) and follow its progress')
    .option('--queue-name <name>', 'BullMQ queue name (with --queue)', 'p1rx')
    .option('--batch-id <id>', 'names the batch in the queue (default: from the manifest path and --out)')
    .option('--detach', 'with --queue: enqueue and exit without following')
    .option('--upload-from <who>', "with --queue: 'producer' (this machine uploads) or 'workers' (they read the same paths)", 'producer')
    .option('--retry-failed', "with --queue: enqueue the batch's failed jobs again (from their recorded stage)")
    .option('--redis-timeout <ms>', 'with --queue: exit 1 when Redis cannot be reached for <ms>', parseIntAtLeast('redis-timeout', 1), 30_000)
    .addHelpText(
      'after',
      `
Manifest: JSON (an array of jobs, or { "jobs": [...] }) or CSV (header row, one job per row).
Fields: key, csv, target, type, positive, cv, name, eval. Paths are relative to the manifest.

Exit codes: 0 every job succeeded (or was already done), 1 a job failed (or the checkpoint
could not be written), 2 bad usage, manifest, key or base URL, 75 another p1rx holds the
checkpoint, 130/143/129 stopped by SIGINT (Ctrl-C)/SIGTERM/SIGHUP (run again with --resume).`,
    );
  withEncodingFlag(cmd, "the jobs' training and evaluation files");
  withServiceFlags(cmd, { pollInterval: 'poll status every <ms> (default: 1 s doubling to 30 s)' });
  usageErrorsExit2(cmd).action(async (manifestFile: string, flags: BatchFlags) => {
    if (flags.resume && flags.fresh) return cmd.error('error: --resume and --fresh cannot be used together', { exitCode: USAGE_EXIT_CODE });
    let jobs: ManifestJob[];
    try {
      jobs = await readManifest(manifestFile);
      if (flags.encoding !== undefined) jobs = jobs.map((job) => ({ ...job, encoding: flags.encoding }));
    } catch (err) {
      if (err instanceof ManifestError) return cmd.error(`error: ${err.message}`, { exitCode: USAGE_EXIT_CODE, code: 'p1rx.manifest' });
      throw err;
    }
    let client: PredictionOneClient;
    try {
      client = clientFrom(flags, io.stderr);
    } catch (err) {
      return cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT_CODE });
    }
    // Before any upload (here or by a fleet's workers): every job's data against its config, and the folders results go to.
    const problems = await batchIssues(jobs, flags.out);
    if (problems.length > 0) {
      io.stderr.write(`p1rx batch: nothing was uploaded: fix these first\n${problems.map((p) => `  - ${p}\n`).join('')}`);
      throw exitWith(USAGE_EXIT_CODE);
    }
    // Not refused (the service decides), but said before the first upload, as `p1rx train` does.
    for (const warning of await batchWarnings(jobs)) io.stderr.write(`p1rx batch: warning: ${warning}\n`);
    await makeOutDir(flags.out);
    if (flags.queue !== undefined) {
      if (flags.uploadFrom !== 'producer' && flags.uploadFrom !== 'workers')
        return cmd.error("error: --upload-from must be 'producer' or 'workers'", { exitCode: USAGE_EXIT_CODE });
      // This machine uploads: one connection check before the first upload (workers check their own).
      if (flags.uploadFrom === 'producer') {
        const problem = await batchPreflight(client, flags);
        if (problem) {
          io.stderr.write(`p1rx batch: nothing was uploaded: ${problem.message}\n`);
          throw exitWith(problem.kind === 'usage' ? USAGE_EXIT_CODE : 1);
        }
      }
      // The fleet's modules (bullmq, ioredis: optional peers) load only here.
      const bullmq = await loadBullmq(cmd);
      const { runFleetBatch } = await import('./fleetBatch');
      const json = flags.json === true || io.stdout.isTTY !== true;
      const code = await runFleetBatch({
        bullmq,
        client,
        manifestFile,
        jobs,
        queueUrl: flags.queue,
        queueName: flags.queueName,
        batchId: flags.batchId,
        out: flags.out,
        concurrency: flags.concurrency,
        uploadFrom: flags.uploadFrom,
        detach: flags.detach === true,
        resume: flags.resume === true,
        retryFailed: flags.retryFailed === true,
        redisTimeoutMs: flags.redisTimeout,
        poll: flags.pollInterval === undefined ? undefined : { minDelayMs: flags.pollInterval, maxDelayMs: flags.pollInterval },
        display: json ? jsonLinesDisplay(io) : terminalDisplay(io, Math.max(...jobs.map((j) => j.key.length))),
        io,
        json,
      });
      if (code !== 0) throw exitWith(code);
      return;
    }
    const checkpointFile = flags.checkpoint ?? path.join(flags.out, CHECKPOINT_FILE);
    const checkpoint = await prepareCheckpoint(cmd, { checkpointFile, jobs, client, flags, io });
    const poll: PollOptions = flags.pollInterval === undefined ? {} : { minDelayMs: flags.pollInterval, maxDelayMs: flags.pollInterval };
    const json = flags.json === true || io.stdout.isTTY !== true;
    const display = json ? jsonLinesDisplay(io) : terminalDisplay(io, Math.max(...jobs.map((j) => j.key.length)));
    const code = await runBatch({
      client,
      jobs,
      out: flags.out,
      concurrency: flags.concurrency,
      checkpoint: checkpoint.writer,
      plan: checkpoint.plan,
      poll,
      display,
      io,
      json,
    });
    if (code !== 0) throw exitWith(code);
  });
}

/** Exit code when another process holds the checkpoint (sysexits' EX_TEMPFAIL: try again later). @internal */
export const CHECKPOINT_BUSY_EXIT_CODE = 75;

/**
 * Everything between the flags and the first job, in the order that leaves nothing behind on a
 * refusal: the checkpoint file is usable (not corrupt, not read-only, not an earlier batch's
 * unless --resume/--fresh); its lock is taken (or waited for); each job's fingerprint decides
 * what is skipped, continued or trained anew; the connection is checked once if any job will
 * send a request; only then is the checkpoint opened for writing (compacted or emptied).
 */
async function prepareCheckpoint(
  cmd: Command,
  ctx: { checkpointFile: string; jobs: readonly ManifestJob[]; client: PredictionOneClient; flags: BatchFlags; io: CliIo },
): Promise<{ writer: CheckpointWriter; plan: BatchPlan }> {
  const { checkpointFile, jobs, client, flags, io } = ctx;
  const refuse = (message: string, code = USAGE_EXIT_CODE): never => {
    io.stderr.write(`p1rx batch: ${message}\n`);
    throw exitWith(code);
  };
  const issue = await checkpointIssue(checkpointFile);
  if (issue) refuse(issue);
  let earlier: CheckpointContents | undefined;
  try {
    earlier = await loadCheckpoint(checkpointFile);
  } catch (err) {
    if (err instanceof CheckpointError) refuse(`${err.message}: move it away, or start over with --fresh`);
    throw err;
  }
  // A checkpoint with no record (a batch whose first request failed) holds nothing to resume.
  if (!flags.resume && !flags.fresh && earlier!.records.size > 0) {
    return cmd.error(`error: ${checkpointFile} exists (an earlier batch): use --resume to continue it or --fresh to start over`, {
      exitCode: USAGE_EXIT_CODE,
      code: 'p1rx.checkpointExists',
    });
  }
  let lock: CheckpointLock;
  try {
    // The lock file lives beside the checkpoint (a --checkpoint in a folder not made yet).
    await mkdir(path.dirname(path.resolve(checkpointFile)), { recursive: true });
    lock = await lockCheckpoint(checkpointFile, {
      wait: flags.waitLock === true,
      onWait: (h) => void io.stderr.write(`p1rx batch: waiting for pid ${h.pid} to finish with ${checkpointFile} (--wait-lock)\n`),
      onStale: (h) => void io.stderr.write(`p1rx batch: taking over ${checkpointFile} from pid ${h.pid}, which is no longer running\n`),
    });
  } catch (err) {
    if (err instanceof CheckpointLockedError) return refuse(err.message, CHECKPOINT_BUSY_EXIT_CODE);
    throw err;
  }
  try {
    // Read again under the lock: the holder we waited for may have moved on.
    const records = flags.resume ? (await loadCheckpoint(checkpointFile)).records : new Map<string, CheckpointRecord>();
    const plan = planBatch(jobs, records, await fingerprintsOf(jobs), flags.out);
    if (plan.toRun.length > 0) {
      const problem = await batchPreflight(client, flags);
      if (problem) {
        refuse(
          `nothing was uploaded: ${problem.message}${earlier!.records.size === 0 ? '' : ` (${checkpointFile} is unchanged)`}`,
          problem.kind === 'usage' ? USAGE_EXIT_CODE : 1,
        );
      }
    }
    return { writer: await openCheckpoint(checkpointFile, { fresh: !flags.resume, lock, fs: io.checkpointFs }), plan };
  } catch (err) {
    await lock.release();
    if (err instanceof CheckpointWriteError) return refuse(err.message, 1);
    if (err instanceof CheckpointError) return refuse(err.message);
    throw err;
  }
}

/**
 * Every problem of the batch found locally: each job's data (sampled) against its config, the
 * `--out` folder and each job's result folder `<out>/<key>`. Files shared by jobs are read once.
 *
 * @internal
 */
export async function batchIssues(jobs: readonly ManifestJob[], out: string): Promise<string[]> {
  const problems: string[] = [];
  const outIssue = await outDirIssue(out);
  if (outIssue) problems.push(outIssue);
  const heads = new Map<string, ReturnType<typeof readHead>>();
  const read = (file: string, encoding?: CsvEncoding) => heads.get(file) ?? heads.set(file, readHead(file, encoding)).get(file)!;
  for (const job of jobs) {
    const label = `${job.key} (${job.where})`;
    for (const issue of await jobIssues({ csv: job.csv, eval: job.eval, config: job.config, encoding: job.encoding }, read, MANIFEST_WORDS))
      problems.push(`${label}: ${issue}`);
    const resultDir = path.join(out, job.key);
    if (!outIssue && existsSync(resultDir) && !statSync(resultDir).isDirectory()) problems.push(`${label}: its result folder ${resultDir} is a file`);
  }
  return problems;
}

/**
 * Warnings before the first upload: a job whose training data is too small for its
 * cross-validation (see `smallDataWarning`), named by its key and manifest line.
 *
 * @internal
 */
export async function batchWarnings(jobs: readonly ManifestJob[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const job of jobs) {
    if (job.eval !== undefined) continue;
    try {
      const { head, complete } = await readHead(job.csv, job.encoding);
      const warning = smallDataWarning(head, complete, job.config, `${job.key} (${job.where}): ${job.csv}`, "'cv'");
      if (warning) warnings.push(warning);
    } catch {
      // Unreadable files were reported (and refused) by batchIssues.
    }
  }
  return warnings;
}

/** @internal */
export interface BatchRun {
  client: PredictionOneClient;
  jobs: readonly ManifestJob[];
  out: string;
  concurrency: number;
  checkpoint: CheckpointWriter;
  /** What to skip, continue and train anew (default: from the checkpoint's records, without fingerprints). */
  plan?: BatchPlan;
  poll: PollOptions;
  display: BatchDisplay;
  io: CliIo;
  json: boolean;
}

/**
 * Runs the batch and prints its summary; resolves with the exit code.
 *
 * Ctrl-C (and SIGTERM, SIGHUP) cancels at once: no new job starts, running jobs are
 * unsubscribed (which aborts their requests; trainings already accepted go on at the service),
 * queued checkpoint writes are finished, the summary is printed and the exit code is 128 + the
 * signal's number (130, 143, 129). The checkpoint stays consistent because a record is written
 * only once its stage is complete. A second signal exits at once.
 *
 * A checkpoint record that cannot be written (a full disk) stops the batch the same way, with
 * exit code 1 and the way to recover: nothing may be sent whose record is not on disk.
 *
 * @internal
 */
export async function runBatch(run: BatchRun): Promise<number> {
  const { client, jobs, out, checkpoint, display, io } = run;
  const plan = run.plan ?? planBatch(jobs, checkpoint.records, new Map(), out);
  const outcomes = new Map<string, JobOutcome>(plan.skipped);
  const startedAt = new Map<string, number>();
  const ids = new Map<string, string | undefined>();
  const toRun = plan.toRun;
  for (const job of plan.replaced) {
    await moveAside(job, out);
    display.notice(`p1rx: ${replacedLine(job)}`);
  }
  for (const key of plan.unverified)
    display.notice(`p1rx: ${key}: its checkpoint record has no fingerprint (written by an earlier p1rx), so it is taken as the same job`);
  display.begin({ jobs: jobs.length, toRun: toRun.length, skipped: outcomes.size, concurrency: run.concurrency, checkpoint: checkpoint.file });
  for (const [key, o] of outcomes) display.jobEnded(key, o);

  const seconds = (key: string) => Math.round((Date.now() - (startedAt.get(key) ?? Date.now())) / 100) / 10;
  let signal: StopSignal | undefined;
  let subscription: Subscription | undefined;
  let stopListening = () => undefined as void;
  const onStop = io.onStopSignal?.bind(io) ?? ((h: (s: StopSignal) => void) => io.onInterrupt(() => h('SIGINT')));
  const finished = new Promise<void>((resolve) => {
    stopListening = onStop((received) => {
      if (signal !== undefined) {
        io.stderr.write(`\np1rx: second ${received === 'SIGINT' ? 'Ctrl-C' : received}, exiting now\n`);
        return io.exit(signalExitCode(received));
      }
      signal = received;
      const what = received === 'SIGINT' ? 'interrupted' : `${received} received`;
      display.notice(`p1rx: ${what}, stopping (Ctrl-C again to exit at once); continue later with --resume`);
      subscription?.unsubscribe();
      resolve();
    });
    const done = () => resolve();
    subscription = trainEachFrom$(client, toRun, {
      concurrency: run.concurrency,
      run: (c, job) =>
        defer(() => {
          const batchJob = job as BatchJob;
          startedAt.set(batchJob.key, Date.now());
          ids.set(batchJob.key, batchJob.from?.externalProcessId);
          display.jobStarted(batchJob.key, batchJob.from?.stage);
          return runBatchJob$(c, batchJob, checkpoint, run.poll);
        }),
    }).subscribe({
      next: (e) => {
        if (e.type === 'progress') {
          if ('externalProcessId' in e.event && e.event.externalProcessId) ids.set(e.key, e.event.externalProcessId);
          display.jobEvent(e.key, e.event);
          return;
        }
        const job = toRun.find((j) => j.key === e.key)!;
        const outcome: JobOutcome =
          e.type === 'succeeded'
            ? {
                outcome: 'succeeded',
                externalProcessId: e.externalProcessId,
                resultDir: job.resultDir,
                score: scoreOf(e.result.metrics),
                seconds: seconds(e.key),
              }
            : { outcome: 'failed', externalProcessId: e.externalProcessId, error: e.error, seconds: seconds(e.key) };
        outcomes.set(e.key, outcome);
        display.jobEnded(e.key, outcome);
        // A record that could not be written stops everything: no job may go on without its records.
        if (checkpoint.failure && signal === undefined) {
          subscription?.unsubscribe();
          done();
        }
      },
      error: (err: unknown) => {
        // Only the job source itself can error (an in-memory list: it does not).
        io.stderr.write(`p1rx: ${String(err)}\n`);
        done();
      },
      complete: done,
    });
    if (signal !== undefined || checkpoint.failure) subscription.unsubscribe();
  });
  try {
    await finished;
    // Records already being written are finished, so the file ends on a complete line; a batch
    // that wrote no record (its first request failed) leaves no checkpoint to block the next run.
    await checkpoint.close({ removeIfEmpty: true });
    return report(run, outcomes, { startedAt, ids, signal, seconds, replaced: plan.replaced });
  } finally {
    // A second signal during the cleanup above still exits at once; from here on, Node's default.
    stopListening();
  }
}

function report(
  run: BatchRun,
  outcomes: Map<string, JobOutcome>,
  state: {
    startedAt: ReadonlyMap<string, number>;
    ids: ReadonlyMap<string, string | undefined>;
    signal: StopSignal | undefined;
    seconds: (key: string) => number;
    replaced: readonly ReplacedJob[];
  },
): number {
  const { jobs, checkpoint, display, io } = run;
  const { startedAt, ids, signal, seconds, replaced } = state;
  const stopped = checkpoint.failure;
  const interrupted = signal !== undefined;

  for (const job of jobs) {
    if (outcomes.has(job.key)) continue;
    const started = startedAt.has(job.key);
    const o: JobOutcome = started ? { outcome: 'interrupted', externalProcessId: ids.get(job.key), seconds: seconds(job.key) } : { outcome: 'not started' };
    outcomes.set(job.key, o);
    if (started) display.jobEnded(job.key, o);
  }
  const count = (what: JobOutcome['outcome']) => [...outcomes.values()].filter((o) => o.outcome === what).length;
  const failed = count('failed');
  const exitCode = signal !== undefined ? signalExitCode(signal) : failed > 0 || stopped ? 1 : 0;
  display.end({
    succeeded: count('succeeded'),
    failed,
    skipped: count('skipped'),
    notRun: count('interrupted') + count('not started'),
    interrupted,
    exitCode,
    ...(replaced.length > 0 ? { replaced: replaced.length } : {}),
    ...(signal !== undefined ? { signal } : {}),
    ...(stopped ? { stopped: stopped.message } : {}),
  });
  // With JSON lines on stdout the table goes to stderr, keeping stdout machine-readable.
  const sink = run.json ? io.stderr : io.stdout;
  // The summary fits the terminal: a long error wraps in its column (80 columns when not a terminal).
  sink.write(`\n${summaryTable(jobs, outcomes, io.stdout.columns ?? LIBRARY_DEFAULTS.cli.terminalColumns)}\n`);
  for (const job of replaced) sink.write(`\n${replacedLine(job)}\n`);
  if (interrupted) {
    const by = signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`;
    sink.write(`\n${by}: run the same command with --resume to continue (checkpoint ${checkpoint.file})\n`);
  }
  if (stopped) sink.write(`\nthe batch stopped: ${stopped.message}\n`);
  // A job that failed here after the service accepted its training (a lost connection, a full
  // disk): the training goes on there and can be fetched alone.
  for (const job of jobs) {
    const o = outcomes.get(job.key);
    if (o?.outcome !== 'failed' || !o.externalProcessId || o.error.name === 'TrainingFailedError') continue;
    // A record that could not be written before Create Model: that request was never sent.
    if (o.error.name === 'CheckpointWriteError' && !['creating', 'training'].includes(checkpoint.records.get(job.key)?.stage ?? 'new')) continue;
    sink.write(`\n${job.key}: ${recoveryHint(o.externalProcessId, { out: path.join(run.out, job.key) }).replace(/^p1rx: /, '')}\n`);
  }
  return exitCode;
}

function scoreOf(metrics: readonly Metric[]): { name: string; value: number | string } | undefined {
  const m = headlineMetric(metrics);
  return m && { name: m.name, value: Number.isNaN(m.value) ? m.raw : m.value };
}

/**
 * The final table: key, outcome, headline metric or error, seconds.
 *
 * @internal
 */
export function summaryTable(
  jobs: readonly ManifestJob[],
  outcomes: ReadonlyMap<string, JobOutcome>,
  maxWidth: number = LIBRARY_DEFAULTS.cli.terminalColumns,
): string {
  const rows = jobs.map((job) => {
    const o = outcomes.get(job.key) ?? { outcome: 'not started' as const };
    const score = 'score' in o && o.score ? `${o.score.name} ${typeof o.score.value === 'number' ? formatNumber(o.score.value) : o.score.value}` : '';
    const detail = o.outcome === 'failed' ? `${o.error.name}: ${o.error.message}` : score;
    const secs = 'seconds' in o ? o.seconds.toFixed(1) : '';
    return [job.key, o.outcome, detail, secs];
  });
  return table(['key', 'outcome', 'accuracy / r2 / error', 'seconds'], rows, { maxWidth, wrap: 2 });
}
