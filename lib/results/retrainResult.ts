/** The unzipped retraining result. */
/**
 * The unzipped retraining result, with its metric comparison parsed.
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';

/**
 * One metric of the old model against the retrained one.
 *
 * ## Example
 * ```ts
 * result.comparison.find((m) => m.name === 'accuracy'); // { name: 'accuracy', before: 0.71, after: 0.78 }
 * ```
 */
export interface MetricComparison {
  readonly name: string;
  /** The current model's value (a number when it parses as one), when the file has it. */
  readonly before?: number | string;
  /** The retrained model's value. */
  readonly after?: number | string;
}

/**
 * A downloaded retraining result.
 *
 * ## Example
 * ```ts
 * const text = new TextDecoder().decode(result.files['metrics.csv']);
 * ```
 */
export interface RetrainResult {
  /** Every file of the archive, by entry name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** `metrics.csv` parsed (empty when the archive had none). */
  readonly comparison: readonly MetricComparison[];
}

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
