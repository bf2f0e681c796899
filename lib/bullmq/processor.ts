/** The BullMQ processor of a training job. */
/**
 * The BullMQ processor of a training job: polls held in the worker's slot, long waits parked.
 *
 * @packageDocumentation
 */
import { constants as fsConstants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { requirePeer } from '../node/requirePeer';
import type { RedisLike, TrainingJobLike } from './peerTypes';
import { defer, filter, lastValueFrom, pipe, tap } from 'rxjs';
import {
  ApiError,
  TrainingFailedError,
  ValidationError,
  type PredictionOneClient,
  type TrainingEvent,
  type TrainingResult,
  type UploadInput,
} from 'prediction-one-rx';
import { isJobStepped, jobStepper, type JobRecord, type JobStepContext, type JobStepOutput } from 'prediction-one-rx/engine';
import { fileSource, writeResult } from 'prediction-one-rx/node';
import type { Fleet } from './fleet';
import { fleetNameIssue, jobResultDir, type FleetDataSource, type FleetJobData, type FleetJobResult } from './jobs';
import { luaScript } from './script';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link trainingProcessor}.
 *
 * ## Example
 * ```ts
 * const processor = trainingProcessor(client, { fleet, redis, out: '/mnt/results', holdMs: 2000 });
 * ```
 */
export interface TrainingProcessorOptions {
  /** The fleet (claims, shared budget and 429 backoff). The client is wrapped with its gate. */
  readonly fleet?: Fleet;
  /** Redis connection used to record each step under the job's lock (fenced). Required with `fleet`. */
  readonly redis?: RedisLike;
  /**
   * The folder results go to for jobs that carry no location of their own (`FleetJobData.out`,
   * set by older producers only): `<out>/<key>/`. Default: such results are not written (see
   * `onResult`). A job that carries a location is written there.
   */
  readonly out?: string;
  /**
   * Restricts where jobs may send results: a job whose location (`FleetJobData.out`) is not
   * inside this folder is refused before anything is sent. Default: any folder this worker can
   * write (the producer decides).
   */
  readonly outRoot?: string;
  /** Called with each result before the job completes (after `out` is written). */
  readonly onResult?: (result: TrainingResult, data: FleetJobData) => Promise<void>;
  /**
   * A wait up to this long (the next poll, a backoff) is made in the worker's slot: the job stays
   * active (BullMQ renews all of a worker's locks in one call), and Redis is written only when
   * the job's stage changes. A longer wait parks the job with `moveToDelayed` (its record and
   * due time are written, the slot is freed). Default 60 000 ms: every poll of the default
   * schedules is held. 0 parks after every step (the behaviour before holding).
   */
  readonly holdMs?: number;
  /**
   * The worker's concurrency (its slots). When every slot is taken, a wait longer than 1 s parks
   * the job instead of holding it, so jobs queued behind get a slot. Default: unknown (only
   * `holdMs` decides).
   */
  readonly slots?: number;
  /**
   * Steps that start a training (upload, Create Model: stages `new` to `creating`) running at
   * once in this processor, whatever the number of slots; polls never wait for them. Default 16.
   */
  readonly maxStarting?: number;
  /** Reads a job's data source. Default: http(s) URLs are fetched (lazily, bounded), anything else is a file path. */
  readonly readData?: (source: FleetDataSource) => UploadInput;
  /** Largest CSV fetched from a URL. Default 512 MiB. */
  readonly maxDataBytes?: number;
}

/** Events worth telling a watcher about; the others (upload/download progress) stay local. */
function progressOf(event: TrainingEvent): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'uploaded':
      return { type: 'uploaded', externalProcessId: event.externalProcessId, columns: event.columns };
    case 'queued':
      return { type: 'queued', externalProcessId: event.externalProcessId, name: event.name, config: event.config };
    case 'status': {
      // Never the pre-signed result URL.
      const { resultUrl: _secret, ...rest } = event;
      void _secret;
      return rest;
    }
    default:
      return undefined;
  }
}

/**
 * Whether an error ends the job for good: a failed training, invalid input, or a documented
 * client error (4xx other than 408, 409 and 429). 5xx, network errors and ambiguous Create
 * Model failures are retried from the recorded stage.
 *
 * ## Example
 * ```ts
 * isUnrecoverable(new TrainingFailedError(id, 'failed')); // true
 * ```
 *
 * @param err - An error of a step.
 * @returns True when retrying cannot help.
 */
export function isUnrecoverable(err: unknown): boolean {
  if (err instanceof TrainingFailedError || err instanceof ValidationError || err instanceof TypeError) return true;
  if (err instanceof ApiError) return err.httpStatus >= 400 && err.httpStatus < 500 && ![408, 409, 429].includes(err.httpStatus);
  return false;
}

/** A CSV at an http(s) URL, fetched when the upload reads it, within `maxBytes`. */
async function* urlChunks(url: string, maxBytes: number): AsyncGenerator<Uint8Array> {
  const where = () => {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  };
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`GET ${where()}: HTTP ${res.status}`);
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new Error(`data at ${where()} is larger than ${maxBytes} bytes`);
    yield chunk;
  }
}

function defaultReader(maxBytes: number): (source: FleetDataSource) => UploadInput {
  const one = (s: string) => (/^https?:\/\//i.test(s) ? urlChunks(s, maxBytes) : fileSource(s));
  return (source) => ({ train: one(source.train), evaluation: source.evaluation === undefined ? undefined : one(source.evaluation) });
}

// Rewrites the job's data only while this worker holds the job's lock.
const FENCED_UPDATE = luaScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1])
return 1
`);

/**
 * A job's lock was lost while it ran (the worker was paused or cut off past `lockDuration`):
 * another worker owns it now, so this one stops without recording anything.
 *
 * ## Example
 * ```ts
 * worker.on('failed', (job, err) => err.name === 'JobLockLostError' && log.warn(err.message));
 * ```
 */
export class JobLockLostError extends Error {
  override readonly name = 'JobLockLostError';
}

/**
 * The client with the fleet's gate in its request chain (after its own interceptors).
 *
 * @internal
 */
export function gatedClient(client: PredictionOneClient, fleet: Fleet): PredictionOneClient {
  return client.withOptions({ interceptors: [fleet.interceptor()] });
}

/**
 * A BullMQ processor for training jobs ({@link FleetJobData}), to hand to your own `Worker`
 * (or use {@link createTrainingWorker}). An activation loops the library's one step function
 * (`jobStep$`, the engine `trainModel$` and `p1rx batch` run in-process) from the job's
 * {@link JobRecord}: every stage change is written to the job's data under the job's lock
 * before the request it announces, and nothing else is. Between steps the job is held in the
 * worker's slot while the wait is at most `holdMs` (a status poll costs Redis nothing; the lock
 * is renewed by BullMQ with every other lock of the worker); a longer wait parks it with
 * `moveToDelayed` until it is due (the record and the due time are written, the slot is free).
 * A worker killed while holding jobs loses nothing: they are stalled jobs for BullMQ, retaken
 * by another worker from the recorded stage (a few polls are counted again, nothing is sent
 * twice).
 *
 * With a `fleet`, Create Model is sent only under the upload's claim, every request waits for
 * the fleet's backoff window and budget, and a 429 anywhere opens that window for everyone.
 *
 * **Errors**: the job fails for good (BullMQ's `UnrecoverableError`) on a failed training, invalid
 * input or a documented 4xx; other errors (5xx, network, ambiguous Create Model) are thrown for
 * BullMQ to retry with the job's `attempts` and backoff, from the recorded stage.
 * {@link JobLockLostError} when another worker took the job over.
 *
 * **Cancellation**: BullMQ's: closing the worker waits for running activations, which run until
 * the training ends. {@link createTrainingWorker}'s `close()` parks held jobs first (a step in
 * flight finishes, then the job is parked).
 *
 * ## Example
 * ```ts
 * const worker = new Worker<FleetJobData, FleetJobResult>('p1rx', trainingProcessor(client, { fleet, redis, out: 'results', slots: 2000 }), { connection, concurrency: 2000 });
 * ```
 *
 * @param client - The client (the fleet's gate is put in front of its fetch).
 * @param options - Fleet, output, hold time.
 * @returns The processor.
 */
export function trainingProcessor(
  client: PredictionOneClient,
  options: TrainingProcessorOptions = {},
): (job: TrainingJobLike, token?: string) => Promise<FleetJobResult> {
  return heldTrainingProcessor(client, options).process;
}

/**
 * A {@link trainingProcessor} with its holds in reach: `park()` makes every held job (and every
 * job whose step is in flight) park instead of waiting in its slot (a worker about to close);
 * `lockLost(ids)` stops those jobs at once, writing nothing (BullMQ could not renew their locks).
 *
 * @internal
 */
export interface HeldTrainingProcessor {
  readonly process: (job: TrainingJobLike, token?: string) => Promise<FleetJobResult>;
  park(): void;
  lockLost(jobIds: readonly string[]): void;
  /** Activations running now. */
  active(): number;
}

/** The data of a job that carries none (never read past a stage that uploads): one for all jobs, not one per held job. */
const NO_DATA: UploadInput = Object.freeze({ train: new Uint8Array(0) });

/** When every slot is taken, waits longer than this park instead of holding. */
const FULL_HOLD_MS = 1000;

/**
 * Makes a {@link HeldTrainingProcessor}.
 *
 * @internal
 */
export function heldTrainingProcessor(client: PredictionOneClient, options: TrainingProcessorOptions = {}): HeldTrainingProcessor {
  // bullmq is an optional peer: loaded here, so a missing one is named with its install line.
  const { DelayedError, UnrecoverableError } = requirePeer<typeof import('bullmq')>('bullmq', 'prediction-one-rx/bullmq');
  const { fleet, redis } = options;
  if (fleet && !redis) throw new TypeError('trainingProcessor: a fleet needs the redis connection too');
  const gated = fleet ? gatedClient(client, fleet) : client;
  const holdMs = options.holdMs ?? LIBRARY_DEFAULTS.fleet.holdMs;
  const slots = options.slots;
  let parking = false;
  let running = 0;
  /** Wakes a held job early: `park` (the worker closes) or `lost` (its lock is gone). */
  const wake = new Map<string, (why: 'park' | 'lost') => void>();
  const lost = new Set<string>();
  const activeKeys = new Set<string>();
  const starting = semaphore(options.maxStarting ?? LIBRARY_DEFAULTS.fleet.maxStarting);
  const readData = options.readData ?? defaultReader(options.maxDataBytes ?? LIBRARY_DEFAULTS.fleet.maxDataBytes);

  const record = async (job: TrainingJobLike, token: string | undefined, data: FleetJobData): Promise<void> => {
    if (redis && token) {
      const key = `${job.queueQualifiedName}:${job.id}`;
      const ok = await FENCED_UPDATE.run(redis, [key, `${key}:lock`], [JSON.stringify(data), token]);
      if (ok !== 1) throw new JobLockLostError(`job ${job.id}: lock lost (another worker owns it now); step not recorded`);
      job.data = data;
    } else {
      await job.updateData(data);
    }
  };

  // Each result folder's parent is checked once per process (created if needed, then W_OK).
  const writable = new Map<string, Promise<void>>();
  const checkWritable = (dir: string): Promise<void> => {
    let checked = writable.get(dir);
    if (!checked) {
      checked = mkdir(dir, { recursive: true })
        .then(() => access(dir, fsConstants.W_OK))
        .catch((err: NodeJS.ErrnoException) => {
          writable.delete(dir);
          throw new TypeError(
            `cannot write results to ${dir} (${err.code ?? err.message}): the job's output location must be a folder this worker can write (shared storage)`,
          );
        });
      writable.set(dir, checked);
    }
    return checked;
  };
  const outRoot = options.outRoot === undefined ? undefined : path.resolve(options.outRoot);
  /** The folder the job's result goes to, or undefined (not written); throws TypeError for a job that may not write where it says. */
  const resultDirOf = (data: FleetJobData): string | undefined => {
    const problem = fleetNameIssue('key', data.key) ?? fleetNameIssue('batch id', data.batchId);
    if (problem) throw new TypeError(`job refused: ${problem}`);
    if (data.record?.key !== data.key)
      throw new TypeError(`job refused: its record is for key ${JSON.stringify(data.record?.key)}, not ${JSON.stringify(data.key)}`);
    const out = data.out ?? options.out;
    if (out === undefined) return undefined;
    if (data.out !== undefined && !path.isAbsolute(data.out))
      throw new TypeError(`job refused: its output location ${JSON.stringify(data.out)} is not an absolute path`);
    if (outRoot !== undefined && data.out !== undefined) {
      const rel = path.relative(outRoot, path.resolve(data.out));
      if (rel.startsWith('..') || path.isAbsolute(rel))
        throw new TypeError(`job refused: its output location ${data.out} is outside this worker's --out ${outRoot}`);
    }
    return jobResultDir(out, data.key);
  };

  /** Waits `ms` in the slot; resolves early with why when woken. */
  const hold = (key: string, ms: number): Promise<'park' | 'lost' | undefined> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake.delete(key);
        resolve(undefined);
      }, ms);
      wake.set(key, (why) => {
        clearTimeout(timer);
        wake.delete(key);
        resolve(why);
      });
    });
  let activations = 0;

  const processJob = async (job: TrainingJobLike, token?: string): Promise<FleetJobResult> => {
    let data = job.data;
    let resultDir: string | undefined;
    try {
      resultDir = resultDirOf(data);
      // Before anything is sent for it: a result this worker could not store would be lost.
      if (resultDir !== undefined && data.record.stage !== 'downloaded') await checkWritable(path.dirname(resultDir));
    } catch (err) {
      throw new UnrecoverableError(`${(err as Error).name}: ${(err as Error).message}`);
    }
    const persist = (r: JobRecord) =>
      defer(async () => {
        data = { ...data, record: r };
        await record(job, token, data);
      });
    const context: JobStepContext = {
      job: {
        name: data.name,
        config: data.config,
        poll: data.poll,
        // Read only when the step uploads (stage `new` or `uploading`).
        get data() {
          return data.data ? readData(data.data) : NO_DATA;
        },
      },
      persist,
      saveResult: async (result) => {
        if (resultDir !== undefined) await writeResult(result, resultDir);
        await options.onResult?.(result, data);
        return resultDir === undefined ? undefined : { resultDir };
      },
      ...(fleet ? { claim: (id: string) => fleet.claim(id) } : {}),
    };
    // One stepper per activation: the job's poll options are resolved once, not at every poll.
    const step = jobStepper(gated, context);
    let metrics: FleetJobResult['metrics'] = [];
    // The step's events, made once per activation (not at every poll): metrics kept, progress written.
    const stepped = pipe(
      tap((o: JobStepOutput) => {
        if (isJobStepped(o)) return;
        if (o.type === 'completed') metrics = o.result.metrics.map((m) => ({ name: m.name, value: m.value }));
        // The step emits a status only when it changed: progress is written only then.
        const progress = progressOf(o);
        if (progress) void job.updateProgress({ key: data.key, event: progress }).catch(() => undefined);
      }),
      filter(isJobStepped),
    );
    // Each activation's own key in `wake` (a job id is missing only in hand-made jobs).
    const holdKey = job.id ?? `activation-${++activations}`;
    let anchor = data.dueAt ?? Date.now();
    running++;
    activeKeys.add(holdKey);
    try {
      for (;;) {
        const release = data.record.stage === 'training' || parking ? undefined : await starting.acquire();
        if (data.record.stage !== 'training' && (parking || release === undefined)) {
          // The worker closes: a job still waiting to upload or create goes back as it is.
          release?.();
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        let out: Extract<JobStepOutput, { type: 'stepped' }>;
        try {
          out = await lastValueFrom(step(data.record).pipe(stepped));
        } finally {
          release?.();
        }
        if (lost.delete(holdKey)) throw new JobLockLostError(`job ${job.id}: lock lost (another worker owns it now); step not recorded`);
        const r = out.record;
        if (fleet && r.externalProcessId && (r.stage === 'training' || r.stage === 'downloaded')) fleet.forget(r.externalProcessId);
        if (out.done) {
          return { key: data.key, externalProcessId: r.externalProcessId, resultDir: r.resultDir, metrics, polls: r.polls };
        }
        // On schedule: due one interval after this step was due (activation latency does not
        // add up poll after poll), but never in the past.
        const dueAt = Math.max(Date.now(), anchor + out.delayMs);
        anchor = dueAt;
        // Kept in memory only: polls change nothing the step persists; a stage change or a park
        // writes them.
        data = { ...data, record: r, dueAt };
        job.data = data;
        const waitMs = dueAt - Date.now();
        const full = slots !== undefined && running >= slots && waitMs > FULL_HOLD_MS;
        if (!parking && !full && waitMs <= holdMs) {
          const woken = waitMs > 0 ? await hold(holdKey, waitMs) : undefined;
          if (woken === 'lost' || lost.delete(holdKey)) throw new JobLockLostError(`job ${job.id}: lock lost (another worker owns it now); step not recorded`);
          if (woken !== 'park') continue;
        }
        await lastValueFrom(persist(r), { defaultValue: undefined });
        await job.moveToDelayed(dueAt, token);
        throw new DelayedError();
      }
    } catch (err) {
      if (err instanceof DelayedError || err instanceof UnrecoverableError) throw err;
      if (isUnrecoverable(err)) {
        const e = err as Error;
        throw new UnrecoverableError(`${e.name}: ${e.message}`);
      }
      throw err;
    } finally {
      running--;
      activeKeys.delete(holdKey);
      lost.delete(holdKey);
    }
  };
  return {
    process: processJob,
    park() {
      parking = true;
      starting.dismiss();
      for (const wakeUp of [...wake.values()]) wakeUp('park');
    },
    lockLost(jobIds) {
      for (const id of jobIds) {
        if (!activeKeys.has(id)) continue;
        lost.add(id);
        wake.get(id)?.('lost');
      }
    },
    active: () => running,
  };
}

/** At most `n` holders at once; the others wait in line (`dismiss` sends them away with undefined). */
function semaphore(n: number): { acquire(): Promise<(() => void) | undefined>; dismiss(): void } {
  let free = Math.max(1, n);
  let line: ((granted: boolean) => void)[] = [];
  const release = () => {
    const next = line.shift();
    if (next) next(true);
    else free++;
  };
  return {
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => line.push((granted) => resolve(granted ? release : undefined)));
    },
    dismiss() {
      const waiting = line;
      line = [];
      for (const w of waiting) w(false);
    },
  };
}
