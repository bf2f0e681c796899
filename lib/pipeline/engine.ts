/** The one engine of a training's life: pure steps from a job record (and the answer to its request) to the next record, events, wait and error, which every driver performs. */
import { PollTimeoutError, PredictionOneError, TrainingFailedError, TrainingStartUnknownError } from '../core/errors';
import type { StatusEvent, TrainingStatusValue } from '../core/events';
import type { ResolvedPollOptions } from '../core/pollOptions';
import type { ResolvedRetryOptions } from '../core/settings';
import { createRecoveryWaitMs, deadlinePassed, isStatusChange, mayResendCreate, pollWaitMs, statusClassOf } from '../core/trainingRules';
import { redactText } from '../core/redact';

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
 * The version of {@link JobRecord} this library writes. A record without `v` is version 1.
 *
 * ## Example
 * ```ts
 * const record: JobRecord = { v: JOB_RECORD_VERSION, key: 'a', stage: 'new', polls: 0 };
 * ```
 */
export const JOB_RECORD_VERSION = 1;

/**
 * A job's progress as plain JSON: what a checkpoint line holds, what a fleet job's data holds
 * and what `trainModel$`'s `onRecord` hands to the caller. No secret and no pre-signed URL is
 * ever part of it (a result URL is fetched fresh when needed).
 *
 * ## Example
 * ```ts
 * const record: JobRecord = { v: 1, key: 'shop-12', stage: 'training', externalProcessId: '5f0c…', polls: 3, trainingSinceMs: 1764380000000 };
 * ```
 */
export interface JobRecord {
  /** The record's format version ({@link JOB_RECORD_VERSION}); absent in records written before it existed, which are version 1. */
  readonly v?: 1;
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
 * A record written by a newer version of the library (its `v` is not one this version knows):
 * refused rather than guessed at, so no request is sent on a misread record.
 *
 * ## Example
 * ```ts
 * if (err instanceof JobRecordVersionError) console.error(`${err.key}: record version ${String(err.version)}; upgrade prediction-one-rx`);
 * ```
 */
export class JobRecordVersionError extends PredictionOneError {
  override readonly name = 'JobRecordVersionError';
  /** The record's key (cut to 80 characters, redacted: it was read from storage). */
  readonly key: string;
  /** The version found when it is a number; otherwise its type (what was read is untrusted and is not kept). */
  readonly version: number | string;

  constructor(key: string, version: unknown) {
    const shown = typeof version === 'number' && Number.isFinite(version) ? version : `(a ${version === null ? 'null' : typeof version})`;
    const safeKey = redactText(String(key).slice(0, 80));
    super(`Job record '${safeKey}' has version ${shown}; this library reads version ${JOB_RECORD_VERSION}. Upgrade prediction-one-rx to resume it.`);
    this.key = safeKey;
    this.version = shown;
  }
}

/**
 * A record as this version reads it: `v` filled in (a record without one is version 1).
 *
 * **Errors**: throws {@link JobRecordVersionError} for any other version.
 *
 * ## Example
 * ```ts
 * const record = readJobRecord(JSON.parse(line) as JobRecord);
 * ```
 *
 * @param record - A record from a store.
 * @returns The record, with `v: 1`.
 */
export function readJobRecord(record: JobRecord): JobRecord {
  const v = (record as { v?: unknown }).v;
  if (v === JOB_RECORD_VERSION) return record;
  if (v === undefined) return { v: JOB_RECORD_VERSION, ...record };
  throw new JobRecordVersionError(record.key, v);
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
  return { v: JOB_RECORD_VERSION, key, stage: 'new', polls: 0 };
}

/**
 * The rules one job runs under: its resolved poll options and the client's retry options.
 *
 * @internal
 */
export interface EngineRules {
  readonly poll: ResolvedPollOptions;
  readonly retry: Pick<ResolvedRetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'random'>;
}

/**
 * What to do next for a job:
 *
 * - `upload`: open an upload session (answer `uploadOpened`, then make the record durable
 *   before the first PUT), send the files (answer `uploaded`);
 * - `checkUpload`: Train Data Set Info (answer `uploadKnown` or `uploadUnknown`);
 * - `create`: make `announce` durable, then Create Model (answer `createAccepted` or
 *   `createAmbiguous`; `claimRefused` when a claim on the id is held elsewhere);
 * - `followCreate`, `poll`: one Train Status Check (answer `status`; `unknownId` while following);
 * - `download`: download the result of `status` and store it (answer `downloaded`);
 * - `fail`: end with `error`; `done`: nothing left.
 *
 * @internal
 */
export type EngineAction =
  | { readonly kind: 'upload' }
  | { readonly kind: 'checkUpload'; readonly id: string }
  | { readonly kind: 'create'; readonly id: string; readonly announce: JobRecord }
  | { readonly kind: 'followCreate'; readonly id: string }
  | { readonly kind: 'poll'; readonly id: string }
  | { readonly kind: 'download'; readonly id: string; readonly status: StatusEvent }
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'done' };

/**
 * The answer to an {@link EngineAction}'s request, as a driver saw it.
 *
 * @internal
 */
export type EngineAnswer =
  | { readonly type: 'uploadOpened'; readonly externalProcessId: string }
  | { readonly type: 'uploaded'; readonly externalProcessId: string }
  | { readonly type: 'uploadKnown' }
  | { readonly type: 'uploadUnknown' }
  | { readonly type: 'claimRefused'; readonly retryAfterMs?: number }
  | { readonly type: 'createAccepted' }
  | { readonly type: 'createAmbiguous'; readonly error: TrainingStartUnknownError }
  | { readonly type: 'status'; readonly status: StatusEvent }
  | { readonly type: 'unknownId'; readonly error: unknown }
  | { readonly type: 'downloaded'; readonly where?: Pick<JobRecord, 'resultDir' | 'score'> };

/**
 * What an answer leads to: the next record (to make durable first when `persist`), the
 * status events to emit, then either the next action now (`then`) or a wait of `delayMs`
 * before the next activation; `done` once downloaded; `error` ends the job (nothing is persisted).
 *
 * @internal
 */
export interface EngineOutcome {
  readonly record: JobRecord;
  readonly persist: boolean;
  readonly events: readonly StatusEvent[];
  readonly then?: EngineAction;
  readonly delayMs: number;
  readonly done: boolean;
  readonly error?: Error;
}

/**
 * The action a record asks for at `nowMs` (the start of an activation): by its stage, and for
 * a `training` record past `poll.maxWaitMs` since `trainingSinceMs`, `fail` with
 * {@link PollTimeoutError}.
 *
 * ## Example
 * ```ts
 * nextAction({ key: 'a', stage: 'creating', externalProcessId: 'x', polls: 0 }, rules, 0); // { kind: 'followCreate', id: 'x' }
 * ```
 *
 * @internal
 */
export function nextAction(record: JobRecord, rules: EngineRules, nowMs: number): EngineAction {
  const id = record.externalProcessId ?? '';
  switch (record.stage) {
    case 'new':
      return { kind: 'upload' };
    case 'uploading':
      return { kind: 'checkUpload', id };
    case 'uploaded':
      return createAction(record);
    case 'creating':
      return { kind: 'followCreate', id };
    case 'training': {
      const { maxWaitMs } = rules.poll;
      if (record.trainingSinceMs !== undefined && deadlinePassed(record.trainingSinceMs, nowMs, maxWaitMs)) {
        return { kind: 'fail', error: new PollTimeoutError(id, maxWaitMs, record.lastStatus === undefined ? undefined : { status: record.lastStatus }) };
      }
      return { kind: 'poll', id };
    }
    case 'downloaded':
      return { kind: 'done' };
  }
}

/** Create Model, announced by a `creating` record that counts the send. */
function createAction(record: JobRecord): EngineAction {
  const announce: JobRecord = { ...record, stage: 'creating', createAttempts: (record.createAttempts ?? 0) + 1 };
  return { kind: 'create', id: record.externalProcessId ?? '', announce };
}

function outcome(record: JobRecord, fields: Partial<Omit<EngineOutcome, 'record'>> = {}): EngineOutcome {
  return { record, persist: false, events: [], delayMs: 0, done: false, ...fields };
}

/**
 * The next record, events, wait and error after `answer` to the request `record` announced,
 * at `nowMs`. Pure: the same inputs give the same outcome (randomness only through the rules'
 * `random`).
 *
 * | record, answer | outcome |
 * |---|---|
 * | `uploadOpened` | `uploading` with the id (persist, then the PUTs) |
 * | `uploaded`, `uploadKnown` | `uploaded` (persist) |
 * | `uploadUnknown` | `new`, then `upload` now |
 * | `claimRefused` | `creating`, wait `retryAfterMs` (default: the second poll's wait) |
 * | `createAccepted` | `training` since `nowMs` (persist), wait the first poll's wait |
 * | `createAmbiguous` | stays `creating`, wait {@link createRecoveryWaitMs} (Retry-After or jitter; none when the service answered) |
 * | `creating` + `status` | `training` (persist), poll now |
 * | `creating` + `unknownId` | Create Model again now within {@link mayResendCreate}, else {@link TrainingStartUnknownError} |
 * | `training` + `status` | failure → {@link TrainingFailedError}; finished → `download` now; else wait the schedule (at most until the deadline) |
 * | `downloaded` | `downloaded` (persist), done |
 *
 * ## Example
 * ```ts
 * const out = advance(record, { type: 'createAccepted' }, rules, scheduler.now()); // out.record.stage === 'training'
 * ```
 *
 * @internal
 */
export function advance(record: JobRecord, answer: EngineAnswer, rules: EngineRules, nowMs: number): EngineOutcome {
  const id = record.externalProcessId ?? '';
  switch (answer.type) {
    case 'uploadOpened':
      return outcome(
        { ...record, stage: 'uploading', externalProcessId: answer.externalProcessId, uploadSessions: (record.uploadSessions ?? 0) + 1 },
        { persist: true },
      );
    case 'uploaded':
      return outcome({ ...record, stage: 'uploaded', externalProcessId: answer.externalProcessId }, { persist: true });
    case 'uploadKnown':
      return outcome({ ...record, stage: 'uploaded' }, { persist: true });
    case 'uploadUnknown':
      return outcome({ ...record, stage: 'new' }, { then: { kind: 'upload' } });
    case 'claimRefused': {
      // Someone else may be sending it: follow by id later, as a resumed `creating` job does.
      const waiting: JobRecord = { ...record, stage: 'creating', createAttempts: record.createAttempts ?? 1 };
      return outcome(waiting, { persist: record.stage !== 'creating', delayMs: answer.retryAfterMs ?? pollWaitMs(1, rules.poll) });
    }
    case 'createAccepted':
      return outcome({ ...record, stage: 'training', polls: 0, trainingSinceMs: nowMs }, { persist: true, delayMs: pollWaitMs(0, rules.poll) });
    case 'createAmbiguous':
      // The request may or may not have reached the service: find out by id after the wait (a
      // request still in flight there has time to land), never by sending it again blindly.
      return outcome(record, { delayMs: createRecoveryWaitMs(record.createAttempts ?? 1, answer.error, rules.retry) });
    case 'unknownId':
      if (record.stage !== 'creating') return outcome(record, { error: asError(answer.error) });
      // Proven unknown: Create Model never took effect. Send it again, within the budget.
      if (!mayResendCreate(record.createAttempts ?? 1, rules.retry)) return outcome(record, { error: new TrainingStartUnknownError(id, answer.error) });
      return outcome(record, { then: createAction(record) });
    case 'status':
      return record.stage === 'training' ? polled(record, answer.status, rules, nowMs) : followed(record, answer.status, nowMs);
    case 'downloaded':
      return outcome({ ...record, stage: 'downloaded', ...(answer.where ?? {}) }, { persist: true, done: true });
  }
}

/** A `creating` job the service knows: it is training (since it was first seen accepted). */
function followed(record: JobRecord, status: StatusEvent, nowMs: number): EngineOutcome {
  const training: JobRecord = { ...record, stage: 'training', polls: 0, lastStatus: status.status, trainingSinceMs: record.trainingSinceMs ?? nowMs };
  return outcome(training, { persist: true });
}

/** One status check of a `training` job answered. */
function polled(record: JobRecord, status: StatusEvent, rules: EngineRules, nowMs: number): EngineOutcome {
  const id = record.externalProcessId ?? '';
  const next: JobRecord = { ...record, polls: record.polls + 1, lastStatus: status.status };
  const verdict = statusClassOf(status.status, rules.poll);
  if (verdict === 'failed') return outcome(record, { error: new TrainingFailedError(id, status.status) });
  const events = isStatusChange(record.lastStatus, status.status) || record.polls === 0 ? [status] : [];
  if (verdict === 'done') return outcome(next, { events, then: { kind: 'download', id, status } });
  // Never wait past the deadline: the next activation then ends the job at it, not a poll later.
  const since = record.trainingSinceMs;
  const left = since === undefined ? Infinity : Math.max(0, since + rules.poll.maxWaitMs - nowMs);
  return outcome(next, { events, delayMs: Math.min(pollWaitMs(next.polls, rules.poll), left) });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
