/**
 * `p1rx batch <manifest>`: many trainings at once, resumable after a crash or Ctrl-C.
 *
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { defer, type Subscription } from 'rxjs';
import { trainEachFrom$, type Metric, type PollOptions, type PredictionOneClient } from 'prediction-one-rx';
import { openCheckpoint, type CheckpointWriter } from 'prediction-one-rx/node';
import { INTERRUPTED_EXIT_CODE, USAGE_EXIT_CODE, exitWith, parseIntAtLeast, processIo, usageErrorsExit2, type CliIo } from './batchIo';
import { headlineMetric, runBatchJob$, toBatchJob, type BatchJob } from './batchJob';
import { jsonLinesDisplay, terminalDisplay, type BatchDisplay, type JobOutcome } from './batchDisplay';
import { formatNumber, table } from './format';
import { loadBullmq } from './fleetModules';
import { ManifestError, readManifest, type ManifestJob } from './manifest';
import { clientFrom, type ConnectionOptions } from './options';
import { withServiceFlags } from './serviceFlags';
import { MANIFEST_WORDS, jobIssues, readHead } from './localChecks';
import { makeOutDir, outDirIssue, recoveryHint } from './outDir';

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
    .option('--json', 'print one JSON event per line (the default when stdout is not a terminal)')
    .option('--queue <redis-url>', 'enqueue for a fleet of `p1rx worker`s (BullMQ on Redis) and follow its progress')
    .option('--queue-name <name>', 'BullMQ queue name (with --queue)', 'p1rx')
    .option('--batch-id <id>', 'names the batch in the queue (default: from the manifest path and --out)')
    .option('--detach', 'with --queue: enqueue and exit without following')
    .option('--upload-from <who>', "with --queue: 'producer' (this machine uploads) or 'workers' (they read the same paths)", 'producer')
    .addHelpText(
      'after',
      `
Manifest: JSON (an array of jobs, or { "jobs": [...] }) or CSV (header row, one job per row).
Fields: key, csv, target, type, positive, cv, name, eval. Paths are relative to the manifest.

Exit codes: 0 every job succeeded (or was already done), 1 a job failed, 2 bad usage or
manifest, 130 interrupted (Ctrl-C; run again with --resume).`,
    );
  withServiceFlags(cmd, { pollInterval: 'poll status every <ms> (default: 1 s doubling to 30 s)' });
  usageErrorsExit2(cmd).action(async (manifestFile: string, flags: BatchFlags) => {
    if (flags.resume && flags.fresh) return cmd.error('error: --resume and --fresh cannot be used together', { exitCode: USAGE_EXIT_CODE });
    let jobs: ManifestJob[];
    try {
      jobs = await readManifest(manifestFile);
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
    await makeOutDir(flags.out);
    if (flags.queue !== undefined) {
      if (flags.uploadFrom !== 'producer' && flags.uploadFrom !== 'workers') return cmd.error("error: --upload-from must be 'producer' or 'workers'", { exitCode: USAGE_EXIT_CODE });
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
        poll: flags.pollInterval === undefined ? undefined : { minDelayMs: flags.pollInterval, maxDelayMs: flags.pollInterval },
        display: json ? jsonLinesDisplay(io) : terminalDisplay(io, Math.max(...jobs.map((j) => j.key.length))),
        io,
        json,
      });
      if (code !== 0) throw exitWith(code);
      return;
    }
    const checkpointFile = flags.checkpoint ?? path.join(flags.out, CHECKPOINT_FILE);
    if (!flags.resume && !flags.fresh && existsSync(checkpointFile)) {
      return cmd.error(
        `error: ${checkpointFile} exists (an earlier batch): use --resume to continue it or --fresh to start over`,
        { exitCode: USAGE_EXIT_CODE, code: 'p1rx.checkpointExists' },
      );
    }
    const checkpoint = await openCheckpoint(checkpointFile, { fresh: !flags.resume });
    const poll: PollOptions = flags.pollInterval === undefined ? {} : { minDelayMs: flags.pollInterval, maxDelayMs: flags.pollInterval };
    const json = flags.json === true || io.stdout.isTTY !== true;
    const display = json ? jsonLinesDisplay(io) : terminalDisplay(io, Math.max(...jobs.map((j) => j.key.length)));
    const code = await runBatch({ client, jobs, out: flags.out, concurrency: flags.concurrency, checkpoint, poll, display, io, json });
    if (code !== 0) throw exitWith(code);
  });
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
  const read = (file: string) => heads.get(file) ?? heads.set(file, readHead(file)).get(file)!;
  for (const job of jobs) {
    const label = `${job.key} (${job.where})`;
    for (const issue of await jobIssues({ csv: job.csv, eval: job.eval, config: job.config }, read, MANIFEST_WORDS)) problems.push(`${label}: ${issue}`);
    const resultDir = path.join(out, job.key);
    if (!outIssue && existsSync(resultDir) && !statSync(resultDir).isDirectory()) problems.push(`${label}: its result folder ${resultDir} is a file`);
  }
  return problems;
}

/** @internal */
export interface BatchRun {
  client: PredictionOneClient;
  jobs: readonly ManifestJob[];
  out: string;
  concurrency: number;
  checkpoint: CheckpointWriter;
  poll: PollOptions;
  display: BatchDisplay;
  io: CliIo;
  json: boolean;
}

/**
 * Runs the batch and prints its summary; resolves with the exit code.
 *
 * Ctrl-C cancels at once: no new job starts, running jobs are unsubscribed (which aborts
 * their requests; trainings already accepted go on at the service), queued checkpoint writes
 * are finished, the summary is printed and the exit code is 130. The checkpoint stays
 * consistent because a record is written only once its stage is complete. A second Ctrl-C
 * exits at once.
 *
 * @internal
 */
export async function runBatch(run: BatchRun): Promise<number> {
  const { client, jobs, out, checkpoint, poll, display, io } = run;
  const outcomes = new Map<string, JobOutcome>();
  const startedAt = new Map<string, number>();
  const ids = new Map<string, string | undefined>();
  const toRun: BatchJob[] = [];
  for (const job of jobs) {
    const resultDir = path.join(out, job.key);
    const from = checkpoint.records.get(job.key);
    if (from?.stage === 'downloaded' && existsSync(from.resultDir ?? resultDir)) {
      outcomes.set(job.key, { outcome: 'skipped', externalProcessId: from.externalProcessId, resultDir: from.resultDir ?? resultDir, score: from.score });
    } else {
      toRun.push(toBatchJob(job, resultDir, from));
    }
  }
  display.begin({ jobs: jobs.length, toRun: toRun.length, skipped: outcomes.size, concurrency: run.concurrency, checkpoint: checkpoint.file });
  for (const [key, o] of outcomes) display.jobEnded(key, o);

  const seconds = (key: string) => Math.round((Date.now() - (startedAt.get(key) ?? Date.now())) / 100) / 10;
  let interrupted = false;
  let subscription: Subscription | undefined;
  let interrupts = 0;
  let stopListening = () => undefined as void;
  const finished = new Promise<void>((resolve) => {
    stopListening = io.onInterrupt(() => {
      interrupts += 1;
      if (interrupts > 1) {
        io.stderr.write('\np1rx: second Ctrl-C, exiting now\n');
        return io.exit(INTERRUPTED_EXIT_CODE);
      }
      interrupted = true;
      display.notice('p1rx: interrupted, stopping (Ctrl-C again to exit at once); continue later with --resume');
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
          return runBatchJob$(c, batchJob, checkpoint, poll);
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
            ? { outcome: 'succeeded', externalProcessId: e.externalProcessId, resultDir: job.resultDir, score: scoreOf(e.result.metrics), seconds: seconds(e.key) }
            : { outcome: 'failed', externalProcessId: e.externalProcessId, error: e.error, seconds: seconds(e.key) };
        outcomes.set(e.key, outcome);
        display.jobEnded(e.key, outcome);
      },
      error: (err: unknown) => {
        // Only the job source itself can error (an in-memory list: it does not).
        io.stderr.write(`p1rx: ${String(err)}\n`);
        done();
      },
      complete: done,
    });
    if (interrupted) subscription.unsubscribe();
  });
  try {
    await finished;
    // Records already being written are finished, so the file ends on a complete line.
    await checkpoint.close();
    return report(run, outcomes, { startedAt, ids, interrupted, seconds });
  } finally {
    // A second Ctrl-C during the cleanup above still exits at once; from here on, Node's default.
    stopListening();
  }
}

function report(
  run: BatchRun,
  outcomes: Map<string, JobOutcome>,
  state: { startedAt: ReadonlyMap<string, number>; ids: ReadonlyMap<string, string | undefined>; interrupted: boolean; seconds: (key: string) => number },
): number {
  const { jobs, checkpoint, display, io } = run;
  const { startedAt, ids, interrupted, seconds } = state;

  for (const job of jobs) {
    if (outcomes.has(job.key)) continue;
    const started = startedAt.has(job.key);
    const o: JobOutcome = started ? { outcome: 'interrupted', externalProcessId: ids.get(job.key), seconds: seconds(job.key) } : { outcome: 'not started' };
    outcomes.set(job.key, o);
    if (started) display.jobEnded(job.key, o);
  }
  const count = (what: JobOutcome['outcome']) => [...outcomes.values()].filter((o) => o.outcome === what).length;
  const failed = count('failed');
  const exitCode = interrupted ? INTERRUPTED_EXIT_CODE : failed > 0 ? 1 : 0;
  display.end({
    succeeded: count('succeeded'),
    failed,
    skipped: count('skipped'),
    notRun: count('interrupted') + count('not started'),
    interrupted,
    exitCode,
  });
  // With JSON lines on stdout the table goes to stderr, keeping stdout machine-readable.
  const sink = run.json ? io.stderr : io.stdout;
  // The summary fits the terminal: a long error wraps in its column (80 columns when not a terminal).
  sink.write(`\n${summaryTable(jobs, outcomes, io.stdout.columns ?? 80)}\n`);
  if (interrupted) sink.write(`\ninterrupted: run the same command with --resume to continue (checkpoint ${checkpoint.file})\n`);
  // A job that failed here after the service accepted its training (a lost connection, a full
  // disk): the training goes on there and can be fetched alone.
  for (const job of jobs) {
    const o = outcomes.get(job.key);
    if (o?.outcome !== 'failed' || !o.externalProcessId || o.error.name === 'TrainingFailedError') continue;
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
export function summaryTable(jobs: readonly ManifestJob[], outcomes: ReadonlyMap<string, JobOutcome>, maxWidth = 80): string {
  const rows = jobs.map((job) => {
    const o = outcomes.get(job.key) ?? { outcome: 'not started' as const };
    const score = 'score' in o && o.score ? `${o.score.name} ${typeof o.score.value === 'number' ? formatNumber(o.score.value) : o.score.value}` : '';
    const detail = o.outcome === 'failed' ? `${o.error.name}: ${o.error.message}` : score;
    const secs = 'seconds' in o ? o.seconds.toFixed(1) : '';
    return [job.key, o.outcome, detail, secs];
  });
  return table(['key', 'outcome', 'accuracy / r2 / error', 'seconds'], rows, { maxWidth, wrap: 2 });
}
