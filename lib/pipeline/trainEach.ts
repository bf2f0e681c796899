/** Fan-out: many trainings with a concurrency limit, each on the one engine. */
/**
 * Fan-out: many trainings with a concurrency limit, each job's outcome a value in one stream.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, catchError, concat, concatMap, defer, mergeMap, of, throwError, type ObservableInput, type Subscription } from 'rxjs';
import type { TrainingEvent } from '../core/events';
import type { TrainingResult } from '../results/trainingResult';
import type { PredictionOneClient } from '../transport/client';
import { abortOn } from '../operators/abortOn';
import type { JobRecord } from './engine';
import { trainModel$, type TrainingJob, type TrainModelOptions } from './trainModel';
import { resolveConcurrency } from '../core/settings';

/**
 * A training job with a key that names it in the output.
 *
 * ## Example
 * ```ts
 * const job: KeyedTrainingJob = { key: 'shop-12', data: { train: csv }, name: 'shop-12', config };
 * ```
 */
export interface KeyedTrainingJob<K = string> extends TrainingJob {
  readonly key: K;
  /** A record an earlier run handed to {@link TrainEachOptions.onRecord}: the job resumes from it (see {@link TrainModelOptions.resume}). */
  readonly record?: JobRecord;
}

/**
 * What {@link trainEach$} emits per job: its progress events, then `succeeded` with the
 * result or `failed` with the error. A failure is a value, not the end of the stream.
 *
 * ## Example
 * ```ts
 * events$.subscribe((e) => e.type === 'failed' && console.error(e.key, e.error.message));
 * ```
 */
export type JobEvent<K = string> =
  | { readonly type: 'progress'; readonly key: K; readonly event: TrainingEvent }
  | { readonly type: 'succeeded'; readonly key: K; readonly externalProcessId?: string; readonly result: TrainingResult }
  | { readonly type: 'failed'; readonly key: K; readonly externalProcessId?: string; readonly error: Error };

/**
 * Options of {@link trainEach$}.
 *
 * ## Example
 * ```ts
 * trainEach$(client, { concurrency: 16, failFast: false });
 * ```
 */
export interface TrainEachOptions<K = unknown> {
  /** Jobs running at once: an integer >= 1. Default 4 (`LIBRARY_DEFAULTS.concurrency`). */
  readonly concurrency?: number;
  /** End the whole stream at the first failure (in-flight jobs are cancelled). Default false. */
  readonly failFast?: boolean;
  /**
   * Stops every job: requests in flight are aborted, no job starts, and the stream errors
   * with {@link index!AbortError} (trainings already started go on at the service).
   */
  readonly signal?: AbortSignal;
  /**
   * Called with each job's record at every change, awaited before the request it announces
   * (see {@link TrainModelOptions.onRecord}): keep it, and give it back as the job's `record`
   * to resume after a restart without training twice.
   */
  readonly onRecord?: (record: JobRecord, job: KeyedTrainingJob<K>) => ObservableInput<unknown> | void;
  /** How to run one job. Default {@link trainModel$} (with the job's `record` and `onRecord`). */
  readonly run?: (client: PredictionOneClient, job: TrainingJob) => Observable<TrainingEvent>;
  /**
   * Called with each result inside the job's slot, before `succeeded` is emitted: write the
   * result and acknowledge the job here, so a job is acknowledged only once its result is
   * safely stored. A rejection makes the job `failed`.
   */
  readonly onResult?: (result: TrainingResult, job: KeyedTrainingJob<K>) => Promise<void>;
}

/** Runs one job and turns its events into {@link JobEvent}s. @internal */
export function runJob$<K>(client: PredictionOneClient, job: KeyedTrainingJob<K>, options: TrainEachOptions<K>): Observable<JobEvent<K>> {
  return defer(() => {
    let externalProcessId: string | undefined = job.record?.externalProcessId ?? job.resume?.externalProcessId;
    const onRecord = options.onRecord;
    const run =
      options.run ??
      (job.record === undefined && onRecord === undefined
        ? trainModel$
        : (c: PredictionOneClient, j: TrainingJob) => trainModel$(c, j, { resume: job.record, onRecord: onRecord && ((r) => onRecord(r, job)) }));
    return run(client, job).pipe(
      concatMap((event): Observable<JobEvent<K>> => {
        if ('externalProcessId' in event && event.externalProcessId) externalProcessId = event.externalProcessId;
        if (event.type !== 'completed') return of({ type: 'progress', key: job.key, event });
        const succeeded: JobEvent<K> = { type: 'succeeded', key: job.key, externalProcessId, result: event.result };
        const onResult = options.onResult;
        // Synchronous when there is nothing to await, so virtual-time tests see no microtask gap.
        return onResult ? defer(async () => (await onResult(event.result, job), succeeded)) : of(succeeded);
      }),
      catchError((error: unknown) => {
        const err = error instanceof Error ? error : new Error(String(error));
        const failed: JobEvent<K> = { type: 'failed', key: job.key, externalProcessId, error: err };
        return options.failFast
          ? concat(
              of(failed),
              throwError(() => err),
            )
          : of(failed);
      }),
    );
  });
}

/**
 * Runs a stream of training jobs, at most `concurrency` at once, and emits every job's
 * events tagged with its key. One job's failure becomes a `failed` event; the others go on
 * (unless `failFast`).
 *
 * Backpressure: as an operator it is fed by its source, and RxJS sources push, so jobs beyond
 * the limit wait in `mergeMap`'s buffer. To never read more jobs than can run (a file, a
 * queue, a Node stream), give the jobs as an (async) iterable to {@link trainEachFrom$}.
 *
 * **Errors**: none from jobs (they are `failed` events) unless `failFast`.
 *
 * **Cancellation**: unsubscribing cancels every running job's request and timers.
 *
 * ## Example
 * ```ts
 * from(jobs).pipe(trainEach$(client, { concurrency: 8 })).subscribe((e) => {
 *   if (e.type === 'succeeded') console.log(e.key, e.result.metrics);
 *   if (e.type === 'failed') console.error(e.key, e.error.name);
 * });
 * ```
 *
 * @param client - The client (share one: its limits and shared status apply to all jobs).
 * @param options - Concurrency and failure policy.
 * @returns An operator from jobs to job events.
 */
export function trainEach$<K>(client: PredictionOneClient, options: TrainEachOptions<NoInfer<K>> = {}): OperatorFunction<KeyedTrainingJob<K>, JobEvent<K>> {
  return (jobs) =>
    defer(() =>
      jobs.pipe(mergeMap((job: KeyedTrainingJob<K>) => runJob$(client, job, options), resolveConcurrency(options.concurrency, 'trainEach options'))),
    ).pipe(abortOn(options.signal));
}

/**
 * Like {@link trainEach$}, but pulls jobs from an iterable or async iterable only when a slot
 * is free, so it never reads more jobs from its source than it can run: a paused Node
 * `Readable` (its async iterator) stays paused while the limit is reached.
 *
 * **Errors**: an error of the iterable itself ends the stream; job failures are `failed` events.
 *
 * **Cancellation**: unsubscribing cancels running jobs and calls the iterator's `return()`.
 *
 * ## Example
 * ```ts
 * trainEachFrom$(client, readJobsLazily('manifest.jsonl'), { concurrency: 16 }).subscribe(console.log);
 * ```
 *
 * @param client - The client.
 * @param jobs - The jobs, read one at a time.
 * @param options - Concurrency and failure policy.
 * @returns Every job's events.
 */
export function trainEachFrom$<K>(
  client: PredictionOneClient,
  jobs: Iterable<KeyedTrainingJob<K>> | AsyncIterable<KeyedTrainingJob<K>>,
  options: TrainEachOptions<NoInfer<K>> = {},
): Observable<JobEvent<K>> {
  const events$ = new Observable<JobEvent<K>>((subscriber) => {
    const concurrency = resolveConcurrency(options.concurrency, 'trainEach options');
    const iterator: Iterator<KeyedTrainingJob<K>> | AsyncIterator<KeyedTrainingJob<K>> =
      Symbol.asyncIterator in jobs ? jobs[Symbol.asyncIterator]() : jobs[Symbol.iterator]();
    const running = new Set<Subscription>();
    let pulling = false;
    let exhausted = false;

    const finishIfDone = () => {
      if (exhausted && running.size === 0 && !pulling) subscriber.complete();
    };
    const start = (job: KeyedTrainingJob<K>) => {
      let done = false;
      let subscription: Subscription | undefined = undefined;
      subscription = runJob$(client, job, options).subscribe({
        next: (e) => subscriber.next(e),
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          done = true;
          // A job that completes synchronously ends before `subscription` is assigned.
          if (subscription) running.delete(subscription);
          pull();
        },
      });
      if (!done) running.add(subscription);
    };
    const pull = () => {
      if (pulling || exhausted || subscriber.closed) return finishIfDone();
      if (running.size >= concurrency) return;
      pulling = true;
      Promise.resolve(iterator.next()).then(
        (next) => {
          pulling = false;
          if (subscriber.closed) return;
          if (next.done) exhausted = true;
          else start(next.value);
          pull();
        },
        (err: unknown) => {
          pulling = false;
          subscriber.error(err);
        },
      );
    };
    pull();
    return () => {
      running.forEach((s) => s.unsubscribe());
      running.clear();
      if (!exhausted) void Promise.resolve(iterator.return?.()).catch(() => undefined);
    };
  });
  return events$.pipe(abortOn(options.signal));
}
