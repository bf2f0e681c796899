/** The unzipped retraining result. */
/**
 * The unzipped retraining result, with its metric comparison parsed.
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';
import type { MetricComparison, RetrainResult } from '../core/resultTypes';
export type { MetricComparison, RetrainResult };

function value(text: string | undefined): number | string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : text;
}

/**
 * Builds a {@link RetrainResult} from archive entries. The result layout is undocumented, so
 * `metrics.csv` is read leniently: columns named `before`/`after` when the header has them
 * (the emulator's `metric,before,after`), else the second column is the retrained value.
 *
 * ## Example
 * ```ts
 * toRetrainResult({ 'metrics.csv': new TextEncoder().encode('metric,before,after\nrmse,2.1,1.9\n') }).comparison;
 * // [{ name: 'rmse', before: 2.1, after: 1.9 }]
 * ```
 *
 * @param files - Entries by name.
 * @returns The result with the parsed comparison.
 */
export function toRetrainResult(files: Readonly<Record<string, Uint8Array>>): RetrainResult {
  const bytes = files['metrics.csv'];
  if (!bytes) return { files, comparison: [] };
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const [header = [], ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  const lower = header.map((h) => h.trim().toLowerCase());
  const before = lower.indexOf('before');
  const after = lower.indexOf('after');
  const comparison = rows
    .filter((row) => row.length >= 2)
    .map((row): MetricComparison => ({
      name: row[0],
      before: before >= 0 ? value(row[before]) : undefined,
      after: value(row[after >= 0 ? after : 1]),
    }));
  return { files, comparison };
}
