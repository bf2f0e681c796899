/** The durable driver of the training engine (lib/pipeline/engine.ts): one step of a job record per activation, with write-ahead persistence, for `p1rx batch` (a checkpoint file) and the BullMQ fleet (the job's data). */
import {
  EMPTY,
  Observable,
  catchError,
  concat,
  concatMap,
  defer,
  expand,
  filter,
  from,
  ignoreElements,
  map,
  of,
  take,
  throwError,
  timer,
  type ObservableInput,
} from 'rxjs';
import { resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import { TrainingStartUnknownError } from '../core/errors';
import type { StatusEvent, TrainingEvent } from '../core/events';
import { isUnknownTraining, pollWaitMs } from '../core/trainingRules';
import { datasetInfo$ } from '../operators/datasetInfo';
import { downloadResult$ } from '../operators/downloadResult';
import { toStatusEvent } from '../operators/pollStatus';
import { train$ } from '../operators/train';
import { trainingStatus$ } from '../operators/trainingStatusRequest';
import { uploadChecked$, type UploadCheck } from '../operators/upload';
import type { TrainingResult } from '../results/trainingResult';
import type { PredictionOneClient } from '../transport/client';
import { advance, nextAction, readJobRecord, type EngineAction, type EngineAnswer, type EngineOutcome, type EngineRules, type JobRecord } from './engine';
import type { TrainingJob } from './trainModel';

export { newJobRecord, type JobRecord, type JobStage } from './engine';

/**
 * The end of one activation of {@link jobStep$}: the record to keep and when to step again.
 *
 * ## Example
 * ```ts
 * if (out.type === 'stepped' && !out.done) setTimeout(() => next(out.record), out.delayMs);
 * ```
 */
export interface JobStepped {
  readonly type: 'stepped';
  /** The record after the step (already made durable by `persist` when its stage changed). */
  readonly record: JobRecord;
  /** Wait this long before the next activation (the poll schedule, or a backoff). */
  readonly delayMs: number;
  /** True once the job is `downloaded`: no further step. */
  readonly done: boolean;
}

/**
 * What a step needs besides the record: the job itself, and where records and results go.
 *
 * ## Example
 * ```ts
 * const context: JobStepContext = { job, persist: (r) => checkpoint.write(r), saveResult: (res) => writeResult(res, dir).then(() => ({ resultDir: dir })) };
 * ```
 */
export interface JobStepContext {
  /** The data, model name, config and poll schedule. */
  readonly job: TrainingJob;
  /**
   * Makes a record durable (a checkpoint line with fsync; a fleet job's `updateData`). Called
   * at every stage change, before the request the stage announces; the step waits for it. A
   * failure fails the step. Polls that change nothing are not persisted: the returned record
   * carries them to the caller's next write.
   */
  readonly persist: (record: JobRecord) => ObservableInput<unknown>;
  /**
   * Called right before Create Model for an upload (a fleet takes a Redis `SET NX` claim on
   * the id here): only when it answers `granted` is the request sent; otherwise the job waits
   * `retryAfterMs` (default: the first poll interval) and then follows the training by id like
   * a resumed `creating` job. Default: always granted (one process).
   */
  readonly claim?: (externalProcessId: string) => ObservableInput<{ readonly granted: boolean; readonly retryAfterMs?: number }>;
  /** Stores a downloaded result before the job is recorded `downloaded`; may name where it went. */
  readonly saveResult?: (result: TrainingResult, record: JobRecord) => ObservableInput<Pick<JobRecord, 'resultDir' | 'score'> | void>;
}

/**
 * What {@link jobStep$} emits: the job's progress events, then one {@link JobStepped}.
 *
 * ## Example
 * ```ts
 * jobStep$(client, record, context).subscribe((out: JobStepOutput) => (isJobStepped(out) ? save(out.record) : show(out)));
 * ```
 */
export type JobStepOutput = TrainingEvent | JobStepped;

/**
 * Delay before status check number `polls + 1` on `options`' schedule: `firstDelayMs` before
 * the first, then `minDelayMs` × `multiplier`^(n-1) up to `maxDelayMs`, with full jitter when
 * asked (the shared rule {@link pollWaitMs}, computed from the count kept in the record).
 *
 * @internal
 */
export const stepPollDelayMs: (polls: number, options: ResolvedPollOptions) => number = pollWaitMs;

/**
 * Advances a job by ONE step from its record and emits its progress events, then one
 * {@link JobStepped} with the new record:
 *
 * | stage | one activation |
 * |---|---|
 * | `new` | Get Upload URL, persist `uploading` (write-ahead), PUT the files, persist `uploaded` |
 * | `uploading` | Train Data Set Info: known → persist `uploaded`; unknown → upload again as `new` |
 * | `uploaded` | persist `creating`, Create Model; accepted → persist `training`; ambiguous → stays `creating`, step again after Retry-After or a jittered backoff (none when the service answered: `createRecoveryWaitMs`) |
 * | `creating` | one status check: known → persist `training`; unknown → Create Model again (within `retry.maxAttempts` sends), else {@link TrainingStartUnknownError} |
 * | `training` | one status check; `finished` → download, `saveResult`, persist `downloaded` (in the same activation: the pre-signed result URL is never stored) |
 * | `downloaded` | nothing |
 *
 * A failure ends the step with its error and leaves the last durable record as it was, so a
 * later activation retries from the recorded stage; nothing is uploaded or trained twice.
 *
 * **Errors**: those of {@link index!upload$}, {@link train$}, {@link datasetInfo$},
 * {@link downloadResult$}; {@link index!TrainingFailedError}; {@link index!PollTimeoutError} past
 * `poll.maxWaitMs` since `trainingSinceMs`; {@link TrainingStartUnknownError} when Create
 * Model's budget is spent; whatever `persist` or `saveResult` fail with.
 *
 * **Cancellation**: unsubscribing aborts the request in flight; a `persist` already started
 * is not undone (the record it writes is true: it announces a request, or follows an answer).
 *
 * ## Example
 * ```ts
 * let record = newJobRecord('a');
 * for (;;) {
 *   const out = await lastValueFrom(jobStep$(client, record, { job, persist: (r) => store.save(r) }).pipe(filter(isJobStepped)));
 *   if (out.done) break;
 *   record = out.record;
 *   await sleep(out.delayMs);
 * }
 * ```
 *
 * @param client - The client.
 * @param record - Where the job stands.
 * @param context - The job, and where records and results go.
 * @returns The step's events, ending with one `stepped`.
 */
export function jobStep$(client: PredictionOneClient, record: JobRecord, context: JobStepContext): Observable<JobStepOutput> {
  return defer(() => new JobStepper(client, context).step(record));
}

/**
 * {@link jobStep$} for one job, its rules resolved once: `step(record)` is
 * `jobStep$(client, record, context)` (same events, errors and cancellation), for a driver that
 * steps the same job many times (a held fleet job polls every few seconds; the job's own poll
 * options are merged with the client's once, not at each step).
 *
 * ## Example
 * ```ts
 * const step = jobStepper(client, { job, persist: (r) => store.save(r) });
 * const out = await lastValueFrom(step(record).pipe(filter(isJobStepped)));
 * ```
 *
 * @param client - The client.
 * @param context - The job, and where records and results go.
 * @returns A function that steps the job once from a record.
 */
export function jobStepper(client: PredictionOneClient, context: JobStepContext): (record: JobRecord) => Observable<JobStepOutput> {
  const stepper = new JobStepper(client, context);
  return (record) => stepper.step(record);
}

/**
 * Loops {@link jobStep$} in-process until the job is downloaded, waiting each step's
 * `delayMs` on the client's scheduler, and emits the job's progress events: what
 * `p1rx batch` runs per job.
 *
 * **Errors**: the first failing step's error (the last durable record stays as it was).
 *
 * **Cancellation**: unsubscribing stops the current step and the wait.
 *
 * ## Example
 * ```ts
 * runJobSteps$(client, checkpoint.records.get('a') ?? newJobRecord('a'), { job, persist: (r) => checkpoint.write(r) })
 *   .subscribe((e) => console.log(e.type));
 * ```
 *
 * @param client - The client.
 * @param record - Where the job stands.
 * @param context - The job, and where records and results go.
 * @returns The job's events.
 */
export function runJobSteps$(client: PredictionOneClient, record: JobRecord, context: JobStepContext): Observable<TrainingEvent> {
  const stepper = new JobStepper(client, context);
  return defer(() => stepper.step(record)).pipe(
    expand((out) => (isJobStepped(out) && !out.done ? timer(out.delayMs, client.scheduler).pipe(concatMap(() => stepper.step(out.record))) : EMPTY)),
    filter((out): out is TrainingEvent => !isJobStepped(out)),
  );
}

/**
 * Whether a step output is the final {@link JobStepped}.
 *
 * ## Example
 * ```ts
 * jobStep$(client, record, context).pipe(filter(isJobStepped));
 * ```
 *
 * @param out - A value of {@link jobStep$}.
 * @returns True for `stepped`.
 */
export function isJobStepped(out: JobStepOutput): out is JobStepped {
  return out.type === 'stepped';
}

/**
 * The IO of one job: performs the request the engine asks for, feeds the answer back, and
 * persists a record when the engine says so (before the request it announces). The durable
 * drivers loop {@link JobStepper.step}; `trainModel$`'s in-memory driver uses it up to the
 * poll phase (with `check`, its local checks of the data before the upload).
 *
 * @internal
 */
export class JobStepper {
  readonly rules: EngineRules;

  constructor(
    private readonly client: PredictionOneClient,
    private readonly context: JobStepContext,
    private readonly check?: UploadCheck,
  ) {
    this.rules = { poll: resolvePollOptions(client.poll, context.job.poll), retry: client.settings.retry };
  }

  step(record: JobRecord): Observable<JobStepOutput> {
    return defer(() => {
      const current = readJobRecord(record);
      return this.perform(current, nextAction(current, this.rules, this.client.scheduler.now()));
    });
  }

  /** Persists `record` (the step waits), then emits nothing. */
  private save(record: JobRecord): Observable<never> {
    return defer(() => from(this.context.persist(record))).pipe(ignoreElements());
  }

  /** Feeds `answer` to the engine; persists, emits `before` and the engine's events, then goes on or ends the activation. */
  private answer(record: JobRecord, answer: EngineAnswer, before: readonly TrainingEvent[] = []): Observable<JobStepOutput> {
    return defer(() => this.settle(advance(record, answer, this.rules, this.client.scheduler.now()), before));
  }

  private settle(out: EngineOutcome, before: readonly TrainingEvent[]): Observable<JobStepOutput> {
    if (out.error) return throwError(() => out.error);
    const next = out.then ? this.perform(out.record, out.then) : of(stepped(out.record, out.delayMs, out.done));
    return concat(out.persist ? this.save(out.record) : EMPTY, from([...before, ...out.events]), next);
  }

  private perform(record: JobRecord, action: EngineAction): Observable<JobStepOutput> {
    switch (action.kind) {
      case 'done':
        return of(stepped(record, 0, true));
      case 'fail':
        return throwError(() => action.error);
      case 'upload':
        return this.upload(record);
      case 'checkUpload':
        return of({ externalProcessId: action.id }).pipe(
          datasetInfo$(this.client),
          map((): EngineAnswer => ({ type: 'uploadKnown' })),
          catchError((err: unknown) => (isUnknownTraining(err) ? of<EngineAnswer>({ type: 'uploadUnknown' }) : throwError(() => err))),
          concatMap((answer) => this.answer(record, answer)),
        );
      case 'create':
        return this.create(record, action.announce);
      case 'followCreate':
        return this.status$(action.id).pipe(
          map((status): EngineAnswer => ({ type: 'status', status })),
          catchError((err: unknown) => (isUnknownTraining(err) ? of<EngineAnswer>({ type: 'unknownId', error: err }) : throwError(() => err))),
          concatMap((answer) => this.answer(record, answer)),
        );
      case 'poll':
        return this.status$(action.id).pipe(concatMap((status) => this.answer(record, { type: 'status', status })));
      case 'download':
        return this.download(record, action.status);
    }
  }

  private upload(record: JobRecord): Observable<JobStepOutput> {
    let current = record;
    const beforeSend = (id: string) => {
      // Write-ahead: the id is on disk before the first byte goes, so a crash after the service
      // stored the files leaves something to ask about instead of nothing.
      current = advance(current, { type: 'uploadOpened', externalProcessId: id }, this.rules, this.client.scheduler.now()).record;
      return this.save(current);
    };
    return of(this.context.job.data).pipe(
      uploadChecked$(this.client, this.check, undefined, { beforeSend }),
      concatMap((e): Observable<JobStepOutput> =>
        e.type === 'uploaded' ? this.answer(current, { type: 'uploaded', externalProcessId: e.externalProcessId }, [e]) : of(e),
      ),
    );
  }

  /** Claims the id when the context asks for it, then persists `announce` (write-ahead) and sends Create Model. */
  private create(record: JobRecord, announce: JobRecord): Observable<JobStepOutput> {
    const claim = this.context.claim;
    if (!claim) return this.send(announce);
    return from(claim(announce.externalProcessId ?? '')).pipe(
      take(1),
      concatMap((answer) => (answer.granted ? this.send(announce) : this.answer(record, { type: 'claimRefused', retryAfterMs: answer.retryAfterMs }))),
    );
  }

  private send(creating: JobRecord): Observable<JobStepOutput> {
    const { name, config } = this.context.job;
    return concat(
      // Write-ahead: a crash while Create Model is in flight leaves `creating`, and the resume
      // asks the service before sending it again.
      this.save(creating),
      of({ externalProcessId: creating.externalProcessId ?? '' }).pipe(
        train$(this.client, { name, config }),
        filter((e) => e.type === 'queued'),
        map((e) => ({ answer: { type: 'createAccepted' } as EngineAnswer, before: [e] })),
        catchError((err: unknown) =>
          err instanceof TrainingStartUnknownError
            ? of({ answer: { type: 'createAmbiguous', error: err } as EngineAnswer, before: [] })
            : throwError(() => err),
        ),
        concatMap(({ answer, before }) => this.answer(creating, answer, before)),
      ),
    );
  }

  /** Downloads the result of a terminal `status`, stores it (`saveResult`), persists `downloaded`. */
  download(record: JobRecord, status: StatusEvent): Observable<JobStepOutput> {
    return of(status).pipe(
      downloadResult$(this.client),
      // downloadResult$ passes the status through: it was emitted already.
      filter((e) => e.type !== 'status'),
      concatMap((e): Observable<JobStepOutput> => {
        if (e.type !== 'completed') return of(e);
        const save = this.context.saveResult;
        return (save ? from(save(e.result, record)) : of(undefined)).pipe(
          concatMap((where) => this.answer(record, { type: 'downloaded', where: where ?? undefined }, [e])),
        );
      }),
    );
  }

  /** One Train Status Check, as a status event (`resultUrl` only when terminal). */
  private status$(id: string): Observable<StatusEvent> {
    return trainingStatus$(this.client, id).pipe(map((s) => toStatusEvent(s, id, this.rules.poll.terminalStatuses)));
  }
}

/** The end of a step: `record`, to be stepped again after `delayMs` unless `done`. @internal */
export function stepped(record: JobRecord, delayMs: number, done = false): JobStepped {
  return { type: 'stepped', record, delayMs, done };
}
