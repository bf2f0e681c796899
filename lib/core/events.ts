/**
 * Progress is data: every operator of the pipeline emits {@link TrainingEvent}s, one
 * discriminated union a UI can `switch` on.
 *
 * @packageDocumentation
 */
import type { ExternalProcessId } from '../codecs/ids';
import type { TrainingConfig } from './trainingConfig';
import type { ColumnSpec } from '../sources/columns';
import type { TrainingResult } from '../results/trainingResult';

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
   * `poll.terminalStatuses` or `poll.failureStatuses` names it.
   */
  readonly status: string;
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
export type TrainingEvent =
  | UploadProgressEvent
  | UploadedEvent
  | QueuedEvent
  | StatusEvent
  | DownloadProgressEvent
  | CompletedEvent;
