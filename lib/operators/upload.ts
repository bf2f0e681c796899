/**
 * Train Data Upload: get the pre-signed URLs, then PUT the column information beside the
 * training data and the optional evaluation data.
 *
 * @packageDocumentation
 */
import { EMPTY, Observable, OperatorFunction, concat, concatMap, defer, merge, of, retry, switchMap, throwError } from 'rxjs';
import { UploadUrls } from '../codecs/uploadUrls';
import { UploadUrlSpentError, ValidationError } from '../core/errors';
import type { TrainingEvent, UploadFileKind, UploadProgressEvent } from '../core/events';
import { checkColumns, columnInfoCsv, csvHeader, inferColumns, type ColumnSpec, type ColumnType } from '../sources/columns';
import { prepareSource, type CsvSource, type PreparedSource } from '../sources/csvSource';
import { putWithProgress$ } from './putWithProgress';
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
  /** Column types, as a list or by name. Inferred from the data when omitted. */
  readonly columns?: readonly ColumnSpec[] | Readonly<Record<string, ColumnType>>;
}

/** Upload sessions tried before a spent upload URL is reported. */
const MAX_UPLOAD_SESSIONS = 3;

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
 * @returns An operator from data to upload events.
 */
export function upload$(client: PredictionOneClient): OperatorFunction<CsvSource | UploadInput, TrainingEvent> {
  return uploadChecked$(client);
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
export function uploadChecked$(client: PredictionOneClient, check?: UploadCheck, what = 'training job'): OperatorFunction<CsvSource | UploadInput, TrainingEvent> {
  return concatMap((value) => {
    const input: UploadInput = isUploadInput(value) ? value : { train: value };
    return defer(async () => {
      const streaming = client.config.streamUploads === true;
      const prepared: PreparedSource[] = [];
      try {
        const train = await prepareSource(input.train, streaming);
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
        const evaluation = input.evaluation === undefined ? undefined : await prepareSource(input.evaluation, streaming);
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
        return { train, evaluation, columns };
      } catch (err) {
        // Nothing will be sent: close streamed sources (their file handles) now.
        await Promise.all(prepared.map((p) => p.release?.()));
        throw err;
      }
    }).pipe(
      switchMap(({ train, evaluation, columns }) =>
        callApi$(client, { method: 'GET', path: '/v1/external/data-sets/upload-url', query: { extension: 'csv' } }, UploadUrls).pipe(
          switchMap((urls) => {
            const columnInfo = new TextEncoder().encode(columnInfoCsv(columns));
            // The small column information goes beside the data sets (its own URL, a few hundred
            // bytes), saving a round trip; the data sets go one after the other, so two big
            // bodies never share the bandwidth and at most one streamed source is open.
            return concat(
              merge(
                concat(send$(client, urls.learn_data_set_upload_url, 'learn', train), evaluation ? send$(client, urls.eval_data_set_upload_url, 'eval', evaluation) : EMPTY),
                send$(client, urls.column_info_upload_url, 'columnInfo', { head: '', complete: true, body: columnInfo, size: columnInfo.byteLength }),
              ),
              of<TrainingEvent>({ type: 'uploaded', externalProcessId: urls.external_process_id, columns }),
            );
          }),
          // A spent single-use URL: start a new session (new URLs) when every body can be resent.
          retry({
            count: MAX_UPLOAD_SESSIONS - 1,
            delay: (err: unknown) =>
              err instanceof UploadUrlSpentError && train.body instanceof Uint8Array && (!evaluation || evaluation.body instanceof Uint8Array)
                ? of(0)
                : throwError(() => err),
          }),
        ),
      ),
    );
  });
}
