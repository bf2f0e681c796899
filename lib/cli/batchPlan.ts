/** What a (resumed) batch does with each job. */
/**
 * What a (resumed) batch does with each job: skip it (done, and the same job), continue it
 * from its record, or train it anew because it changed since the checkpoint.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { changedParts, jobFingerprint, type CheckpointRecord } from 'prediction-one-rx/node';
import { toBatchJob, type BatchJob } from './batchJob';
import type { JobOutcome } from './batchDisplay';
import type { ManifestJob } from './manifest';

/**
 * A job whose manifest entry or data changed since its record was written: it is trained as a
 * new job, and its earlier result is moved aside.
 *
 * @internal
 */
export interface ReplacedJob {
  readonly key: string;
  /** What changed: `data`, `config`, `name`, `columns`. */
  readonly changed: readonly string[];
  /** The earlier record. */
  readonly was: CheckpointRecord;
  /** Where the earlier result was moved (set by {@link moveAside}), if there was one. */
  movedTo?: string;
}

/** @internal */
export interface BatchPlan {
  /** Jobs done and unchanged: reported `skipped`, no request. */
  readonly skipped: Map<string, JobOutcome>;
  readonly toRun: BatchJob[];
  readonly replaced: ReplacedJob[];
  /** Keys whose record has no fingerprint (written by an earlier p1rx): taken as unchanged. */
  readonly unverified: string[];
}

/**
 * The fingerprint of every job (the data files are hashed once each, even when jobs share them).
 *
 * @internal
 */
export async function fingerprintsOf(jobs: readonly ManifestJob[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const job of jobs) out.set(job.key, await jobFingerprint({ train: job.csv, evaluation: job.eval, name: job.name, config: job.config }));
  return out;
}

/**
 * Decides each job's fate from its checkpoint record. A record of another job (its
 * fingerprint differs) never makes a job `skipped` and is never resumed from.
 *
 * @internal
 */
export function planBatch(
  jobs: readonly ManifestJob[],
  records: ReadonlyMap<string, CheckpointRecord>,
  fingerprints: ReadonlyMap<string, string>,
  out: string,
): BatchPlan {
  const plan: BatchPlan = { skipped: new Map(), toRun: [], replaced: [], unverified: [] };
  for (const job of jobs) {
    const resultDir = path.join(out, job.key);
    const fingerprint = fingerprints.get(job.key);
    let from = records.get(job.key);
    if (from && fingerprint !== undefined) {
      if (from.fingerprint === undefined) plan.unverified.push(job.key);
      else if (from.fingerprint !== fingerprint) {
        plan.replaced.push({ key: job.key, changed: changedParts(from.fingerprint, fingerprint), was: from });
        from = undefined;
      }
    }
    if (from?.stage === 'downloaded' && existsSync(from.resultDir ?? resultDir)) {
      plan.skipped.set(job.key, { outcome: 'skipped', externalProcessId: from.externalProcessId, resultDir: from.resultDir ?? resultDir, score: from.score });
    } else {
      plan.toRun.push(toBatchJob(job, resultDir, from, fingerprint));
    }
  }
  return plan;
}

/**
 * Moves the earlier result of a replaced job out of the way, to
 * `<out>/.p1rx-replaced/<key>.<time>` (a name no job key can take), so the new result never
 * mixes with it and nothing is overwritten silently.
 *
 * @internal
 */
export async function moveAside(job: ReplacedJob, out: string, now = new Date()): Promise<void> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (const dir of new Set([job.was.resultDir, path.join(out, job.key)])) {
    if (dir === undefined || !existsSync(dir)) continue;
    const to = path.join(out, '.p1rx-replaced', `${job.key}.${stamp}`);
    await mkdir(path.dirname(to), { recursive: true });
    await rename(dir, to);
    job.movedTo = to;
    return;
  }
}

/**
 * The line telling what happened to a replaced job.
 *
 * @internal
 */
export function replacedLine(job: ReplacedJob): string {
  const earlier =
    job.was.stage !== 'downloaded' && job.was.externalProcessId ? ` (its earlier training ${job.was.externalProcessId} is left at the service)` : '';
  const moved = job.movedTo ? `; its earlier result was moved to ${job.movedTo}` : '';
  return `${job.key}: changed since the checkpoint (${job.changed.join(', ')}): trained again as a new job${moved}${earlier}`;
}
