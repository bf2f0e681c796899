/** The events the retraining operators emit. */
/**
 * What the retraining operators emit: one discriminated union, like {@link TrainingEvent}.
 *
 * @packageDocumentation
 */
import type { RetrainStatusValue } from './events';
import type { RetrainJobId } from './ids';
import type { RetrainResult } from './resultTypes';

/**
 * Bytes of the retraining file sent so far.
 *
 * ## Example
 * ```ts
 * if (e.type === 'retrainUploadProgress') bar.update(e.loaded / (e.total ?? e.loaded));
 * ```
 */
export interface RetrainUploadProgressEvent {
  readonly type: 'retrainUploadProgress';
  readonly fileName: string;
  readonly loaded: number;
  readonly total?: number;
}

/**
 * The retraining data is uploaded; the service starts retraining on its own.
 *
 * ## Example
 * ```ts
 * if (e.type === 'retrainUploaded') save(e.retrainJobId);
 * ```
 */
export interface RetrainUploadedEvent {
  readonly type: 'retrainUploaded';
  readonly retrainJobId: RetrainJobId;
  /** The `filename` sent: `<name>.csv`, or `<name>.zip` with training and evaluation data. */
  readonly fileName: string;
  readonly bytes?: number;
}

/**
 * A new status of a retraining job. `downloadUrl` (pre-signed: keep it secret) is set when the
 * service gave one.
 *
 * ## Example
 * ```ts
 * if (e.type === 'retrainStatus') console.log(e.status, e.terminal);
 * ```
 */
export interface RetrainStatusEvent {
  readonly type: 'retrainStatus';
  readonly retrainJobId: RetrainJobId;
  /** The status as sent: `job_finished` (done), `job_failed`, `failed` or `error` (failed, by default), or another string (still working). See {@link KnownRetrainStatus}. */
  readonly status: RetrainStatusValue;
  readonly modelId?: number;
  readonly message?: string;
  /** Whether this status ends the job successfully (`job_finished` by default). */
  readonly terminal: boolean;
  readonly downloadUrl?: string;
}

/**
 * Bytes of the retraining result received so far.
 *
 * ## Example
 * ```ts
 * if (e.type === 'retrainDownloadProgress') console.log(e.loaded, e.total);
 * ```
 */
export interface RetrainDownloadProgressEvent {
  readonly type: 'retrainDownloadProgress';
  readonly retrainJobId?: RetrainJobId;
  readonly loaded: number;
  readonly total?: number;
}

/**
 * The retraining result is downloaded and unzipped.
 *
 * ## Example
 * ```ts
 * if (e.type === 'retrainCompleted') console.table(e.result.comparison);
 * ```
 */
export interface RetrainCompletedEvent {
  readonly type: 'retrainCompleted';
  readonly retrainJobId?: RetrainJobId;
  readonly result: RetrainResult;
}

/**
 * The model now serves the retrained version (Retrain Model Switch succeeded).
 *
 * ## Example
 * ```ts
 * if (e.type === 'modelSwitched') console.log('now serving', e.retrainJobId);
 * ```
 */
export interface ModelSwitchedEvent {
  readonly type: 'modelSwitched';
  readonly retrainJobId: RetrainJobId;
}

/**
 * Everything the retraining operators emit, tagged by `type`.
 *
 * ## Example
 * ```ts
 * events$.subscribe((e: RetrainEvent) => { if (e.type === 'retrainStatus') console.log(e.status); });
 * ```
 */
export type RetrainEvent =
  RetrainUploadProgressEvent | RetrainUploadedEvent | RetrainStatusEvent | RetrainDownloadProgressEvent | RetrainCompletedEvent | ModelSwitchedEvent;

/**
 * A bare reference to a retraining job, for using an operator on its own:
 * `of({ retrainJobId }).pipe(retrainStatus$(client))`.
 *
 * ## Example
 * ```ts
 * const ref: RetrainJobRef = { retrainJobId: asRetrainJobId(saved) };
 * ```
 */
export interface RetrainJobRef {
  readonly retrainJobId: string;
  readonly type?: undefined;
}
