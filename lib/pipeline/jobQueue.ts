/** A bounded queue from a push source to trainEachFrom$. */
/**
 * A bounded queue between a push source (an event emitter, a message consumer) and the
 * pull-based {@link trainEachFrom$}: when it is full it asks the source to pause, and to resume
 * once the trainings have drained it.
 *
 * @packageDocumentation
 */
import { JOB_QUEUE_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link createJobQueue}.
 *
 * ## Example
 * ```ts
 * createJobQueue({ highWaterMark: 8, pause: () => consumer.pause(), resume: () => consumer.resume() });
 * ```
 */
export interface JobQueueOptions {
  /** Jobs held before `pause` is called. Default 16. */
  readonly highWaterMark?: number;
  /** Called when the queue is full: stop the source. */
  readonly pause?: () => void;
  /** Called when the queue has drained to half: start the source again. */
  readonly resume?: () => void;
}

/**
 * A bounded job queue that is also an async iterable, for {@link trainEachFrom$}.
 *
 * ## Example
 * ```ts
 * const queue = createJobQueue<Job>({ highWaterMark: 8, pause: () => emitter.pause(), resume: () => emitter.resume() });
 * emitter.on('job', (job) => queue.push(job));
 * emitter.on('end', () => queue.end());
 * trainEachFrom$(client, queue, { concurrency: 4 }).subscribe(console.log);
 * ```
 */
export interface JobQueue<T> extends AsyncIterable<T> {
  /** Adds a job; returns false when the queue is now full (the source should pause). */
  push(job: T): boolean;
  /** No more jobs will come; iteration ends once the queue is empty. */
  end(): void;
  /** Ends iteration with an error (the source failed). */
  fail(error: Error): void;
  /** Jobs waiting. */
  readonly size: number;
}

/**
 * Creates a {@link JobQueue}. Jobs pushed past `highWaterMark` are still kept (nothing is
 * lost); `pause` tells the source to stop sending.
 *
 * ## Example
 * ```ts
 * const queue = createJobQueue<KeyedTrainingJob>({ highWaterMark: 4, pause: () => socket.pause(), resume: () => socket.resume() });
 * ```
 *
 * @param options - High-water mark and the source's pause/resume.
 * @returns The queue.
 */
export function createJobQueue<T>(options: JobQueueOptions = {}): JobQueue<T> {
  const highWaterMark = Math.max(1, options.highWaterMark ?? JOB_QUEUE_DEFAULTS.highWaterMark);
  const items: T[] = [];
  let ended = false;
  let failure: Error | undefined;
  let paused = false;
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let waitingReject: ((error: Error) => void) | undefined;

  const wake = () => {
    if (!waiting) return;
    const resolve = waiting;
    const reject = waitingReject!;
    waiting = waitingReject = undefined;
    if (items.length > 0) resolve({ value: take(), done: false });
    else if (failure) reject(failure);
    else if (ended) resolve({ value: undefined, done: true });
    else {
      waiting = resolve;
      waitingReject = reject;
    }
  };
  const take = (): T => {
    const item = items.shift() as T;
    if (paused && items.length <= highWaterMark / 2) {
      paused = false;
      options.resume?.();
    }
    return item;
  };

  return {
    get size() {
      return items.length;
    },
    push(job: T): boolean {
      if (ended) throw new Error('push() after end()');
      items.push(job);
      wake();
      if (items.length >= highWaterMark && !paused) {
        paused = true;
        options.pause?.();
      }
      return items.length < highWaterMark;
    },
    end() {
      ended = true;
      wake();
    },
    fail(error: Error) {
      failure = error;
      wake();
    },
    [Symbol.asyncIterator](): AsyncIterator<T> {
      return {
        next: () =>
          new Promise<IteratorResult<T>>((resolve, reject) => {
            waiting = resolve;
            waitingReject = reject;
            wake();
          }),
        return: async () => {
          ended = true;
          items.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
