/** The events that report a training's progress. */
/**
 * Progress is data: every operator of the pipeline emits {@link TrainingEvent}s, one
 * discriminated union a UI can `switch` on.
 *
 * @packageDocumentation
 */
import type { ExternalProcessId } from './ids';
import type { TrainingConfig } from './trainingConfig';
import type { ColumnSpec } from './columnSpec';
import type { TrainingResult } from './resultTypes';

/**
 * Which of the three upload files an upload event is about.
 *
 * ## Example
 * ```ts
 * const file: UploadFileKind = 'learn';
 * ```
 */
export type UploadFileKind = 'learn' | 'eval' | 'columnInfo';

/**
 * Bytes sent so far for one upload file.
 *
 * ## Example
 * ```ts
 * if (e.type === 'uploadProgress') bar.update(e.loaded / (e.total ?? e.loaded));
 * ```
 */
export interface UploadProgressEvent {
  readonly type: 'uploadProgress';
  readonly file: UploadFileKind;
  readonly loaded: number;
  readonly total?: number;
}

/**
 * Every file is uploaded; `externalProcessId` names the upload from now on.
 *
 * ## Example
 * ```ts
 * if (e.type === 'uploaded') console.log(e.externalProcessId, e.columns);
 * ```
 */
export interface UploadedEvent {
  readonly type: 'uploaded';
  readonly externalProcessId: ExternalProcessId;
  /** The column types sent (given, or inferred from the data). */
  readonly columns: readonly ColumnSpec[];
}

/**
 * Create Model accepted the training.
 *
 * ## Example
 * ```ts
 * if (e.type === 'queued') save(e.externalProcessId);
 * ```
 */
export interface QueuedEvent {
  readonly type: 'queued';
  readonly externalProcessId: ExternalProcessId;
  readonly name: string;
  readonly config: TrainingConfig;
}

/**
 * The training statuses this library knows by name:
 *
 * - `finished`: the result is ready (`result_url` is set). The only value the vendor's Train
 *   Status Check page documents; the default of `poll.terminalStatuses`.
 * - `failed`, `error`: the training failed (not documented by the vendor; the default of
 *   `poll.failureStatuses`, so {@link pollStatus$} errors with {@link TrainingFailedError}).
 *
 * Any other value (the service's undocumented "still working" statuses) counts as still
 * working unless named in `poll.terminalStatuses` or `poll.failureStatuses`.
 *
 * ## Example
 * ```ts
 * const done: KnownTrainingStatus = 'finished';
 * ```
 */
export type KnownTrainingStatus = 'finished' | 'failed' | 'error';

/**
 * A training's status as the service sent it. The known values ({@link KnownTrainingStatus}):
 * `finished` (the result is ready), `failed` and `error` (the training failed). Any other string
 * is kept as sent and counts as still working (editors still suggest the known values).
 *
 * ## Example
 * ```ts
 * const s: TrainingStatusValue = e.status; // 'finished' | 'failed' | 'error' | other strings
 * ```
 */
export type TrainingStatusValue = KnownTrainingStatus | (string & {});

/**
 * The retraining job statuses this library knows by name:
 *
 * - `job_finished`: done (the documented terminal value); the result's `download_url` is set.
 * - `job_failed`, `failed`, `error`: the job failed (undocumented; the default failure
 *   statuses of {@link retrainStatus$}, which errors with {@link RetrainFailedError}).
 *
 * Any other value counts as still working unless named in the poll options.
 *
 * ## Example
 * ```ts
 * const done: KnownRetrainStatus = 'job_finished';
 * ```
 */
export type KnownRetrainStatus = 'job_finished' | 'job_failed' | 'failed' | 'error';

/**
 * A retraining job's status as sent. The known values ({@link KnownRetrainStatus}):
 * `job_finished` (done), `job_failed`, `failed` and `error` (the job failed). Any other string
 * is kept as sent and counts as still working.
 *
 * ## Example
 * ```ts
 * const s: RetrainStatusValue = 'job_finished';
 * ```
 */
export type RetrainStatusValue = KnownRetrainStatus | (string & {});

/**
 * The prediction API (classifier) statuses the vendor documents:
 *
 * - `building`: being built; `updating`: a change is being applied;
 * - `running`: serving predictions (what {@link waitForClassifier$} waits for by default);
 * - `failed`, `terminating`, `terminated`: it will not serve (the default failure statuses of
 *   {@link waitForClassifier$}, which errors with {@link ClassifierFailedError}).
 *
 * ## Example
 * ```ts
 * const ready: KnownClassifierStatus = 'running';
 * ```
 */
export type KnownClassifierStatus = 'building' | 'running' | 'updating' | 'failed' | 'terminating' | 'terminated';

/**
 * A prediction API's status as sent. The known values ({@link KnownClassifierStatus}):
 * `building` and `updating` (not serving yet), `running` (serving), `failed`, `terminating` and
 * `terminated` (it will not serve). Any other string is kept as sent.
 *
 * ## Example
 * ```ts
 * const s: ClassifierStatusValue = 'running';
 * ```
 */
export type ClassifierStatusValue = KnownClassifierStatus | (string & {});

/**
 * A new status of a training, with the server's timestamps. `resultUrl` is set (and must be
 * kept secret: it is pre-signed) when the status is terminal.
 *
 * ## Example
 * ```ts
 * if (e.type === 'status') console.log(e.status, e.updatedDatetime);
 * ```
 */
export interface StatusEvent {
  readonly type: 'status';
  readonly externalProcessId: ExternalProcessId;
  /**
   * The service's status text. The vendor documents one value, `finished` (the result is ready,
   * `resultUrl` set); the emulator also uses `waiting` and `running` before it, and `failed`
   * (which, like `error`, ends the stream with `TrainingFailedError`, so it is never seen
   * here). Any other text is passed on as it is and counts as still working, unless
   * `poll.terminalStatuses` or `poll.failureStatuses` names it. See {@link KnownTrainingStatus}.
   */
  readonly status: TrainingStatusValue;
  readonly createdDatetime?: string;
  readonly updatedDatetime?: string;
  /**
   * Whether this status ends the training successfully (`finished`, or a caller-named terminal
   * status). A failure status (`failed`, `error`, or a caller-named one) is never a `status`
   * event with `terminal: true`: the stream errors with `TrainingFailedError` instead.
   */
  readonly terminal: boolean;
  readonly resultUrl?: string;
}

/**
 * Bytes of the result archive received so far.
 *
 * ## Example
 * ```ts
 * if (e.type === 'downloadProgress') console.log(`${e.loaded} / ${e.total ?? '?'}`);
 * ```
 */
export interface DownloadProgressEvent {
  readonly type: 'downloadProgress';
  readonly externalProcessId?: ExternalProcessId;
  readonly loaded: number;
  readonly total?: number;
}

/**
 * The result is downloaded and unzipped.
 *
 * ## Example
 * ```ts
 * if (e.type === 'completed') console.table(e.result.metrics);
 * ```
 */
export interface CompletedEvent {
  readonly type: 'completed';
  readonly externalProcessId?: ExternalProcessId;
  readonly result: TrainingResult;
}

/**
 * Everything the training pipeline emits, tagged by `type`.
 *
 * ## Example
 * ```ts
 * events$.subscribe((e) => {
 *   switch (e.type) {
 *     case 'status': return console.log(e.status);
 *     case 'completed': return console.log(e.result.metrics);
 *   }
 * });
 * ```
 */
export type TrainingEvent = UploadProgressEvent | UploadedEvent | QueuedEvent | StatusEvent | DownloadProgressEvent | CompletedEvent;
