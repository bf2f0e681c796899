/** The unzipped training result with its CSVs parsed. */
/**
 * The unzipped training result, with its CSVs parsed into typed rows.
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';

/**
 * One line of `metrics.csv`.
 *
 * ## Example
 * ```ts
 * result.metrics.find((m) => m.name === 'accuracy')?.value.toFixed(3); // '0.833'
 * ```
 */
export interface Metric {
  /** The metric's name as the file gives it (`accuracy`, `r2`, ...). */
  readonly name: string;
  /** The value as a number; `NaN` when the text is not a number (then read {@link Metric.raw}). */
  readonly value: number;
  /** The value exactly as the file gives it (e.g. `'0.8333'`, `'-'`). */
  readonly raw: string;
}

/**
 * One line of `analysis_summary.csv`: how much a column contributes to the predictions.
 *
 * ## Example
 * ```ts
 * result.contributions.map((c) => `${c.column}: ${c.contribution.toFixed(3)}`);
 * ```
 */
export interface Contribution {
  readonly column: string;
  readonly contribution: number;
}

/**
 * A downloaded training result.
 *
 * ## Example
 * ```ts
 * const text = new TextDecoder().decode(result.files['evaluation_raw_data.csv']);
 * ```
 */
export interface TrainingResult {
  /** Every file of the archive, by entry name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** `metrics.csv`, parsed (empty when the archive had none). */
  readonly metrics: readonly Metric[];
  /** `analysis_summary.csv`, parsed (empty when the archive had none or it had no numbers). */
  readonly contributions: readonly Contribution[];
}

/**
 * Parses CSV text into records keyed by header. Leading BOMs are dropped.
 *
 * ## Example
 * ```ts
 * parseCsv('a,b\n1,2\n'); // [{ a: '1', b: '2' }]
 * ```
 *
 * @param text - CSV with a header row.
 * @returns One record per data row.
 */
export function parseCsv(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
}

function parseRows(bytes: Uint8Array | undefined): string[][] {
  if (!bytes) return [];
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  return Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
}

function asNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Builds a {@link TrainingResult} from archive entries. The metric files' layout is not
 * documented for the API, so parsing is lenient: the first column names the item, the second
 * holds its value.
 *
 * ## Example
 * ```ts
 * const result = toTrainingResult({ 'metrics.csv': bytes });
 * ```
 *
 * @param files - Entries by name.
 * @returns The result with parsed metrics and contributions.
 */
export function toTrainingResult(files: Readonly<Record<string, Uint8Array>>): TrainingResult {
  const metrics = parseRows(files['metrics.csv'])
    .slice(1)
    .filter((row) => row.length >= 2)
    .map(([name, raw]): Metric => ({ name, value: asNumber(raw) ?? Number.NaN, raw }));
  const contributions = parseRows(files['analysis_summary.csv'])
    .slice(1)
    .flatMap(([column, value]) => {
      const n = asNumber(value ?? '');
      return n === undefined ? [] : [{ column, contribution: n }];
    });
  return { files, metrics, contributions };
}
