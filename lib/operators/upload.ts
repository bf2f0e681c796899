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
  concat,
  concatMap,
  defer,
  from,
  ignoreElements,
  merge,
  of,
  retry,
  switchMap,
  throwError,
  type ObservableInput,
} from 'rxjs';
import { UploadUrls } from '../codecs/uploadUrls';
import { UploadUrlSpentError, ValidationError } from '../core/errors';
import type { TrainingEvent, UploadFileKind, UploadProgressEvent } from '../core/events';
import { checkColumns, columnInfoCsv, csvHeader, inferColumns, type ColumnSpec, type ColumnType } from '../sources/columns';
import { isRereadable, prepareSource, settleSource, type CsvSource, type PreparedSource } from '../sources/csvSource';
import { spoolingOf } from '../sources/spool';
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
) => { readonly issues: readonly string[]; /** The data is not CSV or has no header: column checks are skipped. */ readonly unreadable: boolean };

/**
 * {@link upload$} with a check of the data run before the first request: with `check`, every
 * problem (the check's, the header's, the column types') is reported in one
 * {@link ValidationError} named `what`.
 *
 * @internal
 */
export function uploadChecked$(
  client: PredictionOneClient,
  check?: UploadCheck,
  what = 'training job',
  options: UploadOptions = {},
): OperatorFunction<CsvSource | UploadInput, TrainingEvent> {
  // A spent single-use URL starts a new session, within the call's retry budget.
  const maxSessions = client.settings.retry.maxAttempts;
  return concatMap((value) => {
    const input: UploadInput = isUploadInput(value) ? value : { train: value };
    return defer(async () => {
      const streaming = client.config.streamUploads === true;
      const prepared: PreparedSource[] = [];
      try {
        const train = await prepareSource(input.train, streaming, spoolingOf(client.config), input.encoding);
        prepared.push(train);
        const given = columnList(input.columns);
        const checked = check?.(train, given);
        const issues = [...(checked?.issues ?? [])];
        let columns: ColumnSpec[] = [];
        // Data that is not CSV at all, or has no header, has no columns worth reporting on.
        if (!checked?.unreadable) {
          try {
            if (given) {
              checkColumns(given, csvHeader(train.head));
              columns = given;
            } else {
              columns = inferColumns(train.head, train.complete);
            }
          } catch (err) {
            if (!check || !(err instanceof ValidationError)) throw err;
            issues.push(...err.issues);
          }
        }
        const evaluation =
          input.evaluation === undefined ? undefined : await prepareSource(input.evaluation, streaming, spoolingOf(client.config), input.encoding);
        if (evaluation) {
          prepared.push(evaluation);
          const header = csvHeader(evaluation.head);
          const missing = columns.map((c) => c.name).filter((n) => !header.includes(n));
          if (missing.length > 0) {
            if (!check) throw new ValidationError('evaluation data', [`missing columns ${missing.join(', ')}`]);
            issues.push(`evaluation data: missing columns ${missing.join(', ')}`);
          }
        }
        if (issues.length > 0) throw new ValidationError(what, issues);
        // Checked: a source of unknown length is now spooled, so its PUT can declare its length.
        return { train: await settleSource(train), evaluation: evaluation && (await settleSource(evaluation)), columns };
      } catch (err) {
        // Nothing will be sent: close streamed sources (their file handles) now.
        await Promise.all(prepared.map((p) => p.release?.()));
        throw err;
      }
    }).pipe(
      switchMap((prepared) => {
        const { columns } = prepared;
        let session = 0;
        // Each session sends what it can: the first the prepared sources, a later one the same
        // bytes, or a re-read of a re-readable source (a file) whose stream the spent session used.
        let current: { train: PreparedSource; evaluation?: PreparedSource } = prepared;
        const sources = defer(async () => {
          if (session++ === 0) return current;
          // The spent session's streams are done with: close them (their file handles) first.
          await Promise.all([current.train, current.evaluation].map((p) => (p && !(p.body instanceof Uint8Array) ? p.release?.() : undefined)));
          const streaming = client.config.streamUploads === true;
          current = {
            train:
              current.train.body instanceof Uint8Array
                ? current.train
                : await settleSource(await prepareSource(input.train, streaming, spoolingOf(client.config), input.encoding)),
            evaluation:
              current.evaluation === undefined || current.evaluation.body instanceof Uint8Array || input.evaluation === undefined
                ? current.evaluation
                : await settleSource(await prepareSource(input.evaluation, streaming, spoolingOf(client.config), input.encoding)),
          };
          return current;
        });
        const resendable =
          (prepared.train.body instanceof Uint8Array || isRereadable(input.train)) &&
          (!prepared.evaluation || prepared.evaluation.body instanceof Uint8Array || (input.evaluation !== undefined && isRereadable(input.evaluation)));
        const session$ = callApi$(
          client,
          { operation: 'uploadUrls', method: 'GET', path: '/v1/external/data-sets/upload-url', query: { extension: 'csv' } },
          UploadUrls,
        ).pipe(
          switchMap((urls) => {
            const ahead = options.beforeSend ? defer(() => from(options.beforeSend!(urls.external_process_id))).pipe(ignoreElements()) : EMPTY;
            return concat(ahead, sources).pipe(
              switchMap(({ train, evaluation }) => {
                const columnInfo = new TextEncoder().encode(columnInfoCsv(columns));
                // The training data goes last, once the column information and the evaluation
                // data are stored: Train Data Set Info knows an upload only once its training data
                // is in, so "it knows the upload" then proves every file arrived (a resumed job
                // asks it instead of uploading again). The small column information goes beside
                // the evaluation data; two big bodies never share the bandwidth.
                return concat(
                  merge(
                    send$(client, urls.column_info_upload_url, 'columnInfo', { head: '', complete: true, body: columnInfo, size: columnInfo.byteLength }),
                    evaluation ? send$(client, urls.eval_data_set_upload_url, 'eval', evaluation) : EMPTY,
                  ),
                  send$(client, urls.learn_data_set_upload_url, 'learn', train),
                  of<TrainingEvent>({ type: 'uploaded', externalProcessId: urls.external_process_id, columns }),
                );
              }),
            );
          }),
          // A spent single-use URL: start a new session (new URLs) when every body can be resent.
          retry({
            count: maxSessions - 1,
            delay: (err: unknown) => (err instanceof UploadUrlSpentError && resendable ? of(0) : throwError(() => err)),
          }),
        );
        // However it ends (done, refused, cancelled), spooled copies and open files go.
        return releasing(session$, async () => void (await Promise.all([current.train, current.evaluation].map((p) => p?.release?.()))));
      }),
    );
  });
}
