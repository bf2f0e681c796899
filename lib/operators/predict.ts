/** Inference through a deployed classifier (predict$), with its client-first and deprecated forms. */
/**
 * Inference: score rows with a running prediction API.
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';
import { Observable, OperatorFunction, concatMap, defer, map, mergeMap } from 'rxjs';
import { InferenceResponse } from '../codecs/inference';
import { decodeBase64, encodeBase64 } from '../core/base64';
import { DecodeError, ValidationError } from '../core/errors';
import { callUrl$ } from '../transport/api';
import { utf8 } from '../transport/body';
import type { ClientOptions } from '../core/config';
import { PREDICT_DEFAULTS } from '../core/defaults';
import { resolveConcurrency } from '../core/settings';
import { createClient, type PredictionOneClient } from '../transport/client';

/**
 * Where to send inference requests: a classifier's `url` and its inference `api_key` (from
 * {@link classifiers$} or {@link waitForClassifier$}).
 *
 * ## Example
 * ```ts
 * const target: InferenceTarget = { url: c.url!, apiKey: c.api_key! };
 * ```
 */
export interface InferenceTarget {
  readonly url: string;
  readonly apiKey: string;
}

/**
 * A row to score: column name to value (`null`/`undefined` = missing), or CSV text with a
 * header row (split into batches as needed).
 *
 * ## Example
 * ```ts
 * const row: PredictInput = { date: '2015-06-01', temp_max: 21.1, wind: 3.2 };
 * ```
 */
export type PredictInput = Readonly<Record<string, string | number | boolean | null | undefined>> | string;

/**
 * Options of {@link predict$}. The boolean flags are the documented request inputs.
 *
 * ## Example
 * ```ts
 * predict$(client, target, { concurrency: 8, analysis: true, passColumn: 'id' });
 * ```
 */
export interface PredictOptions {
  /**
   * The client whose transport (fetch, retry, timeouts, scheduler) the deprecated
   * `predict$(target, options)` uses. Default there: a fresh {@link index!createClient} of its own.
   * Ignored by `predict$(client, target, options)`.
   *
   * @deprecated Pass the client first: `predict$(client, target, options)`. Will be removed in v2.
   */
  readonly client?: PredictionOneClient;
  /**
   * Settings of these inference requests over the client's (retry, `requestTimeoutMs`,
   * `maxResponseBytes`, `onRequest` …): a client derived with
   * {@link PredictionOneClient.withOptions}, which shares the client's credentials, limits and
   * scheduler. Default: the client's own.
   */
  readonly transport?: ClientOptions;
  /**
   * Rows per request. Default 1: the vendor's Inference page defines `pr` as the header plus ONE
   * data row (項目名の行とデータ１行), and its example sends one request per row. A larger value
   * is an explicit opt-in BEYOND the vendor's contract: the real service may answer it with
   * 4001030104 `Invalid request`, or predict only the first row (the emulator rejects it unless
   * started with `allowMultiRowInference`).
   */
  readonly batchSize?: number;
  /** Requests in flight at once: an integer >= 1. Default 4 (`LIBRARY_DEFAULTS.concurrency`). */
  readonly concurrency?: number;
  /**
   * Emit answers in input order (default true): an answer that arrives early waits for those
   * before it. `false` emits each as it arrives (each carries its `index`).
   */
  readonly ordered?: boolean;
  /** Column order for object rows. Default: keys in order of first appearance in the batch. */
  readonly columns?: readonly string[];
  /** `ar`: also compute the reasons (`prediction_analysis.csv`). Default false. */
  readonly analysis?: boolean;
  /** `ad`: add the input data to the output. Default false. */
  readonly includeInput?: boolean;
  /** `nc`: classification: output probabilities only, without the predicted class. Default false. */
  readonly withoutClass?: boolean;
  /** `nr`: leave row numbers out of the output. Default false. */
  readonly withoutRowNumbers?: boolean;
  /** `pc`: a column copied to the output as is (an id, say). */
  readonly passColumn?: string;
}

/**
 * One answered request: the decoded result files as rows keyed by header.
 *
 * ## Example
 * ```ts
 * batch.rows.map((r) => r.prediction);
 * ```
 */
export interface PredictionBatch {
  /** 0-based position of the batch. */
  readonly index: number;
  /** Rows sent in this batch. */
  readonly inputRows: number;
  /** The model version that answered. */
  readonly version?: string;
  /** `prediction_valid.csv`. */
  readonly rows: readonly Record<string, string>[];
  /** `prediction_analysis.csv`, when asked for and returned. */
  readonly analysis?: readonly Record<string, string>[];
  /** Every output file decoded to text, by name. */
  readonly files: Readonly<Record<string, string>>;
}

type Cell = string | number | boolean | null | undefined;

/** Turns rows and CSV texts into CSV batches of at most `size` rows, in order. @internal */
export function toCsvBatches(size: number, columns?: readonly string[]): OperatorFunction<PredictInput, { csv: string; rows: number }> {
  return (source) =>
    new Observable((subscriber) => {
      let buffer: Readonly<Record<string, Cell>>[] = [];
      const flush = () => {
        if (buffer.length === 0) return;
        const fields = columns ? [...columns] : [...new Set(buffer.flatMap((r) => Object.keys(r)))];
        const data = buffer.map((r) => fields.map((f) => (r[f] === null || r[f] === undefined ? '' : String(r[f]))));
        subscriber.next({ csv: Papa.unparse({ fields, data }, { newline: '\n' }) + '\n', rows: buffer.length });
        buffer = [];
      };
      return source.subscribe({
        next: (value) => {
          if (typeof value !== 'string') {
            buffer.push(value);
            if (buffer.length >= size) flush();
            return;
          }
          flush();
          const parsed = Papa.parse<string[]>(value.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
          const [header, ...rows] = parsed.data;
          if (!header || header.length === 0) {
            subscriber.error(new ValidationError('prediction data', ['the CSV has no header row']));
            return;
          }
          for (let i = 0; i < rows.length; i += size) {
            const chunk = rows.slice(i, i + size);
            subscriber.next({ csv: Papa.unparse({ fields: header, data: chunk }, { newline: '\n' }) + '\n', rows: chunk.length });
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
    });
}

function parseRows(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
}

/**
 * Scores rows with a prediction API. Each row (objects, or the rows of CSV texts with a header)
 * is sent as its own request, as the vendor's page defines it: the header plus ONE data row as
 * base64 CSV with the documented inputs (`pr`, and `ar`, `ad`, `nc`, `nr` as booleans, `pc` when
 * given), to the classifier's `url` with its `api_key`. `concurrency` requests (default 4) are in
 * flight at once, and the answers are emitted in input order. Each answer is decoded
 * (`prediction_valid.csv`, `prediction_analysis.csv`) and emitted as a {@link PredictionBatch}
 * whose `index` is the row's (or, with `batchSize` > 1, the batch's) position. Multi-row requests
 * (`batchSize` > 1) are an opt-in beyond the vendor's contract.
 *
 * Transient failures (network, 5xx without a documented code, 429) are retried by the
 * client's retry policy (or `options.transport.retry`): inference has no side effects. The
 * target's URL and key are used as they are; the client gives the transport.
 *
 * **Errors**: {@link InferenceError} with `reason` `notFound` (4001030101), `badRequest`
 * (4001030104), `accessDenied` (4031030201: key, classifier id or source IP) or `unavailable`
 * (5031030101: not running); {@link index!ValidationError} (bad `batchSize`, a CSV without header),
 * {@link index!ApiError}, {@link index!NetworkError}, {@link index!DecodeError} (a response or output file that
 * does not decode).
 *
 * **Cancellation**: unsubscribing aborts the request in flight and sends no more batches.
 *
 * ## Example
 * ```ts
 * from(rows).pipe(predict$(client, { url: c.url!, apiKey: c.api_key! }, { concurrency: 4 }))
 *   .subscribe((b) => console.log(b.index, b.rows[0]));
 * // 0 { row: '1', prediction: 'sun', probability_rain: '0.1', probability_sun: '0.9' }
 * ```
 *
 * @param client - The client whose transport the requests use.
 * @param classifier - The prediction API's URL and inference key.
 * @param options - Batching, output options and transport settings.
 * @returns An operator from rows to answered batches.
 */
export function predict$(client: PredictionOneClient, classifier: InferenceTarget, options?: PredictOptions): OperatorFunction<PredictInput, PredictionBatch>;
/**
 * Scores rows with a prediction API, with the transport of `options.client` or of a client of
 * its own made from the target (its own limiter and retry budget, outside any client's
 * `limits`).
 *
 * ## Example
 * ```ts
 * from(rows).pipe(predict$({ url: c.url!, apiKey: c.api_key! }, { client })); // now: predict$(client, target)
 * ```
 *
 * @deprecated Pass the client first: `predict$(client, target, options)`. Will be removed in v2.
 * @param classifier - The prediction API's URL and inference key.
 * @param options - Batching, output options and transport.
 * @returns An operator from rows to answered batches.
 */
export function predict$(classifier: InferenceTarget, options?: PredictOptions): OperatorFunction<PredictInput, PredictionBatch>;
export function predict$(
  first: PredictionOneClient | InferenceTarget,
  second?: InferenceTarget | PredictOptions,
  third?: PredictOptions,
): OperatorFunction<PredictInput, PredictionBatch> {
  const clientFirst = 'withOptions' in first;
  const classifier = (clientFirst ? second : first) as InferenceTarget;
  const options = (clientFirst ? third : (second as PredictOptions | undefined)) ?? {};
  const size = options.batchSize ?? PREDICT_DEFAULTS.batchSize;
  return (source) =>
    defer(() => {
      if (!Number.isInteger(size) || size < 1) throw new ValidationError('predict options', [`batchSize must be an integer >= 1, got ${size}`]);
      const concurrency = resolveConcurrency(options.concurrency, 'predict options');
      if (!classifier?.url || !classifier.apiKey) throw new ValidationError('inference target', ['url and apiKey are required']);
      // The deprecated form without a client: only its transport is used (the inference URL and
      // key are the target's), so the target itself makes a valid configuration.
      const base = clientFirst ? (first as PredictionOneClient) : (options.client ?? createClient({ baseUrl: classifier.url, apiKey: classifier.apiKey }));
      const client = options.transport ? base.withOptions(options.transport) : base;
      let index = 0;
      const answers = source.pipe(
        toCsvBatches(size, options.columns),
        mergeMap((batch) => infer$(client, classifier, options, batch, index++), concurrency),
      );
      return options.ordered === false ? answers : answers.pipe(inIndexOrder());
    });
}

/**
 * Re-emits batches in `index` order: an early answer is held until every answer before it was
 * emitted. At most the answers of the requests that overtook a slow one are held (each request
 * is bounded by the client's `requestTimeoutMs` and retry policy).
 *
 * ## Example
 * ```ts
 * answers.pipe(inIndexOrder()); // indexes 2, 0, 1 in -> 0, 1, 2 out
 * ```
 * @internal
 */
export function inIndexOrder(): OperatorFunction<PredictionBatch, PredictionBatch> {
  return (source) =>
    defer(() => {
      const held = new Map<number, PredictionBatch>();
      let next = 0;
      return source.pipe(
        concatMap((batch) => {
          held.set(batch.index, batch);
          const ready: PredictionBatch[] = [];
          for (let b = held.get(next); b !== undefined; b = held.get(next)) {
            held.delete(next);
            ready.push(b);
            next++;
          }
          return ready;
        }),
      );
    });
}

function requestBody(options: PredictOptions, csv: string): { inputs: { name: string; type: string; data: unknown }[] } {
  const inputs: { name: string; type: string; data: unknown }[] = [
    { name: 'pr', type: 'csv', data: encodeBase64(csv) },
    { name: 'ar', type: 'boolean', data: options.analysis ?? false },
    { name: 'ad', type: 'boolean', data: options.includeInput ?? false },
    { name: 'nc', type: 'boolean', data: options.withoutClass ?? false },
    { name: 'nr', type: 'boolean', data: options.withoutRowNumbers ?? false },
  ];
  if (options.passColumn !== undefined) inputs.push({ name: 'pc', type: 'string', data: options.passColumn });
  return { inputs };
}

function infer$(
  client: PredictionOneClient,
  target: InferenceTarget,
  options: PredictOptions,
  batch: { csv: string; rows: number },
  index: number,
): Observable<PredictionBatch> {
  // The client's one exchange: its error factory (documented inference codes become
  // InferenceError, which is never retried), retry policy and bounds; the inference key is
  // redacted from errors like the client's own keys.
  return callUrl$(
    client,
    { operation: 'inference', method: 'POST', url: target.url, key: target.apiKey, json: requestBody(options, batch.csv), idempotent: true },
    InferenceResponse,
  ).pipe(
    map((res): PredictionBatch => {
      const files: Record<string, string> = {};
      for (const output of res.outputs) {
        if (typeof output.data !== 'string') continue;
        try {
          files[output.name] = utf8(decodeBase64(output.data));
        } catch (err) {
          throw new DecodeError(
            'InferenceResponse',
            [`outputs.${output.name}.data: expected base64, got ${(err as Error).message}`],
            output.data.slice(0, 200),
          );
        }
      }
      const valid = files['prediction_valid.csv'];
      if (valid === undefined) {
        throw new DecodeError('InferenceResponse', ['outputs: expected prediction_valid.csv, got none'], JSON.stringify(res.outputs.map((o) => o.name)), [
          target.apiKey,
        ]);
      }
      const analysis = files['prediction_analysis.csv'];
      return {
        index,
        inputRows: batch.rows,
        version: res.version === undefined || res.version === null ? undefined : String(res.version),
        rows: parseRows(valid),
        analysis: analysis === undefined ? undefined : parseRows(analysis),
        files,
      };
    }),
  );
}
