/** Queue job data for trainings, and idempotent enqueueing. */
/**
 * Queue job data for trainings, and idempotent enqueueing.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import type { QueueLike } from './peerTypes';
import { type PollOptions, type TrainingConfig } from 'prediction-one-rx';
import { newJobRecord, type JobRecord } from 'prediction-one-rx/engine';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/** The manifest's rule for a key (it names a folder): no separator, no `..`, not absolute. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Why a job key or batch id cannot name a result folder, or undefined when it can. The rule is
 * the manifest's: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most
 * 128 characters, and never `..` (so no separator, no parent folder, no absolute path).
 * Checked at enqueue ({@link enqueueTrainings}) and again by the worker before it writes.
 *
 * ## Example
 * ```ts
 * fleetNameIssue('key', 'shop-12'); // undefined
 * fleetNameIssue('key', '../../x'); // "key '../../x' must be letters, digits, …"
 * ```
 *
 * @param what - `'key'` or `'batch id'` (for the message).
 * @param value - The value.
 * @returns The problem, or undefined.
 */
export function fleetNameIssue(what: string, value: unknown): string | undefined {
  if (typeof value === 'string' && SAFE_NAME.test(value) && !value.includes('..')) return undefined;
  return `${what} ${JSON.stringify(value)} must be letters, digits, '.', '_' or '-' (no separator, no '..', at most 128 characters): it names a result folder`;
}

/**
 * The folder a job's result goes to: `<out>/<key>` (absolute), after checking that the key is
 * a plain folder name ({@link fleetNameIssue}) and that the folder stays inside `out`.
 *
 * **Errors**: throws a `TypeError` for a key that is not a plain folder name.
 *
 * ## Example
 * ```ts
 * jobResultDir('/mnt/results/b1', 'shop-12'); // '/mnt/results/b1/shop-12'
 * jobResultDir('/mnt/results/b1', '../x');    // throws TypeError
 * ```
 *
 * @param out - The batch's result folder.
 * @param key - The job's key.
 * @returns The job's result folder.
 */
export function jobResultDir(out: string, key: string): string {
  const issue = fleetNameIssue('key', key);
  if (issue) throw new TypeError(issue);
  const root = path.resolve(out);
  const dir = path.resolve(root, key);
  if (path.dirname(dir) !== root) throw new TypeError(`key ${JSON.stringify(key)} leaves ${root}`);
  return dir;
}

/**
 * Where a worker reads a training's data: a path every worker can read (a shared volume) or an
 * `http(s)` URL. Not needed when the producer uploaded the data itself.
 *
 * ## Example
 * ```ts
 * const source: FleetDataSource = { train: '/mnt/shared/shop-12.csv' };
 * ```
 */
export interface FleetDataSource {
  /** Training CSV: a file path or an http(s) URL. */
  readonly train: string;
  /** Evaluation CSV, same forms. */
  readonly evaluation?: string;
}

/**
 * The poll schedule a job carries (plain JSON: no functions).
 *
 * ## Example
 * ```ts
 * const poll: FleetPollOptions = { minDelayMs: 5000, maxDelayMs: 5000 };
 * ```
 */
export type FleetPollOptions = Pick<PollOptions, 'minDelayMs' | 'maxDelayMs' | 'multiplier'>;

/**
 * One training to enqueue. Give `data` (workers upload it) or `externalProcessId` (the producer
 * uploaded it already).
 *
 * ## Example
 * ```ts
 * const t: FleetTraining = { key: 'shop-12', config: { tt: 'regression', tc: 'sales' }, data: { train: '/mnt/shared/shop-12.csv' } };
 * ```
 */
export interface FleetTraining {
  /** Unique within the batch; names the job and its result folder. */
  readonly key: string;
  /** Model name. Default: the key. */
  readonly name?: string;
  readonly config: TrainingConfig;
  readonly data?: FleetDataSource;
  /** An upload the producer already made. */
  readonly externalProcessId?: string;
  readonly poll?: FleetPollOptions;
  /**
   * Where the job resumes from: a record kept outside Redis (the producer's journal) for a job
   * Redis lost. Its `externalProcessId` wins over the one above; stage `training` is followed
   * by id, never created again; `creating` asks the service before sending Create Model.
   */
  readonly record?: JobRecord;
}

/**
 * A job's data: what to train, and its {@link JobRecord} (the record a `p1rx batch` checkpoint
 * line holds: stage, `externalProcessId`, polls so far…). Workers rewrite `record` at every
 * stage change (before the request it announces) and before parking the job, under the job's
 * lock.
 *
 * ## Example
 * ```ts
 * const data: FleetJobData = { v: 1, batchId: 'b1', key: 'a', name: 'a', config, record: newJobRecord('a'), data: { train: 'a.csv' } };
 * ```
 */
export interface FleetJobData {
  readonly v: 1;
  readonly batchId: string;
  readonly key: string;
  readonly name: string;
  readonly config: TrainingConfig;
  readonly data?: FleetDataSource;
  readonly poll?: FleetPollOptions;
  /**
   * The folder the worker writes this job's result to (`<out>/<key>/`), chosen by the producer:
   * an absolute path on storage every worker shares. A worker that cannot write it refuses the
   * job before sending anything. Absent: the worker's own `out` (older producers).
   */
  readonly out?: string;
  readonly record: JobRecord;
  /**
   * When the next step is due (ms since the epoch), kept so a parked job stays on its poll
   * schedule: the next poll is due one interval after this one was *due*, not after the
   * activation that made it ended.
   */
  readonly dueAt?: number;
}

/**
 * What a training job returns when it completes (BullMQ's `returnvalue`): small, no result files.
 *
 * ## Example
 * ```ts
 * queueEvents.on('completed', ({ returnvalue }) => console.log((returnvalue as FleetJobResult).metrics));
 * ```
 */
export interface FleetJobResult {
  readonly key: string;
  readonly externalProcessId?: string;
  /** Where the worker wrote the result, if it wrote it. */
  readonly resultDir?: string;
  readonly metrics: readonly { readonly name: string; readonly value: number | string }[];
  /** Status polls made. */
  readonly polls: number;
}

/**
 * Options of {@link enqueueTrainings}.
 *
 * ## Example
 * ```ts
 * await enqueueTrainings(queue, jobs, { batchId: 'nightly-2026-11-29', attempts: 20 });
 * ```
 */
export interface EnqueueOptions {
  /** Names the batch; job ids are `<batchId>/<key>`, so enqueueing again adds nothing. */
  readonly batchId: string;
  /** Attempts per job for transient failures (5xx, network). Default 25. */
  readonly attempts?: number;
  /** First retry delay (exponential). Default 2000 ms. */
  readonly backoffMs?: number;
  /** The folder results go to (`<out>/<key>/`), made absolute; every worker must be able to write it. */
  readonly out?: string;
}

/**
 * What {@link enqueueTrainings} did.
 *
 * ## Example
 * ```ts
 * const { added, existing } = await enqueueTrainings(queue, jobs, { batchId });
 * ```
 */
export interface EnqueueReport {
  /** Keys enqueued now. */
  readonly added: readonly string[];
  /** Keys whose job already existed (any state): left as they are. */
  readonly existing: readonly string[];
  /** Job id per key. */
  readonly jobIds: ReadonlyMap<string, string>;
}

/**
 * The job id of a training: `<batchId>/<key>`, with the key URI-encoded (BullMQ ids cannot
 * hold `:`).
 *
 * ## Example
 * ```ts
 * trainingJobId('b1', 'shop:12'); // 'b1/shop%3A12'
 * ```
 *
 * @param batchId - The batch.
 * @param key - The job's key.
 * @returns The job id.
 */
export function trainingJobId(batchId: string, key: string): string {
  return `${encodeURIComponent(batchId)}/${encodeURIComponent(key)}`;
}

/**
 * The batch and key of a job id made by {@link trainingJobId}, or undefined for another id.
 *
 * ## Example
 * ```ts
 * parseTrainingJobId('b1/shop%3A12'); // { batchId: 'b1', key: 'shop:12' }
 * ```
 *
 * @param jobId - A job id.
 * @returns Its parts.
 */
export function parseTrainingJobId(jobId: string): { batchId: string; key: string } | undefined {
  const slash = jobId.indexOf('/');
  if (slash < 0) return undefined;
  try {
    return { batchId: decodeURIComponent(jobId.slice(0, slash)), key: decodeURIComponent(jobId.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * Enqueues trainings idempotently: each job's id comes from the batch id and its key, so a
 * second call (a producer restarted, a CI job re-run) adds only what is missing and never
 * touches a job that exists in any state. A job starts at stage `new` (workers upload `data`)
 * or `uploaded` (the producer gave `externalProcessId`).
 *
 * **Errors**: rejects with a `TypeError` (nothing enqueued) for duplicate keys, a key or batch
 * id that is not a plain folder name ({@link fleetNameIssue}: `../../x`, `a/b`, `/abs` are
 * refused), or a training with neither `data` nor `externalProcessId`; Redis errors as they come.
 *
 * **Cancellation**: none (one batch of Redis calls).
 *
 * ## Example
 * ```ts
 * const queue = new Queue<FleetJobData>('p1rx', { connection });
 * const report = await enqueueTrainings(queue, [{ key: 'a', config, data: { train: '/mnt/shared/a.csv' } }], { batchId: 'b1' });
 * console.log(report.added, report.existing); // ['a'] []  (then [] ['a'] on a second run)
 * ```
 *
 * @param queue - A BullMQ queue.
 * @param trainings - The trainings.
 * @param options - Batch id, attempts.
 * @returns Which keys were added and which existed.
 */
export async function enqueueTrainings(queue: QueueLike, trainings: readonly FleetTraining[], options: EnqueueOptions): Promise<EnqueueReport> {
  const seen = new Set<string>();
  const batchIssue = fleetNameIssue('batch id', options.batchId);
  if (batchIssue) throw new TypeError(`enqueueTrainings: ${batchIssue}`);
  for (const t of trainings) {
    const keyIssue = fleetNameIssue('key', t.key);
    if (keyIssue) throw new TypeError(`enqueueTrainings: ${keyIssue}`);
    if (t.record !== undefined && (t.record.key !== t.key || (t.record.stage !== 'new' && !t.record.externalProcessId))) {
      throw new TypeError(`enqueueTrainings: the record given for '${t.key}' is not this job's (key ${JSON.stringify(t.record.key)}, stage ${t.record.stage})`);
    }
    if (seen.has(t.key)) throw new TypeError(`enqueueTrainings: duplicate key '${t.key}'`);
    seen.add(t.key);
    if (t.data === undefined && t.externalProcessId === undefined && t.record?.externalProcessId === undefined)
      throw new TypeError(`enqueueTrainings: '${t.key}' has neither data nor externalProcessId`);
  }
  const jobIds = new Map(trainings.map((t) => [t.key, trainingJobId(options.batchId, t.key)] as const));
  const existingJobs = await Promise.all(trainings.map((t) => queue.getJob(jobIds.get(t.key)!)));
  const missing = trainings.filter((_, i) => existingJobs[i] === undefined || existingJobs[i] === null);
  const added: string[] = [];
  const chunk = 500;
  for (let i = 0; i < missing.length; i += chunk) {
    await queue.addBulk(
      missing.slice(i, i + chunk).map((t) => {
        const data: FleetJobData = {
          v: 1,
          batchId: options.batchId,
          key: t.key,
          name: t.name ?? t.key,
          config: t.config,
          ...(t.data ? { data: t.data } : {}),
          ...(t.poll ? { poll: t.poll } : {}),
          ...(options.out !== undefined ? { out: path.resolve(options.out) } : {}),
          record:
            t.record ??
            (t.externalProcessId === undefined ? newJobRecord(t.key) : { key: t.key, stage: 'uploaded', externalProcessId: t.externalProcessId, polls: 0 }),
        };
        added.push(t.key);
        return {
          name: 'training',
          data,
          opts: {
            jobId: jobIds.get(t.key)!,
            attempts: options.attempts ?? LIBRARY_DEFAULTS.fleet.attempts,
            backoff: { type: 'exponential', delay: options.backoffMs ?? LIBRARY_DEFAULTS.fleet.backoffMs },
            removeOnComplete: false,
            removeOnFail: false,
          },
        };
      }),
    );
  }
  const addedSet = new Set(added);
  return { added, existing: trainings.filter((t) => !addedSet.has(t.key)).map((t) => t.key), jobIds };
}
