/** A ready-made BullMQ worker for training jobs, with defaults that survive crashes. */
/**
 * A ready-made BullMQ worker for training jobs, with defaults that survive crashes.
 *
 * @packageDocumentation
 */
import type { WorkerOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { requirePeer } from '../node/requirePeer';
import type { RedisOptionsLike, TrainingBullWorker } from './peerTypes';
import type { PredictionOneClient } from 'prediction-one-rx';
import { createFleet, type Fleet, type FleetOptions } from './fleet';
import type { FleetJobData, FleetJobResult } from './jobs';
import { heldTrainingProcessor, type TrainingProcessorOptions } from './processor';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link createTrainingWorker}.
 *
 * ## Example
 * ```ts
 * const options: TrainingWorkerOptions = { connection: 'redis://127.0.0.1:6379', concurrency: 50, out: 'results' };
 * ```
 */
export interface TrainingWorkerOptions extends Omit<TrainingProcessorOptions, 'fleet' | 'redis' | 'slots'> {
  /** Redis: a URL or ioredis options (the worker opens its own connections and closes them). */
  readonly connection: string | RedisOptionsLike;
  /** Queue name. Default `'p1rx'`. */
  readonly queueName?: string;
  /**
   * Jobs this process holds at once (BullMQ's concurrency): a held training costs a timer and
   * its job's data in memory, so thousands fit. When all are taken, waits longer than 1 s park.
   * Default 5000.
   */
  readonly concurrency?: number;
  /**
   * Job lock, in ms. BullMQ renews the locks of all the jobs this worker holds in one call every
   * `lockDurationMs / 2`; a job of a worker that died is taken by another worker at most
   * `lockDurationMs + stalledIntervalMs` later (then polled at once). Default 16 000 (with the
   * default stalled interval: every job of a worker killed with `kill -9` is polled again
   * within about 25 s).
   */
  readonly lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are looked for, in ms. Default 8000. */
  readonly stalledIntervalMs?: number;
  /** Stalls a job survives before it fails. Default 20 (every crash of a worker holding it is one). */
  readonly maxStalledCount?: number;
  /** Fleet settings (budget, claim lifetime, trace); `name` defaults to the queue name. */
  readonly fleet?: FleetOptions;
  /** Further BullMQ worker options (they win over the defaults above). */
  readonly workerOptions?: { readonly [option: string]: unknown };
  /** Called when an activation starts and when it ends (metrics, logs). Must not throw. */
  readonly observe?: ActivationObserver;
}

/**
 * The end of one activation of a training job, as {@link ActivationObserver.end} sees it.
 * `outcome`: `completed` (results written), `parked` (the job waits in Redis for its next
 * poll), `error` (BullMQ retries it or fails it, by its `attempts`).
 *
 * ## Example
 * ```ts
 * const end = (a: ActivationEnd) => console.log(a.key, a.outcome, a.stage, a.trainingId);
 * ```
 */
export interface ActivationEnd {
  readonly batchId: string;
  readonly key: string;
  readonly jobId: string | undefined;
  readonly outcome: 'completed' | 'parked' | 'error';
  /** The job's recorded stage after the activation. */
  readonly stage: string;
  /** The training's `externalProcessId`, once Create Model answered. */
  readonly trainingId: string | undefined;
  /** Polls made in this activation. */
  readonly polls: number;
  readonly error: Error | undefined;
}

/**
 * Hooks of {@link TrainingWorkerOptions.observe}: one `start` and one `end` per activation.
 *
 * ## Example
 * ```ts
 * let active = 0;
 * const observe: ActivationObserver = { start: () => active++, end: () => active-- };
 * ```
 */
export interface ActivationObserver {
  start?(job: { readonly batchId: string; readonly key: string; readonly jobId: string | undefined; readonly stage: string }): void;
  end?(activation: ActivationEnd): void;
}

/**
 * A running training worker: the BullMQ `Worker`, its fleet, and `close()`.
 *
 * ## Example
 * ```ts
 * process.on('SIGTERM', () => void running.close());
 * ```
 */
export interface TrainingWorker {
  readonly worker: TrainingBullWorker;
  readonly fleet: Fleet;
  /** Stops taking jobs, waits for running activations, closes the connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a BullMQ worker that runs training jobs with {@link trainingProcessor} and a
 * {@link createFleet | fleet} (claims, shared budget, fleet-wide 429 backoff), with defaults
 * for holding many trainings (polls made in the worker's slots, Redis written only on stage
 * changes; see docs/FLEET.md): thousands of slots, a short lock renewed for all held jobs in
 * one call, a frequent stalled check (every job of a worker killed with `kill -9` is retaken
 * within `lockDurationMs + stalledIntervalMs`), and tolerance for many stalls (a `kill -9` of a
 * worker is a stall of each job it held, not a failure).
 *
 * **Errors**: throws a `RangeError` when `lockDurationMs`, `stalledIntervalMs` or
 * `concurrency` is not a positive number.
 *
 * **Cancellation**: `close()` drains: no new jobs; held jobs are parked (their record written,
 * waiting in Redis for any worker); steps in flight finish first.
 *
 * ## Example
 * ```ts
 * const running = createTrainingWorker(createNodeClient({ baseUrl, apiKey }), { connection: 'redis://127.0.0.1:6379', concurrency: 50, out: 'results' });
 * process.on('SIGTERM', () => void running.close());
 * ```
 *
 * @param client - The client; its fetch is put behind the fleet's gate.
 * @param options - Connection, concurrency, lock, output.
 * @returns The running worker.
 */
export function createTrainingWorker(client: PredictionOneClient, options: TrainingWorkerOptions): TrainingWorker {
  const requestTimeoutMs = client.settings.requestTimeoutMs;
  const lockDuration = options.lockDurationMs ?? LIBRARY_DEFAULTS.fleet.lockDurationMs;
  const stalledInterval = options.stalledIntervalMs ?? LIBRARY_DEFAULTS.fleet.stalledIntervalMs;
  const concurrency = options.concurrency ?? LIBRARY_DEFAULTS.fleet.workerConcurrency;
  for (const [name, value] of [
    ['lockDurationMs', lockDuration],
    ['stalledIntervalMs', stalledInterval],
    ['concurrency', concurrency],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`createTrainingWorker: ${name} must be a positive number (got ${value})`);
  }
  // Optional peers, loaded here: a missing one is named with its range and install line.
  const { Worker } = requirePeer<typeof import('bullmq')>('bullmq', 'prediction-one-rx/bullmq', ['ioredis']);
  const { Redis } = requirePeer<typeof import('ioredis')>('ioredis', 'prediction-one-rx/bullmq', ['bullmq']);
  const queueName = options.queueName ?? 'p1rx';
  const open = (extra: RedisOptions = {}) =>
    typeof options.connection === 'string'
      ? new Redis(options.connection, { maxRetriesPerRequest: null, ...extra })
      : new Redis({ ...(options.connection as RedisOptions), maxRetriesPerRequest: null, ...extra });
  // The fleet's own connection (gate, claims, fenced record writes; never a blocking command):
  // auto-pipelined, so the gates and writes of many activations go out in one socket write.
  const redis = open({ enableAutoPipelining: true });
  // Connection errors surface on the worker's 'error' event (and in the requests that need Redis).
  redis.on('error', () => undefined);
  // A fleet option given as `undefined` (as `p1rx worker` passes an absent flag) keeps this default.
  const fleet = createFleet(redis, {
    ...options.fleet,
    claimTtlMs: options.fleet?.claimTtlMs ?? Math.max(2 * requestTimeoutMs, lockDuration),
    name: options.fleet?.name ?? queueName,
  });
  const held = heldTrainingProcessor(client, { ...options, slots: concurrency, fleet, redis });
  const inner = held.process;
  const observe = options.observe;
  const processor: typeof inner = !observe
    ? inner
    : async (job, token) => {
        const before = job.data;
        const pollsBefore = before.record?.polls ?? 0;
        observe.start?.({ batchId: before.batchId, key: before.key, jobId: job.id, stage: before.record?.stage ?? 'new' });
        const end = (outcome: ActivationEnd['outcome'], error: Error | undefined) => {
          const r = job.data.record;
          observe.end?.({
            batchId: job.data.batchId,
            key: job.data.key,
            jobId: job.id,
            outcome,
            stage: r?.stage ?? 'new',
            trainingId: r?.externalProcessId,
            polls: Math.max(0, (r?.polls ?? 0) - pollsBefore),
            error,
          });
        };
        try {
          const result = await inner(job, token);
          end('completed', undefined);
          return result;
        } catch (err) {
          const e = err as Error;
          end(e?.name === 'DelayedError' ? 'parked' : 'error', e?.name === 'DelayedError' ? undefined : e);
          throw err;
        }
      };
  const workerConnection = open();
  const worker = new Worker<FleetJobData, FleetJobResult>(queueName, processor, {
    connection: workerConnection,
    // Names the worker on each job it takes (`processedBy`): which process had a job when it died.
    name: `p1rx-worker-${process.pid}`,
    concurrency,
    lockDuration,
    // One renewal of every held lock per lockDuration / 2 (BullMQ's timer runs at half this and
    // renews the locks older than half this): 3 Redis commands per held job and renewal.
    lockRenewTime: lockDuration,
    stalledInterval,
    maxStalledCount: options.maxStalledCount ?? LIBRARY_DEFAULTS.fleet.maxStalledCount,
    ...(options.workerOptions as Partial<WorkerOptions> | undefined),
  });
  // A lost lock or a dropped connection is reported on 'error'; without a listener Node would crash.
  worker.on('error', () => undefined);
  // A held job whose lock could not be renewed belongs to another worker now: stop holding it.
  worker.on('lockRenewalFailed', (jobIds) => held.lockLost(jobIds));
  let closing: Promise<void> | undefined;
  return {
    worker,
    fleet,
    close() {
      closing ??= (async () => {
        // Held jobs park (written to Redis, due for any worker) instead of holding the close up.
        held.park();
        await worker.close();
        // BullMQ leaves a connection it was given open; both are ours.
        workerConnection.disconnect();
        redis.disconnect();
      })();
      return closing;
    },
  };
}
