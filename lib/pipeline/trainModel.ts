/** The whole training flow in one call (upload$ → train$ → pollStatus$ → downloadResult$), and its in-memory driver of the training engine for resuming a saved JobRecord. */
import {
  EMPTY,
  Observable,
  concat,
  concatMap,
  defer,
  filter,
  from,
  ignoreElements,
  lastValueFrom,
  of,
  tap,
  throwError,
  timer,
  type ObservableInput,
} from 'rxjs';
import type { ColumnSpec } from '../sources/columns';
import type { PollOptions } from '../core/config';
import type { TrainingEvent } from '../core/events';
import type { TrainingConfig } from '../core/trainingConfig';
import type { TrainingResult } from '../results/trainingResult';
import { abortOn } from '../operators/abortOn';
import { configChecks } from '../operators/train';
import { downloadResult$ } from '../operators/downloadResult';
import { pollStatus$ } from '../operators/pollStatus';
import type { UploadCheck, UploadInput } from '../operators/upload';
import type { PredictionOneClient } from '../transport/client';
import { onlyResult } from './onlyResult';
import { withDeadline } from './deadline';
import { advance, newJobRecord, nextAction, readJobRecord, type JobRecord } from './engine';
import { JobStepper, isJobStepped, stepped, type JobStepOutput } from './jobStep';
import { onDemand } from '../core/onDemand';

/** The local check of a job's data, loaded with the first upload (the config's: `configChecks` of operators/train.ts). */
const dataChecks = onDemand(() => import('../sources/trainingDataIssues'));

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
   *
   * @deprecated Keep the {@link JobRecord} that `onRecord` hands over and give it back as
   * {@link TrainModelOptions.resume}: it resumes at any stage (an upload in flight, a Create
   * Model whose answer was lost) and keeps the deadline of the training. Will be removed in v2.
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
  /**
   * A record an earlier run handed to `onRecord` (kept in your own database, a message queue's
   * payload …): the run goes on from it instead of starting over. `training`: follows the
   * training by id (never a second Create Model), with `poll.maxWaitMs` still counted from
   * `trainingSinceMs`; `creating`: asks the service by id first, and sends Create Model again
   * only if it does not know the id (within `retry.maxAttempts` sends); `uploading`: asks Train
   * Data Set Info, uploads again only if the upload is unknown; `uploaded`: sends Create Model;
   * `downloaded`: nothing to do, the stream completes. A record of an unknown future version
   * fails with {@link JobRecordVersionError}.
   */
  readonly resume?: JobRecord;
  /**
   * Called with the job's record at every change: each stage (written before the request it
   * announces, like a checkpoint line) and each new status. When it returns an `ObservableInput`
   * (a Promise of your database's write), the run waits for it before the request the record
   * announces; a failure (rejection, error) ends the run with that error. The record is plain
   * JSON with no secret and no pre-signed URL.
   */
  readonly onRecord?: (record: JobRecord) => ObservableInput<unknown> | void;
  /**
   * With a record (`resume` or `onRecord`): stores the result before the record says
   * `downloaded` (which a resumed run takes as "nothing left to do"), and may say where it went
   * (`resultDir`, `score`: kept in the record). The run waits for it; a failure ends the run and
   * the record stays `training`, so a resumed run downloads again (it never trains again).
   */
  readonly saveResult?: (result: TrainingResult, record: JobRecord) => ObservableInput<Pick<JobRecord, 'resultDir' | 'score'> | void>;
}

/**
 * Runs one training end to end and streams its events: upload progress, `uploaded`,
 * `queued`, each `status`, download progress and `completed` with the result.
 *
 * Before its first request it checks the job locally and reports every problem at once in one
 * `ValidationError`: the config ({@link data!trainingConfigIssues}), then the data against it
 * ({@link data!trainingDataIssues}: not CSV, no header or no rows, a target or time column the header
 * lacks, a `tv` the target does not hold, a regression on a text target), and the column
 * types. The data check reads the first MiB of the training data (all of it
 * when smaller); of a bigger source it reports only what that head proves.
 *
 * After an ambiguous Create Model failure ({@link TrainingStartUnknownError}) it follows the
 * training by its id instead of sending Create Model again; only if the service does not know
 * the id does the error reach the subscriber.
 *
 * It runs on the training engine shared with `p1rx batch`, the fleet and conformance
 * (lib/pipeline/engine.ts): every change of the job's {@link JobRecord} is handed to
 * `onRecord` (awaited before the request it announces), and a saved record resumes the job where
 * it stood (a `training` record is followed by id, never trained again). `poll.maxWaitMs` counts
 * from when the training was accepted (the record's `trainingSinceMs`).
 *
 * **Errors**: `ValidationError` (the local checks, before any request); any error of
 * {@link upload$}, {@link train$}, {@link pollStatus$} and {@link downloadResult$};
 * {@link JobRecordVersionError} for a record of a newer version;
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
 *
 * // Keeping the record in your own store, and resuming from it after a crash:
 * trainModel$(client, job, { resume: await db.get(job.name), onRecord: (record) => db.put(record) }).subscribe();
 * ```
 *
 * @param client - The client.
 * @param job - What to train.
 * @param options - An `AbortSignal`, an event callback, a record to resume and a record callback (see {@link TrainModelOptions}).
 * @returns The job's events.
 */
export function trainModel$(client: PredictionOneClient, job: TrainingJob, options: TrainModelOptions = {}): Observable<TrainingEvent> {
  const events$ = recordedEventsOf(client, job, options).pipe(abortOn(options.signal));
  const onEvent = options.onEvent;
  return onEvent ? events$.pipe(tap(onEvent)) : events$;
}

/**
 * The local checks of a job's config and data, run before its upload's first request. They are
 * loaded when the first upload starts (an app that only follows trainings never loads them).
 */
function checkOf(job: TrainingJob): UploadCheck {
  return async (head: { head: string; complete: boolean }, columns: readonly ColumnSpec[] | undefined) => {
    const [{ checkTrainingData }, { trainingConfigIssues }] = await Promise.all([dataChecks(), configChecks()]);
    const configIssues = trainingConfigIssues(job.config);
    // With a broken config only the data's own problems are worth adding (not CSV, no rows).
    const data = checkTrainingData(head.head, job.config, { complete: head.complete, columns });
    return { issues: [...configIssues, ...data.issues], unreadable: data.unreadable };
  };
}

/** The record a deprecated `job.resume` stands for. */
function recordOfLegacyResume(job: TrainingJob): JobRecord | undefined {
  const legacy = job.resume;
  if (legacy === undefined) return undefined;
  return { ...newJobRecord(job.name), stage: legacy.trainingStarted ? 'training' : 'uploaded', externalProcessId: legacy.externalProcessId };
}

/**
 * The in-memory driver of the training engine (lib/pipeline/engine.ts): the durable step
 * ({@link JobStepper}, with `onRecord` as its persist) up to the poll phase, then
 * {@link pollStatus$} (one shared poll per training) with the deadline left since
 * `trainingSinceMs`, each new status handed to `onRecord`, and the step's download.
 */
function recordedEventsOf(client: PredictionOneClient, job: TrainingJob, options: TrainModelOptions): Observable<TrainingEvent> {
  const deadline = withDeadline<TrainingEvent>(job.deadlineMs, client.scheduler, 'pipeline');
  return defer(() => {
    const onRecord = options.onRecord;
    const persist = (record: JobRecord): ObservableInput<unknown> => (onRecord && onRecord(record)) ?? EMPTY;
    const stepper = new JobStepper(client, { job, persist, saveResult: options.saveResult }, checkOf(job));
    const now = () => client.scheduler.now();
    const pollPhase = (start: JobRecord): Observable<TrainingEvent> => {
      let record = start;
      const id = record.externalProcessId ?? '';
      // maxWaitMs counts from when the training was accepted, not from this subscription.
      const maxWaitMs = Math.max(0, stepper.rules.poll.maxWaitMs - (now() - (record.trainingSinceMs ?? now())));
      return of({ externalProcessId: id }).pipe(
        pollStatus$(client, { ...job.poll, maxWaitMs }),
        concatMap((e): Observable<TrainingEvent | JobStepOutput> => {
          if (e.type !== 'status') return of(e);
          const out = advance(record, { type: 'status', status: e }, stepper.rules, now());
          // A failure status: pollStatus$ ends with its error.
          if (out.error) return of(e);
          record = out.record;
          const kept = concat(defer(() => from(persist(record))).pipe(ignoreElements()), of(e));
          return e.terminal ? concat(kept, stepper.download(record, e)) : kept;
        }),
        filter((e): e is TrainingEvent => !isJobStepped(e)),
      );
    };
    const step = (record: JobRecord): Observable<TrainingEvent> =>
      (record.stage === 'training' ? of(stepped(record, 0)) : stepper.step(record)).pipe(
        concatMap((out): Observable<TrainingEvent> => {
          if (!isJobStepped(out)) return of(out);
          if (out.done) return EMPTY;
          // The poll phase keeps its own schedule (pollStatus$); only a recovery wait is waited here.
          if (out.record.stage === 'training') return pollPhase(out.record);
          return out.delayMs > 0 ? timer(out.delayMs, client.scheduler).pipe(concatMap(() => step(out.record))) : step(out.record);
        }),
      );
    const start = readJobRecord(options.resume ?? recordOfLegacyResume(job) ?? newJobRecord(job.name));
    // A `training` record past its deadline ends at once; nothing is sent.
    const action = nextAction(start, stepper.rules, now());
    return action.kind === 'fail' ? throwError(() => action.error) : step(start);
  }).pipe(deadline);
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
