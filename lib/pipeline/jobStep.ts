/**
 * A training job as a plain, serialisable record advanced by ONE step function: the shared
 * engine of `p1rx batch` (which loops it in-process, with a checkpoint file as its store) and
 * of the BullMQ fleet (where the record is the job's data and each activation is one step).
 *
 * @packageDocumentation
 */
import type { TrainingStatusValue } from '../core/events';
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
import { TrainingStatus } from '../codecs/trainingStatus';
import { pollDelayMs, resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import { ApiError, AuthError, PollTimeoutError, TrainingFailedError, TrainingStartUnknownError } from '../core/errors';
import type { StatusEvent, TrainingEvent } from '../core/events';
import { datasetInfo$ } from '../operators/datasetInfo';
import { downloadResult$ } from '../operators/downloadResult';
import { toStatusEvent } from '../operators/pollStatus';
import { train$ } from '../operators/train';
import { upload$ } from '../operators/upload';
import type { TrainingResult } from '../results/trainingResult';
import { callApi$ } from '../transport/api';
import { backoffDelayMs } from '../transport/retryPolicy';
import type { PredictionOneClient } from '../transport/client';
import type { TrainingJob } from './trainModel';

/**
 * Where a job stands. Each stage is written (made durable) BEFORE the request it announces:
 *
 * - `new`: nothing sent yet.
 * - `uploading`: an upload session was opened (`externalProcessId` set) and its first PUT is
 *   about to go. Resume: ask Train Data Set Info; upload again only if the service does not
 *   know the upload (the training data goes last, so "known" means every file arrived).
 * - `uploaded`: every file is stored.
 * - `creating`: Create Model is about to be sent (`createAttempts` counts the sends). Resume:
 *   follow the training by id; send Create Model again only if a status check proves the
 *   service does not know it, within the retry budget.
 * - `training`: Create Model was accepted; `polls` status checks answered so far.
 * - `downloaded`: the result is stored (`resultDir`).
 *
 * ## Example
 * ```ts
 * const stage: JobStage = 'training';
 * ```
 */
export type JobStage = 'new' | 'uploading' | 'uploaded' | 'creating' | 'training' | 'downloaded';

/**
 * A job's progress as plain JSON: what a checkpoint line holds and what a fleet job's data
 * holds. No secret and no pre-signed URL is ever part of it (a result URL is fetched fresh
 * when needed).
 *
 * ## Example
 * ```ts
 * const record: JobRecord = { key: 'shop-12', stage: 'training', externalProcessId: '5f0c…', polls: 3, trainingSinceMs: 1764380000000 };
 * ```
 */
export interface JobRecord {
  /** The job's key (unique in its batch). */
  readonly key: string;
  readonly stage: JobStage;
  /** The upload session's id: set from `uploading` on. */
  readonly externalProcessId?: string;
  /** Status checks answered while `training` (drives the poll schedule after a restart). */
  readonly polls: number;
  /** The last status seen: `finished` (done), `failed` or `error` (failed), or another string, kept as sent (see {@link index!KnownTrainingStatus}). */
  readonly lastStatus?: TrainingStatusValue;
  /** When the training was first seen accepted (ms since the epoch, client scheduler clock): `poll.maxWaitMs` counts from it. */
  readonly trainingSinceMs?: number;
  /** Upload sessions opened. */
  readonly uploadSessions?: number;
  /** Create Model requests sent (at most `retry.maxAttempts`). */
  readonly createAttempts?: number;
  /** Where the result was stored (`downloaded`), as the `saveResult` hook said. */
  readonly resultDir?: string;
  /** The headline metric of the result (`downloaded`), for summaries. */
  readonly score?: { readonly name: string; readonly value: number | string };
  /**
   * What defines the job (its data's content hash, config, name, column types) as the driver
   * that created the record computed it (the Node driver: `jobFingerprint` of
   * `prediction-one-rx/node`). Opaque here; a driver resuming a record compares it with the
   * job's own, and trains a job that changed as a new job.
   */
  readonly fingerprint?: string;
  /**
   * When each stage began and ended, in ms since the epoch, as the driver saw them (for
   * reports; the step never reads them): upload start and end, Create Model accepted
   * (`queued`), the first status past the service's queue (`trainingStart`), the finished
   * status seen (`trainingEnd`) and the service's own `updated_datetime` of it
   * (`finishedAtService`: the poll schedule's lag is `trainingEnd` minus it), download start
   * and end. Set by the driver that persists the record; see docs/BATCH.md.
   */
  readonly times?: {
    readonly uploadStart?: number;
    readonly uploadEnd?: number;
    readonly queued?: number;
    readonly trainingStart?: number;
    readonly trainingEnd?: number;
    readonly finishedAtService?: number;
    readonly downloadStart?: number;
    readonly downloadEnd?: number;
  };
  /**
   * Why the job's last run failed, as the driver recorded it (the stage stays the last one
   * reached): the typed error's name, its message (redacted: no key, no URL) and the recovery
   * hint the CLI prints. Cleared when the job runs again.
   */
  readonly failure?: { readonly name: string; readonly message: string; readonly hint?: string };
}

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
 * asked (the schedule of {@link index!pollStatus$}, computed from the count kept in the record).
 *
 * @internal
 */
export function stepPollDelayMs(polls: number, options: ResolvedPollOptions): number {
  return polls <= 0 ? options.firstDelayMs : pollDelayMs(polls - 1, options);
}

/**
 * A fresh record for a job that has not started.
 *
 * ## Example
 * ```ts
 * const record = checkpoint.records.get(key) ?? newJobRecord(key);
 * ```
 *
 * @param key - The job's key.
 * @returns A `new` record with no polls.
 */
export function newJobRecord(key: string): JobRecord {
  return { key, stage: 'new', polls: 0 };
}

/** True when a Train Status Check / Data Set Info error says "no such id" (400/404, not a key error). */
function isUnknownId(err: unknown): boolean {
  return err instanceof ApiError && !(err instanceof AuthError) && (err.httpStatus === 400 || err.httpStatus === 404);
}

/**
 * Advances a job by ONE step from its record and emits its progress events, then one
 * {@link JobStepped} with the new record:
 *
 * | stage | one activation |
 * |---|---|
 * | `new` | Get Upload URL, persist `uploading` (write-ahead), PUT the files, persist `uploaded` |
 * | `uploading` | Train Data Set Info: known → persist `uploaded`; unknown → upload again as `new` |
 * | `uploaded` | persist `creating`, Create Model; accepted → persist `training`; ambiguous → stays `creating`, step again after a backoff |
 * | `creating` | one status check: known → persist `training`; unknown → Create Model again (within `retry.maxAttempts` sends), else {@link TrainingStartUnknownError} |
 * | `training` | one status check; `finished` → download, `saveResult`, persist `downloaded` (in the same activation: the pre-signed result URL is never stored) |
 * | `downloaded` | nothing |
 *
 * A failure ends the step with its error and leaves the last durable record as it was, so a
 * later activation retries from the recorded stage; nothing is uploaded or trained twice.
 *
 * **Errors**: those of {@link upload$}, {@link train$}, {@link datasetInfo$},
 * {@link downloadResult$}; {@link TrainingFailedError}; {@link PollTimeoutError} past
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

/** The step logic, with the resolved options of one job. */
class JobStepper {
  private readonly poll: ResolvedPollOptions;
  private readonly maxAttempts: number;

  constructor(
    private readonly client: PredictionOneClient,
    private readonly context: JobStepContext,
  ) {
    this.poll = resolvePollOptions(client.poll, context.job.poll);
    this.maxAttempts = client.settings.retry.maxAttempts;
  }

  step(record: JobRecord): Observable<JobStepOutput> {
    switch (record.stage) {
      case 'new':
        return this.upload(record);
      case 'uploading':
        return this.checkUpload(record);
      case 'uploaded':
        return this.create(record);
      case 'creating':
        return this.followCreate(record);
      case 'training':
        return this.pollOnce(record);
      case 'downloaded':
        return of(stepped(record, 0, true));
    }
  }

  /** Persists `record` (the step waits), then emits nothing. */
  private save(record: JobRecord): Observable<never> {
    return defer(() => from(this.context.persist(record))).pipe(ignoreElements());
  }

  private upload(record: JobRecord): Observable<JobStepOutput> {
    let current = record;
    const beforeSend = (id: string) => {
      // Write-ahead: the id is on disk before the first byte goes, so a crash after the service
      // stored the files leaves something to ask about instead of nothing.
      current = { ...current, stage: 'uploading', externalProcessId: id, uploadSessions: (current.uploadSessions ?? 0) + 1 };
      return this.save(current);
    };
    return of(this.context.job.data).pipe(
      upload$(this.client, { beforeSend }),
      concatMap((e): Observable<JobStepOutput> => {
        if (e.type !== 'uploaded') return of(e);
        const done: JobRecord = { ...current, stage: 'uploaded', externalProcessId: e.externalProcessId };
        return concat(this.save(done), of(e, stepped(done, 0)));
      }),
    );
  }

  private checkUpload(record: JobRecord): Observable<JobStepOutput> {
    const id = record.externalProcessId!;
    return of({ externalProcessId: id }).pipe(
      datasetInfo$(this.client),
      concatMap(() => {
        const done: JobRecord = { ...record, stage: 'uploaded' };
        return concat(this.save(done), of(stepped(done, 0)));
      }),
      catchError((err: unknown) => (isUnknownId(err) ? this.upload({ ...record, stage: 'new' }) : throwError(() => err))),
    );
  }

  private create(record: JobRecord): Observable<JobStepOutput> {
    const claim = this.context.claim;
    if (!claim) return this.send(record);
    const id = record.externalProcessId!;
    return from(claim(id)).pipe(
      take(1),
      concatMap((answer) => {
        if (answer.granted) return this.send(record);
        // Someone else may be sending it: follow by id later, as a resumed `creating` job does.
        const waiting: JobRecord = { ...record, stage: 'creating', createAttempts: record.createAttempts ?? 1 };
        return concat(record.stage === 'creating' ? EMPTY : this.save(waiting), of(stepped(waiting, answer.retryAfterMs ?? stepPollDelayMs(1, this.poll))));
      }),
    );
  }

  /** Persists `creating` (write-ahead), sends Create Model, persists `training` on its answer. */
  private send(record: JobRecord): Observable<JobStepOutput> {
    const id = record.externalProcessId!;
    const attempts = (record.createAttempts ?? 0) + 1;
    const creating: JobRecord = { ...record, stage: 'creating', createAttempts: attempts };
    const { name, config } = this.context.job;
    return concat(
      // Write-ahead: a crash while Create Model is in flight leaves `creating`, and the resume
      // asks the service before sending it again.
      this.save(creating),
      of({ externalProcessId: id }).pipe(
        train$(this.client, { name, config }),
        concatMap((e): Observable<JobStepOutput> => {
          if (e.type !== 'queued') return of(e);
          const training: JobRecord = { ...creating, stage: 'training', polls: 0, trainingSinceMs: this.client.scheduler.now() };
          return concat(this.save(training), of(e, stepped(training, stepPollDelayMs(0, this.poll))));
        }),
        catchError((err: unknown) => {
          if (!(err instanceof TrainingStartUnknownError)) return throwError(() => err);
          // The request may or may not have reached the service: find out by id after a backoff
          // (a request still in flight there has time to land), never by sending it again blindly.
          return of(stepped(creating, backoffDelayMs(attempts, err.cause, this.client.settings.retry)));
        }),
      ),
    );
  }

  private followCreate(record: JobRecord): Observable<JobStepOutput> {
    const id = record.externalProcessId!;
    return this.status$(id).pipe(
      concatMap((s): Observable<JobStepOutput> => {
        const training: JobRecord = {
          ...record,
          stage: 'training',
          polls: 0,
          lastStatus: s.status,
          trainingSinceMs: record.trainingSinceMs ?? this.client.scheduler.now(),
        };
        return concat(this.save(training), of(stepped(training, 0)));
      }),
      catchError((err: unknown) => {
        if (!isUnknownId(err)) return throwError(() => err);
        // Proven unknown: Create Model never took effect. Send it again, within the budget.
        if ((record.createAttempts ?? 1) >= this.maxAttempts) return throwError(() => new TrainingStartUnknownError(id, err));
        return this.create(record);
      }),
    );
  }

  private pollOnce(record: JobRecord): Observable<JobStepOutput> {
    const id = record.externalProcessId!;
    return defer(() => {
      const maxWaitMs = this.poll.maxWaitMs;
      const since = record.trainingSinceMs ?? this.client.scheduler.now();
      if (this.client.scheduler.now() - since > maxWaitMs) {
        throw new PollTimeoutError(id, maxWaitMs, record.lastStatus === undefined ? undefined : { status: record.lastStatus });
      }
      return this.status$(id);
    }).pipe(
      concatMap((s): Observable<JobStepOutput> => {
        const polled: JobRecord = { ...record, polls: record.polls + 1, lastStatus: s.status };
        const failure = this.poll.failureStatuses;
        if (failure.includes(s.status)) return throwError(() => new TrainingFailedError(id, s.status));
        const changed = s.status !== record.lastStatus || record.polls === 0;
        const event = changed ? of(s) : EMPTY;
        if (!s.terminal) return concat(event, of(stepped(polled, stepPollDelayMs(polled.polls, this.poll))));
        return concat(event, this.download(polled, s));
      }),
    );
  }

  private download(record: JobRecord, status: StatusEvent): Observable<JobStepOutput> {
    return of(status).pipe(
      downloadResult$(this.client),
      // downloadResult$ passes the status through: it was emitted already.
      filter((e) => e.type !== 'status'),
      concatMap((e): Observable<JobStepOutput> => {
        if (e.type !== 'completed') return of(e);
        const save = this.context.saveResult;
        return (save ? from(save(e.result, record)) : of(undefined)).pipe(
          concatMap((where) => {
            const done: JobRecord = { ...record, stage: 'downloaded', ...(where ?? {}) };
            return concat(this.save(done), of<JobStepOutput[]>(e, stepped(done, 0, true)));
          }),
        );
      }),
    );
  }

  /** One Train Status Check, as a status event (`resultUrl` only when terminal). */
  private status$(id: string): Observable<StatusEvent> {
    const terminalStatuses = this.poll.terminalStatuses;
    return callApi$(
      this.client,
      { operation: 'trainingStatus', trainingId: id, method: 'GET', path: '/v1/external/models/results', query: { external_process_id: id } },
      TrainingStatus,
    ).pipe(map((s) => toStatusEvent(s, id, terminalStatuses)));
  }
}

function stepped(record: JobRecord, delayMs: number, done = false): JobStepped {
  return { type: 'stepped', record, delayMs, done };
}
