/** Operator: Retrain Data Upload. */
/**
 * Retrain Data Upload: get the job's upload URL, then PUT a CSV (or a zip of training and
 * evaluation data).
 *
 * @packageDocumentation
 */
import { zipSync } from 'fflate';
import { OperatorFunction, concat, concatMap, defer, of, switchMap } from 'rxjs';
import { RetrainUploadUrl } from '../codecs/retrainJob';
import { ValidationError } from '../core/errors';
import type { RetrainEvent } from '../core/retrainEvents';
import { csvHeader } from '../sources/columns';
import { prepareSource, settleSource, type CsvSource } from '../sources/csvSource';
import type { CsvEncoding } from '../sources/textEncoding';
import { callApi$ } from '../transport/api';
import { putWithProgress$, releasing } from './putWithProgress';
import type { PredictionOneClient } from '../transport/client';

/**
 * What to retrain on: new training data, optionally evaluation data with the same columns.
 *
 * ## Example
 * ```ts
 * const input: RetrainInput = { train: newRows, evaluation: holdout, name: 'april' };
 * ```
 */
export interface RetrainInput {
  readonly train: CsvSource;
  /** When given, both files are sent as a zip: `train_src/<name>.csv` and `eval_src/<name>.csv`. */
  readonly evaluation?: CsvSource;
  /** Base of the file name(s) sent. Default `retrain`. */
  readonly name?: string;
  /** Text encoding of byte sources for the header checks (default: UTF-8 or Shift_JIS, detected); the bytes are sent unchanged. */
  readonly encoding?: CsvEncoding;
}

function isRetrainInput(value: unknown): value is RetrainInput {
  return typeof value === 'object' && value !== null && 'train' in value && !(value instanceof Uint8Array);
}

/**
 * Uploads retraining data. For each input (CSV data, or a {@link RetrainInput}) it asks Retrain
 * Data Upload for a URL (`filename` = `<name>.csv`, or `<name>.zip` when evaluation data is
 * given: the zip holds `train_src/<name>.csv` and `eval_src/<name>.csv`, built with fflate),
 * PUTs the file and emits one `retrainUploaded` event with the `retrainJobId`. The service
 * starts retraining when the upload completes.
 *
 * Needs a client with a retrain API key ({@link retrainClient$}).
 *
 * **Errors**: {@link index!ValidationError} (a bad name, data without a header, evaluation columns
 * that differ), {@link index!ApiError}, {@link index!AuthError}, {@link index!NetworkError}, {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request in flight.
 *
 * ## Example
 * ```ts
 * of({ train: newCsv, evaluation: evalCsv }).pipe(retrainUpload$(retrainClient)).subscribe((e) => console.log(e));
 * // { type: 'retrainUploaded', retrainJobId: '6f1…', fileName: 'retrain.zip', bytes: 5123 }
 * ```
 *
 * @param client - A client holding a retrain API key.
 * @returns An operator from data to retraining events.
 */
export function retrainUpload$(client: PredictionOneClient): OperatorFunction<CsvSource | RetrainInput, RetrainEvent> {
  return concatMap((value) => {
    const input: RetrainInput = isRetrainInput(value) ? value : { train: value };
    return defer(async () => {
      const name = input.name ?? 'retrain';
      if (!/^[\w.-]+$/.test(name)) throw new ValidationError('retrain file name', [`'${name}' may only hold letters, digits, '.', '_' and '-'`]);
      if (input.evaluation === undefined) {
        const prepared = await prepareSource(input.train, client.settings.streamUploads, client.settings.spooling, input.encoding);
        if (csvHeader(prepared.head).length === 0) {
          await prepared.release?.();
          throw new ValidationError('retrain data', ['the training CSV has no header row']);
        }
        const train = await settleSource(prepared);
        return { fileName: `${name}.csv`, body: train.body, size: train.size, release: train.release };
      }
      // A zip needs every byte in hand: both sources are collected.
      const [train, evaluation] = await Promise.all([
        prepareSource(input.train, false, client.settings.spooling, input.encoding).then(settleSource),
        prepareSource(input.evaluation, false, client.settings.spooling, input.encoding).then(settleSource),
      ]);
      const trainHeader = csvHeader(train.head);
      const evalHeader = csvHeader(evaluation.head);
      if (trainHeader.length === 0) throw new ValidationError('retrain data', ['the training CSV has no header row']);
      const missing = trainHeader.filter((c) => !evalHeader.includes(c));
      if (missing.length > 0) throw new ValidationError('retrain evaluation data', [`missing columns ${missing.join(', ')}`]);
      const body = zipSync({ [`train_src/${name}.csv`]: train.body as Uint8Array, [`eval_src/${name}.csv`]: evaluation.body as Uint8Array }, { level: 6 });
      return { fileName: `${name}.zip`, body, size: body.byteLength };
    }).pipe(
      switchMap(
        ({ fileName, body, size, release }: { fileName: string; body: Uint8Array | AsyncIterable<Uint8Array>; size?: number; release?: () => Promise<void> }) =>
          // Whatever happens (the upload URL refused, cancelled), a spooled copy or an open file goes.
          releasing(
            callApi$(
              client,
              { operation: 'retrainUploadUrl', method: 'GET', keyType: 'retrain', path: '/v1/external/retrain_jobs/upload_url', query: { filename: fileName } },
              RetrainUploadUrl,
            ).pipe(
              switchMap((res) =>
                concat(
                  putWithProgress$(
                    client,
                    res.upload_url,
                    body,
                    size,
                    (loaded, total): RetrainEvent => ({ type: 'retrainUploadProgress', fileName, loaded, total }),
                    'retrainUpload',
                  ),
                  of<RetrainEvent>({ type: 'retrainUploaded', retrainJobId: res.retrain_job_id, fileName, bytes: size }),
                ),
              ),
            ),
            async () => void (await release?.()),
          ),
      ),
    );
  });
}
