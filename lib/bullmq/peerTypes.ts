/** The parts of BullMQ and ioredis this subpath uses, as structural types of its own. */
/**
 * The parts of BullMQ and ioredis this subpath uses, as structural types of its own: the
 * published `.d.ts` names no optional peer, so a project compiles with `skipLibCheck: false`
 * whether or not it installed them. The real classes fit these types
 * (spec/types/bullmqPeerTypes.spec.ts checks it against the versions we support).
 *
 * @packageDocumentation
 */
import type { FleetJobData, FleetJobResult } from './jobs';

/**
 * What the fleet calls on a Redis connection: an ioredis `Redis` (or `Cluster`) fits.
 *
 * ## Example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis: RedisLike = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  time(): Promise<readonly (number | string)[]>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  zrangebyscore(key: string, min: number, max: number, withScores: 'WITHSCORES'): Promise<string[]>;
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * ioredis connection options, as far as this package reads them; others pass through to ioredis.
 *
 * ## Example
 * ```ts
 * const connection: RedisOptionsLike = { host: '127.0.0.1', port: 6379 };
 * ```
 */
export interface RedisOptionsLike {
  readonly host?: string;
  readonly port?: number;
  readonly password?: string;
  readonly db?: number;
  readonly [option: string]: unknown;
}

/**
 * What {@link enqueueTrainings} calls on a queue: a BullMQ `Queue` fits.
 *
 * ## Example
 * ```ts
 * import { Queue } from 'bullmq';
 * const queue: QueueLike = new Queue('p1rx', { connection });
 * ```
 */
export interface QueueLike {
  getJob(jobId: string): Promise<unknown>;
  addBulk(jobs: { name: string; data: FleetJobData; opts?: object }[]): Promise<unknown>;
}

/**
 * The job {@link trainingProcessor} is given: a BullMQ `Job` of {@link FleetJobData} fits.
 *
 * ## Example
 * ```ts
 * const processor = trainingProcessor(client);
 * new Worker<FleetJobData, FleetJobResult>('p1rx', processor, { connection });
 * ```
 */
export interface TrainingJobLike {
  readonly id?: string;
  readonly queueQualifiedName: string;
  data: FleetJobData;
  updateData(data: FleetJobData): Promise<void>;
  updateProgress(progress: object): Promise<void>;
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
}

/**
 * The BullMQ `Worker` a {@link TrainingWorker} runs, as far as a caller needs it (cast to
 * `Worker<FleetJobData, FleetJobResult>` from bullmq for the rest).
 *
 * ## Example
 * ```ts
 * running.worker.on('failed', (job, err) => console.error(err.message));
 * ```
 */
export interface TrainingBullWorker {
  readonly name: string;
  close(force?: boolean): Promise<void>;
  pause(doNotWaitActive?: boolean): Promise<void>;
  resume(): void;
  isRunning(): boolean;
  isPaused(): boolean;
  waitUntilReady(): Promise<unknown>;
  on(event: 'completed', listener: (job: FinishedJob, result: FleetJobResult, prev: string) => void): unknown;
  on(event: 'failed', listener: (job: FinishedJob | undefined, error: Error, prev: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'closed', listener: () => void): unknown;
}

/**
 * A job as a worker's `completed` and `failed` events give it.
 *
 * ## Example
 * ```ts
 * running.worker.on('completed', (job: FinishedJob) => console.log(job.data.key));
 * ```
 */
export interface FinishedJob {
  readonly id?: string;
  readonly data: FleetJobData;
  /** When the job ended for good (ms since the epoch); absent while it will be retried. */
  readonly finishedOn?: number;
}

/**
 * What {@link fleetEvents$} listens to: a BullMQ `QueueEvents` fits.
 *
 * ## Example
 * ```ts
 * import { QueueEvents } from 'bullmq';
 * const queueEvents: QueueEventsLike = new QueueEvents('p1rx', { connection });
 * ```
 */
export interface QueueEventsLike {
  on(event: 'progress', listener: (args: { jobId: string; data: unknown }, id: string) => void): unknown;
  on(event: 'completed', listener: (args: { jobId: string; returnvalue: unknown }, id: string) => void): unknown;
  on(event: 'failed', listener: (args: { jobId: string; failedReason: string }, id: string) => void): unknown;
  off(event: 'progress', listener: (args: { jobId: string; data: unknown }, id: string) => void): unknown;
  off(event: 'completed', listener: (args: { jobId: string; returnvalue: unknown }, id: string) => void): unknown;
  off(event: 'failed', listener: (args: { jobId: string; failedReason: string }, id: string) => void): unknown;
}
