/**
 * The whole training flow in one call: upload$ → train$ → pollStatus$ → downloadResult$.
 *
 * @packageDocumentation
 */
import { Observable, lastValueFrom, of, tap } from 'rxjs';
import { trainingConfigIssues } from '../core/trainingConfig';
import { checkTrainingData } from '../sources/trainingDataIssues';
import type { ColumnSpec } from '../sources/columns';
import type { PollOptions } from '../core/config';
import type { TrainingEvent } from '../core/events';
import type { TrainingConfig } from '../core/trainingConfig';
import type { TrainingResult } from '../results/trainingResult';
import { abortOn } from '../operators/abortOn';
import { downloadResult$ } from '../operators/downloadResult';
import { pollStatus$ } from '../operators/pollStatus';
import { uploadChecked$, type UploadInput } from '../operators/upload';
import type { PredictionOneClient } from '../transport/client';
import { onlyResult } from './onlyResult';
import { trainOrFollow$ } from './trainOrFollow';
import { withDeadline } from './deadline';

/**
 * One training job: the data, the model's name and its config.
 *
 * ## Example
 * ```ts
 * const job: TrainingJob = { data: { train: csv }, name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } };
 * ```
 */
export interface TrainingJob {
  readonly data: UploadInput;
  readonly name: string;
  readonly config: TrainingConfig;
  /** Poll schedule for this job (defaults: the client's). */
  readonly poll?: PollOptions;
  /**
   * Where an earlier run of this job got to (from a checkpoint): with `externalProcessId` the
   * upload is not repeated; with `trainingStarted` Create Model is not sent again either.
   */
  readonly resume?: { readonly externalProcessId: string; readonly trainingStarted?: boolean };
  /**
   * Time limit of the whole pipeline (upload, training, polling, download), then
   * {@link index!DeadlineExceededError}. Default: none (each call has its own limits, polling
   * `poll.maxWaitMs`).
   */
  readonly deadlineMs?: number;
}

/**
 * Options of {@link trainModel$} and {@link trainModel}.
 *
 * ## Example
 * ```ts
 * const options: TrainModelOptions = { signal: AbortSignal.timeout(3_600_000), onEvent: (e) => console.log(e.type) };
 * ```
 */
export interface TrainModelOptions {
  /**
   * Stops the run: the request in flight is aborted, nothing more is sent, and the stream
   * errors (the Promise rejects) with {@link AbortError}. The training itself, once started,
   * goes on at the service (the API cannot cancel it).
   */
  readonly signal?: AbortSignal;
  /**
   * Called with every event, in order (the Promise form's window on progress). A throw stops
   * the run and rejects with what was thrown.
   */
  readonly onEvent?: (event: TrainingEvent) => void;
}

/**
 * Runs one training end to end and streams its events: upload progress, `uploaded`,
 * `queued`, each `status`, download progress and `completed` with the result.
 *
 * Before its first request it checks the job locally and reports every problem at once in one
 * `ValidationError`: the config ({@link trainingConfigIssues}), then the data against it
 * ({@link engine!trainingDataIssues}: not CSV, no header or no rows, a target or time column the header
 * lacks, a `tv` the target does not hold, a regression on a text target), and the column
 * types. The data check reads the first MiB of the training data (all of it
 * when smaller); of a bigger source it reports only what that head proves.
 *
 * After an ambiguous Create Model failure ({@link TrainingStartUnknownError}) it follows the
 * training by its id instead of sending Create Model again; only if the service does not know
 * the id does the error reach the subscriber.
 *
 * **Errors**: `ValidationError` (the local checks, before any request); any error of
 * {@link upload$}, {@link train$}, {@link pollStatus$} and {@link downloadResult$};
 * {@link index!DeadlineExceededError} past `job.deadlineMs`; {@link AbortError} when
 * `options.signal` fires.
 *
 * **Cancellation**: unsubscribing (or `options.signal`) aborts whatever request is in flight
 * and clears timers.
 *
 * ## Example
 * ```ts
 * trainModel$(client, { data: { train: csv }, name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } })
 *   .subscribe((e) => console.log(e.type));
 * // uploadProgress, ..., uploaded, queued, status, status, status, downloadProgress, completed
 * ```
 *
 * @param client - The client.
 * @param job - What to train.
 * @param options - An `AbortSignal` and an event callback (see {@link TrainModelOptions}).
 * @returns The job's events.
 */
export function trainModel$(client: PredictionOneClient, job: TrainingJob, options: TrainModelOptions = {}): Observable<TrainingEvent> {
  const events$ = eventsOf(client, job).pipe(abortOn(options.signal));
  const onEvent = options.onEvent;
  return onEvent ? events$.pipe(tap(onEvent)) : events$;
}

function eventsOf(client: PredictionOneClient, job: TrainingJob): Observable<TrainingEvent> {
  const train = trainOrFollow$(client, { name: job.name, config: job.config, poll: job.poll });
  const poll = pollStatus$(client, job.poll);
  const download = downloadResult$(client);
  const deadline = withDeadline<TrainingEvent>(job.deadlineMs, client.scheduler, 'pipeline');
  if (job.resume?.trainingStarted) return of({ externalProcessId: job.resume.externalProcessId }).pipe(poll, download, deadline);
  if (job.resume) return of({ externalProcessId: job.resume.externalProcessId }).pipe(train, poll, download, deadline);
  const configIssues = trainingConfigIssues(job.config);
  const check = (head: { head: string; complete: boolean }, columns: readonly ColumnSpec[] | undefined) => {
    // With a broken config only the data's own problems are worth adding (not CSV, no rows).
    const data = checkTrainingData(head.head, job.config, { complete: head.complete, columns });
    return { issues: [...configIssues, ...data.issues], unreadable: data.unreadable };
  };
  return of(job.data).pipe(uploadChecked$(client, check), train, poll, download, deadline);
}

/**
 * {@link trainModel$} as a Promise, for `async`/`await` code: resolves with the result once
 * it is downloaded. Progress reaches `options.onEvent`; `options.signal` stops it.
 *
 * **Errors** (rejections): those of {@link trainModel$}, {@link AbortError} when the signal
 * fires (at once, with nothing sent, when it already has).
 *
 * **Cancellation**: through `options.signal` only; the request in flight is aborted and no
 * other is sent. A training already started goes on at the service.
 *
 * ## Example
 * ```ts
 * const controller = new AbortController();
 * const result = await trainModel(client, { data: { train: csv }, name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } }, {
 *   signal: controller.signal,
 *   onEvent: (e) => e.type === 'status' && console.log(e.status),
 * });
 * console.log(result.metrics.map((m) => `${m.name}=${m.value.toFixed(3)}`));
 * // waiting, running, finished, then [ 'accuracy=0.842', ... ]
 * ```
 *
 * @param client - The client.
 * @param job - What to train.
 * @param options - `signal` and `onEvent`.
 * @returns The training's result.
 */
export function trainModel(client: PredictionOneClient, job: TrainingJob, options: TrainModelOptions = {}): Promise<TrainingResult> {
  return lastValueFrom(trainModel$(client, job, options).pipe(onlyResult()));
}
