/** Train Data Upload: local checks, the upload session and the pre-signed PUTs. */
/**
 * Train Data Upload: get the pre-signed URLs, then PUT the column information beside the
 * training data and the optional evaluation data.
 *
 * @packageDocumentation
 */
import {
  EMPTY,
  Observable,
  OperatorFunction,
  catchError,
  concat,
  concatMap,
  defer,
  from,
  ignoreElements,
  merge,
  of,
  switchMap,
  throwError,
  type ObservableInput,
} from 'rxjs';
import { UploadUrls } from '../codecs/uploadUrls';
import { UploadUrlSpentError, ValidationError } from '../core/errors';
import type { TrainingEvent, UploadFileKind, UploadProgressEvent } from '../core/events';
import { checkColumns, columnInfoCsv, csvHeader, inferColumns, type ColumnSpec, type ColumnType } from '../sources/columns';
import { isRereadable, prepareSource, settleSource, type CsvSource, type PreparedSource } from '../sources/csvSource';
import type { CsvEncoding } from '../sources/textEncoding';
import { putWithProgress$, releasing } from './putWithProgress';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';

/**
 * What to upload. Only `train` is required.
 *
 * ## Example
 * ```ts
 * const input: UploadInput = { train: csvText, columns: { date: 'date', weather: 'string' } };
 * ```
 */
export interface UploadInput {
  /** The training data, a CSV with a header row. */
  readonly train: CsvSource;
  /** Evaluation data with the same columns; the service evaluates on it instead of cross-validating. */
  readonly evaluation?: CsvSource;
  /**
   * Column types, as a list or by name. Inferred from the data when omitted, as `string`,
   * `date` or `float` (every number is `float`, as in the vendor's example); other types are
   * sent only when named here.
   */
  readonly columns?: readonly ColumnSpec[] | Readonly<Record<string, ColumnType>>;
  /**
   * The text encoding of byte sources (`train` and `evaluation`), overriding detection. By
   * default UTF-8 (with or without a BOM) or Shift_JIS/CP932 is detected from the data's
   * first MiB. Only the local reading (checks, column inference) uses it: the data is uploaded
   * byte for byte (text given as a string goes as UTF-8), and the column information file is
   * always UTF-8 with a BOM.
   */
  readonly encoding?: CsvEncoding;
}

/**
 * Options of {@link upload$}.
 *
 * ## Example
 * ```ts
 * upload$(client, { beforeSend: (id) => checkpoint.write({ key, stage: 'uploading', externalProcessId: id }) });
 * ```
 */
export interface UploadOptions {
  /**
   * Called with the `external_process_id` of each upload session, after Get Upload URL and
   * before its first PUT; the PUTs wait until what it returns completes (or resolves). For a
   * write-ahead record: a crash after the service stored the files then leaves an id to ask
   * about (Train Data Set Info) instead of nothing. Its error fails the upload.
   */
  readonly beforeSend?: (externalProcessId: string) => ObservableInput<unknown>;
}

function isUploadInput(value: unknown): value is UploadInput {
  return typeof value === 'object' && value !== null && 'train' in value && !(value instanceof Uint8Array);
}

function columnList(columns: UploadInput['columns']): ColumnSpec[] | undefined {
  if (columns === undefined) return undefined;
  if (Array.isArray(columns)) return [...(columns as readonly ColumnSpec[])];
  return Object.entries(columns as Readonly<Record<string, ColumnType>>).map(([name, type]) => ({ name, type }));
}

function send$(client: PredictionOneClient, url: string, file: UploadFileKind, source: PreparedSource): Observable<UploadProgressEvent> {
  return putWithProgress$(client, url, source.body, source.size, (loaded, total) => ({ type: 'uploadProgress', file, loaded, total }));
}

/**
 * Uploads training data. For each input (CSV data, or an {@link UploadInput}), it asks for
 * upload URLs, sends the training CSV then the evaluation CSV if any, and beside them the
 * column information file (given, or inferred from the data's header and values with
 * papaparse), emitting `uploadProgress` events and, once every file is stored, one `uploaded`
 * event with the `externalProcessId`.
 *
 * Column types are checked against the header before anything is sent.
 *
 * **Errors**: {@link ValidationError} (no header, duplicate names, column types that do not
 * match the header), {@link ApiError}, {@link AuthError}, {@link NetworkError},
 * {@link DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request in flight and releases a streamed source.
 *
 * ## Example
 * ```ts
 * of('date,temp,weather\n2012-01-01,12.8,rain\n...').pipe(upload$(client)).subscribe((e) => {
 *   if (e.type === 'uploaded') console.log(e.externalProcessId, e.columns);
 * });
 * // 5f0c... [{ name: 'date', type: 'date' }, { name: 'temp', type: 'float' }, { name: 'weather', type: 'string' }]
 * ```
 *
 * @param client - The client.
 * @param options - A hook before each session's first PUT ({@link UploadOptions}).
 * @returns An operator from data to upload events.
 */
export function upload$(client: PredictionOneClient, options: UploadOptions = {}): OperatorFunction<CsvSource | UploadInput, TrainingEvent> {
  return uploadChecked$(client, undefined, undefined, options);
}

/**
 * Checks a training's data before the upload: given the head of the training data, returns
 * every problem found (an empty list when none).
 *
 * @internal
 */
export type UploadCheck = (
  train: { readonly head: string; readonly complete: boolean },
  columns: readonly ColumnSpec[] | undefined,
) => UploadCheckResult | PromiseLike<UploadCheckResult>;

/** What an {@link UploadCheck} found. @internal */
export interface UploadCheckResult {
  readonly issues: readonly string[];
  /** The data is not CSV or has no header: column checks are skipped. */
  readonly unreadable: boolean;
}

/** The training data and the optional evaluation data, each with its head read. */
interface UploadFiles {
  readonly train: PreparedSource;
  readonly evaluation?: PreparedSource;
}

/** Checked data ready to send: its bodies (lengths known) and the column types. */
interface CheckedUpload extends UploadFiles {
  readonly columns: readonly ColumnSpec[];
}

/**
 * {@link upload$} with a check of the data run before the first request: with `check`, every
 * problem (the check's, the header's, the column types') is reported in one
 * {@link ValidationError} named `what`.
 *
 * The parts, in order: {@link readHeads} (open the sources, read their heads),
 * {@link checkUpload} (the columns, and every problem at once), then the lengths (a source of
 * unknown length spooled), then {@link uploadSessions$}: {@link openSession$} (upload URLs, then the
 * `beforeSend` hook) and {@link sendFiles$}, again in a new session when a single-use URL was
 * spent.
 *
 * @internal
 */
export function uploadChecked$(
  client: PredictionOneClient,
  check?: UploadCheck,
  what = 'training job',
  options: UploadOptions = {},
): OperatorFunction<CsvSource | UploadInput, TrainingEvent> {
  return concatMap((value) => {
    const input: UploadInput = isUploadInput(value) ? value : { train: value };
    return defer(() => prepareUpload(client, input, check, what)).pipe(
      switchMap((checked) =>
        // However it ends (done, refused, cancelled), the bodies every session sends (spooled
        // copies) go; each session's streams go with their session.
        releasing(uploadSessions$(client, input, checked, options, client.settings.retry.maxAttempts), () => releaseAll(bodiesOf(checked).filter(isBuffered))),
      ),
    );
  });
}

/** Reads, checks and settles the data of `input`; nothing is left open when it fails. */
async function prepareUpload(client: PredictionOneClient, input: UploadInput, check: UploadCheck | undefined, what: string): Promise<CheckedUpload> {
  const heads = await readHeads(client, input);
  try {
    const given = columnList(input.columns);
    const columns = checkUpload(heads, given, await check?.(heads.train, given), what);
    // Checked: a source of unknown length is now spooled, so its PUT can declare its length.
    const train = await settleSource(heads.train);
    return { train, evaluation: heads.evaluation && (await settleSource(heads.evaluation)), columns };
  } catch (err) {
    // Nothing will be sent: close streamed sources (their file handles) now.
    await releaseAll(bodiesOf(heads));
    throw err;
  }
}

/** Opens the training data and the evaluation data (when given) and reads their heads. */
async function readHeads(client: PredictionOneClient, input: UploadInput): Promise<UploadFiles> {
  const { streamUploads, spooling } = client.settings;
  const train = await prepareSource(input.train, streamUploads, spooling, input.encoding);
  if (input.evaluation === undefined) return { train };
  try {
    return { train, evaluation: await prepareSource(input.evaluation, streamUploads, spooling, input.encoding) };
  } catch (err) {
    await releaseAll([train]);
    throw err;
  }
}

/**
 * The column types of the data: given (checked against the header) or inferred from the head,
 * and the evaluation data's header checked against them. Without a check's result (`checked`),
 * the first problem throws; with it, every problem (the check's included) is reported in one
 * {@link ValidationError} named `what`.
 */
function checkUpload(heads: UploadFiles, given: ColumnSpec[] | undefined, checked: UploadCheckResult | undefined, what: string): readonly ColumnSpec[] {
  const issues = [...(checked?.issues ?? [])];
  let columns: readonly ColumnSpec[] = [];
  // Data that is not CSV at all, or has no header, has no columns worth reporting on.
  if (!checked?.unreadable) {
    try {
      if (given) checkColumns(given, csvHeader(heads.train.head));
      columns = given ?? inferColumns(heads.train.head, heads.train.complete);
    } catch (err) {
      if (!checked || !(err instanceof ValidationError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (heads.evaluation) {
    const header = csvHeader(heads.evaluation.head);
    const missing = columns.map((c) => c.name).filter((n) => !header.includes(n));
    if (missing.length > 0) {
      if (!checked) throw new ValidationError('evaluation data', [`missing columns ${missing.join(', ')}`]);
      issues.push(`evaluation data: missing columns ${missing.join(', ')}`);
    }
  }
  if (issues.length > 0) throw new ValidationError(what, issues);
  return columns;
}

/**
 * Upload sessions until one stores every file: a spent single-use URL starts a new session
 * (new URLs), within `sessionsLeft` (the call's retry budget), when every body can be sent
 * again. Each session's streamed bodies are released when it ends; the next session re-reads
 * their sources. No state is shared between sessions: each gets the files it sends.
 */
function uploadSessions$(
  client: PredictionOneClient,
  input: UploadInput,
  files: CheckedUpload,
  options: UploadOptions,
  sessionsLeft: number,
): Observable<TrainingEvent> {
  const session$ = openSession$(client, options).pipe(switchMap((urls) => sendFiles$(client, urls, files)));
  return releasing(session$, () => releaseAll(bodiesOf(files).filter((f) => !isBuffered(f)))).pipe(
    catchError((err: unknown) =>
      err instanceof UploadUrlSpentError && sessionsLeft > 1 && resendable(input, files)
        ? defer(() => rereadFiles(client, input, files)).pipe(switchMap((next) => uploadSessions$(client, input, next, options, sessionsLeft - 1)))
        : throwError(() => err),
    ),
  );
}

/** Get Upload URL, then the `beforeSend` hook with the session's id (waited for). */
function openSession$(client: PredictionOneClient, options: UploadOptions): Observable<UploadUrls> {
  return callApi$(client, { operation: 'uploadUrls', method: 'GET', path: '/v1/external/data-sets/upload-url', query: { extension: 'csv' } }, UploadUrls).pipe(
    concatMap((urls) => {
      const ahead = options.beforeSend ? defer(() => from(options.beforeSend!(urls.external_process_id))).pipe(ignoreElements()) : EMPTY;
      return concat(ahead, of(urls));
    }),
  );
}

/**
 * PUTs the column information, the evaluation data and the training data to one session's
 * URLs, then emits `uploaded`.
 */
function sendFiles$(client: PredictionOneClient, urls: UploadUrls, files: CheckedUpload): Observable<TrainingEvent> {
  const columnInfo = new TextEncoder().encode(columnInfoCsv([...files.columns]));
  // The training data goes last, once the column information and the evaluation data are
  // stored: Train Data Set Info knows an upload only once its training data is in, so "it
  // knows the upload" then proves every file arrived (a resumed job asks it instead of
  // uploading again). The small column information goes beside the evaluation data; two big
  // bodies never share the bandwidth.
  return concat(
    merge(
      send$(client, urls.column_info_upload_url, 'columnInfo', { head: '', complete: true, body: columnInfo, size: columnInfo.byteLength }),
      files.evaluation ? send$(client, urls.eval_data_set_upload_url, 'eval', files.evaluation) : EMPTY,
    ),
    send$(client, urls.learn_data_set_upload_url, 'learn', files.train),
    of<TrainingEvent>({ type: 'uploaded', externalProcessId: urls.external_process_id, columns: [...files.columns] }),
  );
}

/** Whether a new session can send every body again: held in memory, or its source can be read again (a file). */
function resendable(input: UploadInput, files: UploadFiles): boolean {
  const again = (file: PreparedSource | undefined, source: CsvSource | undefined) =>
    file === undefined || isBuffered(file) || (source !== undefined && isRereadable(source));
  return again(files.train, input.train) && again(files.evaluation, input.evaluation);
}

/** The files for a new session: the same bytes, or a fresh read of a source whose stream a spent session used. */
async function rereadFiles(client: PredictionOneClient, input: UploadInput, files: CheckedUpload): Promise<CheckedUpload> {
  const { streamUploads, spooling } = client.settings;
  const reread = async (source: CsvSource) => settleSource(await prepareSource(source, streamUploads, spooling, input.encoding));
  const train = isBuffered(files.train) ? files.train : await reread(input.train);
  const evaluation =
    files.evaluation === undefined || isBuffered(files.evaluation) || input.evaluation === undefined ? files.evaluation : await reread(input.evaluation);
  return { ...files, train, evaluation };
}

/** A body held as bytes, sent as it is by every session. */
function isBuffered(file: PreparedSource): boolean {
  return file.body instanceof Uint8Array;
}

function bodiesOf(files: UploadFiles): PreparedSource[] {
  return files.evaluation ? [files.train, files.evaluation] : [files.train];
}

async function releaseAll(files: readonly PreparedSource[]): Promise<void> {
  await Promise.all(files.map((f) => f.release?.()));
}
