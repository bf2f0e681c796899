/** The unzipped training result with its CSVs parsed. */
/**
 * The unzipped training result, with its CSVs parsed into typed rows.
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';
import type { Metric, Contribution, TrainingResult } from '../core/resultTypes';
export type { Metric, Contribution, TrainingResult };

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
