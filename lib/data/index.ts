/** Tools for a training's data and results, imported as `prediction-one-rx/data` (browser-safe). */
/**
 * Tools for the data around a training, imported as `prediction-one-rx/data` (browser-safe).
 * Going in: decoding CSV bytes ({@link decodeCsv}, {@link detectCsvEncoding}: UTF-8 or
 * Shift_JIS), the column information the service wants ({@link inferColumns},
 * {@link columnInfoCsv}) and the local checks of data against a config
 * ({@link trainingDataIssues}). Coming out: a result archive streamed to a sink of your own
 * ({@link streamResult$}), an archive's files read as a result ({@link toTrainingResult}) and
 * the one metric a summary shows ({@link headlineMetric}).
 *
 * The training flow does all of this for you: `upload$` and `trainModel$` from
 * `prediction-one-rx` decode, check and describe the data, and `downloadResult$` reads the
 * result. Import these to do one step yourself. See docs/ENTRIES.md.
 *
 * ## Example
 * ```ts
 * import { decodeCsv, inferColumns, headlineMetric } from 'prediction-one-rx/data';
 *
 * const columns = inferColumns(decodeCsv(bytes).text);
 * console.log(headlineMetric(result.metrics)?.value);
 * ```
 *
 * @packageDocumentation
 */
export { inferColumns, columnInfoCsv } from '../sources/columns';
export { decodeCsv, detectCsvEncoding } from '../sources/textEncoding';
export { trainingDataIssues } from '../sources/trainingDataIssues';
export { trainingConfigIssues, assertTrainingConfig } from '../core/trainingConfig';
export type { TrainingDataCheckOptions } from '../sources/trainingDataIssues';
export { streamResult$ } from '../operators/streamResult';
export type { ResultSink, EntryWriter } from '../operators/streamResult';
export { toTrainingResult } from '../results/trainingResult';
export { headlineMetric, HEADLINE_METRICS } from '../results/headlineMetric';
