/**
 * The BullMQ processor of a training job: one step per activation, parked between polls.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { lastValueFrom, tap } from 'rxjs';
import {
  ApiError,
  TrainingFailedError,
  ValidationError,
  createClient,
  trainingStep$,
  type PredictionOneClient,
  type TrainingEvent,
  type TrainingResult,
  type TrainingStepOutput,
  type TrainingStepState,
  type UploadInput,
} from 'prediction-one-rx';
import { fileSource, writeResult } from 'prediction-one-rx/node';
import type { Fleet } from './fleet';
import type { FleetDataSource, FleetJobData, FleetJobResult } from './jobs';

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
  readonly redis?: Redis;
  /** Write each result to `<out>/<key>/`. Default: results are not written (see `onResult`). */
  readonly out?: string;
  /** Called with each result before the job completes (after `out` is written). */
  readonly onResult?: (result: TrainingResult, data: FleetJobData) => Promise<void>;
  /** A poll due within this many ms is made in the worker's slot; a later one parks the job (`moveToDelayed`). Default 1000. */
  readonly holdMs?: number;
  /** Reads a job's data source. Default: http(s) URLs are fetched, anything else is a file path. */
  readonly readData?: (source: FleetDataSource) => UploadInput | Promise<UploadInput>;
  /** Largest CSV fetched from a URL. Default 512 MiB. */
  readonly maxDataBytes?: number;
}

/** Statuses worth telling a watcher about; the others (upload/download progress) stay local. */
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

async function readUrl(url: string, maxBytes: number): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${new URL(url).origin}${new URL(url).pathname}: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new Error(`data at ${new URL(url).pathname} is larger than ${maxBytes} bytes`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new Error(`data at ${new URL(url).pathname} is larger than ${maxBytes} bytes`);
  return bytes;
}

function defaultReader(maxBytes: number): (source: FleetDataSource) => Promise<UploadInput> {
  const one = async (s: string) => (/^https?:\/\//i.test(s) ? readUrl(s, maxBytes) : fileSource(s));
  return async (source) => ({ train: await one(source.train), evaluation: source.evaluation === undefined ? undefined : await one(source.evaluation) });
}

// Rewrites the job's data only while this worker holds the job's lock.
const FENCED_UPDATE = `
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1])
return 1
`;

/**
 * A job's lock was lost while it ran (the worker was paused or cut off past `lockDuration`):
 * another worker owns it now, so this one stops without recording anything.
 *
 * ## Example
 * ```ts
 * worker.on('error', (err) => err instanceof JobLockLostError && log.warn(err.message));
 * ```
 */
export class JobLockLostError extends Error {
  override readonly name = 'JobLockLostError';
}

/**
 * The client with the fleet's gate in front of its fetch (one per fleet and client).
 *
 * @internal
 */
export function gatedClient(client: PredictionOneClient, fleet: Fleet): PredictionOneClient {
  return createClient({ ...client.config, fetch: fleet.fetch(client.http.fetch, { apiBaseUrl: client.baseUrl }) });
}

/**
 * A BullMQ processor for training jobs ({@link FleetJobData}), to hand to your own `Worker`
 * (or use {@link createTrainingWorker}). Each activation runs {@link trainingStep$} from the
 * job's recorded step, records the new step in the job's data under the job's lock, and goes
 * on: the next poll is made in the slot when it is due within `holdMs`, else the job is parked
 * with `moveToDelayed` until it is due (the slot is free meanwhile).
 *
 * With a `fleet`, Create Model is sent only under the upload's claim, every request waits for
 * the fleet's backoff window and budget, and a 429 anywhere opens that window for everyone.
 *
 * **Errors**: the job fails for good ({@link UnrecoverableError}) on a failed training, invalid
 * input or a documented 4xx; other errors (5xx, network, ambiguous Create Model) are thrown for
 * BullMQ to retry with the job's `attempts` and backoff, from the recorded stage.
 *
 * **Cancellation**: none beyond BullMQ's: closing the worker waits for running activations,
 * which last one step (plus at most `holdMs`).
 *
 * ## Example
 * ```ts
 * const worker = new Worker<FleetJobData, FleetJobResult>('p1rx', trainingProcessor(client, { fleet, redis, out: 'results' }), { connection, lockDuration: 120_000 });
 * ```
 *
 * @param client - The client (the fleet's gate is put in front of its fetch).
 * @param options - Fleet, output, hold time.
 * @returns The processor.
 */
export function trainingProcessor(
  client: PredictionOneClient,
  options: TrainingProcessorOptions = {},
): (job: Job<FleetJobData, FleetJobResult>, token?: string) => Promise<FleetJobResult> {
  const { fleet, redis } = options;
  if (fleet && !redis) throw new TypeError('trainingProcessor: a fleet needs the redis connection too');
  const gated = fleet ? gatedClient(client, fleet) : client;
  const holdMs = options.holdMs ?? 1000;
  const readData = options.readData ?? defaultReader(options.maxDataBytes ?? 512 * 1024 * 1024);

  const record = async (job: Job<FleetJobData, FleetJobResult>, token: string | undefined, data: FleetJobData): Promise<void> => {
    if (redis && token) {
      const key = `${job.queueQualifiedName}:${job.id}`;
      const ok = await redis.eval(FENCED_UPDATE, 2, key, `${key}:lock`, JSON.stringify(data), token);
      if (ok !== 1) throw new JobLockLostError(`job ${job.id}: lock lost (another worker owns it now); step not recorded`);
      job.data = data;
    } else {
      await job.updateData(data);
    }
  };

  return async (job, token) => {
    let data = job.data;
    const stepJob = { name: data.name, config: data.config, poll: data.poll, data: () => readData(data.data!) };
    const hooks = fleet ? { claim: (id: string) => fleet.claim(id) } : {};
    try {
      for (;;) {
        const out: TrainingStepOutput = await lastValueFrom(
          trainingStep$(gated, stepJob, data.step, hooks).pipe(
            tap((o) => {
              if (o.kind !== 'event') return;
              const progress = progressOf(o.event);
              if (progress) void job.updateProgress({ key: data.key, event: progress }).catch(() => undefined);
            }),
          ),
          { defaultValue: undefined as unknown as TrainingStepOutput },
        );
        if (out === undefined || out.kind === 'event') throw new Error(`job ${job.id}: the step ended without an outcome`);
        const previous: TrainingStepState = data.step;
        if (out.kind === 'done') {
          let resultDir: string | undefined;
          if (options.out !== undefined) {
            resultDir = path.join(options.out, data.key);
            await writeResult(out.result, resultDir);
          }
          await options.onResult?.(out.result, data);
          data = { ...data, step: out.state };
          await record(job, token, data);
          return { key: data.key, externalProcessId: out.state.externalProcessId, resultDir, metrics: out.result.metrics.map((m) => ({ name: m.name, value: m.value })), polls: out.state.polls };
        }
        data = { ...data, step: out.state };
        await record(job, token, data);
        if (fleet && previous.stage === 'training-requested' && out.state.stage === 'training-started') fleet.forget(out.state.externalProcessId!);
        const delayMs = out.delayMs ?? 0;
        if (delayMs <= holdMs) {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          continue;
        }
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      }
    } catch (err) {
      if (err instanceof DelayedError || err instanceof UnrecoverableError) throw err;
      if (isUnrecoverable(err)) {
        const e = err as Error;
        throw new UnrecoverableError(`${e.name}: ${e.message}`);
      }
      throw err;
    }
  };
}
