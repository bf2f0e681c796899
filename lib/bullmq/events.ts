/** The fleet's progress as the library's job events. */
/**
 * The fleet's progress as the library's job events.
 *
 * @packageDocumentation
 */
import type { QueueEventsLike } from './peerTypes';
import { Observable } from 'rxjs';
import type { TrainingEvent } from 'prediction-one-rx';
import { parseTrainingJobId, type FleetJobResult } from './jobs';

/**
 * A training job's event as a fleet reports it: the same shape as the library's `JobEvent`
 * (`progress` with a {@link TrainingEvent}, then `succeeded` or `failed`), except that
 * `succeeded` carries the worker's {@link FleetJobResult} (the result files stay with the
 * worker that downloaded them).
 *
 * ## Example
 * ```ts
 * fleetEvents$(queueEvents, { batchId }).subscribe((e) => e.type === 'failed' && console.error(e.key, e.error.message));
 * ```
 */
export type FleetEvent =
  | { readonly type: 'progress'; readonly key: string; readonly jobId: string; readonly event: TrainingEvent }
  | { readonly type: 'succeeded'; readonly key: string; readonly jobId: string; readonly externalProcessId?: string; readonly result: FleetJobResult }
  | { readonly type: 'failed'; readonly key: string; readonly jobId: string; readonly error: Error };

/**
 * A job failed in the fleet; `message` is the reason the worker recorded.
 *
 * ## Example
 * ```ts
 * if (e.type === 'failed' && e.error instanceof FleetJobError) console.log(e.error.jobId);
 * ```
 */
export class FleetJobError extends Error {
  override readonly name = 'FleetJobError';
  constructor(
    readonly jobId: string,
    reason: string,
  ) {
    super(reason);
  }
}

function parse<T>(value: unknown): T | undefined {
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

/**
 * Turns a queue's events (BullMQ `QueueEvents`) into {@link FleetEvent}s, so one display renders
 * one process or a fleet: each worker's step reports `uploaded`, `queued` and `status` events
 * as job progress, and completion or final failure ends the job.
 *
 * Only jobs made by `enqueueTrainings` count (ids `<batchId>/<key>`), of `batchId` when given.
 * Events before the subscription are not replayed: read job states for those.
 *
 * **Errors**: none (a `QueueEvents` error is not an event of a job).
 *
 * **Cancellation**: unsubscribing removes the listeners (the `QueueEvents` stays open: close it yourself).
 *
 * ## Example
 * ```ts
 * const queueEvents = new QueueEvents('p1rx', { connection });
 * fleetEvents$(queueEvents, { batchId: 'nightly' }).subscribe((e) => console.log(e.key, e.type));
 * ```
 *
 * @param queueEvents - The queue's events.
 * @param options - `batchId` to keep one batch only.
 * @returns The jobs' events.
 */
export function fleetEvents$(queueEvents: QueueEventsLike, options: { readonly batchId?: string } = {}): Observable<FleetEvent> {
  return new Observable<FleetEvent>((subscriber) => {
    const keyOf = (jobId: string): string | undefined => {
      const parsed = parseTrainingJobId(jobId);
      if (!parsed || (options.batchId !== undefined && parsed.batchId !== options.batchId)) return undefined;
      return parsed.key;
    };
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
      const key = keyOf(jobId);
      const progress = parse<{ event?: TrainingEvent }>(data);
      if (key !== undefined && progress?.event) subscriber.next({ type: 'progress', key, jobId, event: progress.event });
    };
    const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      const key = keyOf(jobId);
      const result = parse<FleetJobResult>(returnvalue);
      if (key !== undefined && result) subscriber.next({ type: 'succeeded', key, jobId, externalProcessId: result.externalProcessId, result });
    };
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
      const key = keyOf(jobId);
      if (key !== undefined) subscriber.next({ type: 'failed', key, jobId, error: new FleetJobError(jobId, failedReason) });
    };
    queueEvents.on('progress', onProgress);
    queueEvents.on('completed', onCompleted);
    queueEvents.on('failed', onFailed);
    return () => {
      queueEvents.off('progress', onProgress);
      queueEvents.off('completed', onCompleted);
      queueEvents.off('failed', onFailed);
    };
  });
}
