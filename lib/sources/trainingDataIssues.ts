/** Checks a training's data against its config before anything is uploaded. */
/**
 * Checks a training's data against its config before anything is uploaded: what the service
 * would otherwise answer with a 400 after the upload (or a failed training hours later).
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';
import type { TrainingConfig } from '../core/trainingConfig';
import { isNumberText, type ColumnSpec } from './columns';
import { nearest } from './nearest';

/**
 * Options of {@link trainingDataIssues}.
 *
 * ## Example
 * ```ts
 * const options: TrainingDataCheckOptions = { complete: false, label: 'train.csv' };
 * ```
 */
export interface TrainingDataCheckOptions {
  /**
   * Whether `sample` is the whole data (default `true`). When it is only the head of a bigger
   * source, its last (maybe cut) line is ignored and only what the head proves is reported:
   * a missing column, a non-numeric regression target, a third binary value; a `tv` value
   * absent from a sample that already holds two other values.
   */
  readonly complete?: boolean;
  /** Column types given for the upload, if any (a target typed `ignore` or `text` cannot be predicted). */
  readonly columns?: readonly ColumnSpec[];
  /** How the data is named in the messages (default `training data`). */
  readonly label?: string;
}

function quoteList(values: readonly string[], max = 6): string {
  const shown = values.slice(0, max).map((v) => `'${v}'`);
  return values.length > max ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
}

/** Separators other than the comma, by what a message calls them. */
const SEPARATORS: readonly (readonly [string, string])[] = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/**
 * What a one-column header seems separated by instead of commas (CSV uploads are read with the
 * comma only, as the service reads them: docs/CONTRACT.md, G26), or `undefined`.
 */
function otherSeparator(header: readonly string[]): string | undefined {
  if (header.length !== 1) return undefined;
  return SEPARATORS.find(([char]) => header[0].includes(char))?.[1];
}

/** What the data is, when it is not CSV text: binary bytes or a JSON document. */
function notCsv(sample: string, complete: boolean): string | undefined {
  // A NUL never occurs in CSV text; every binary format we know of (zip/xlsx, parquet,
  // images, PDF with compressed streams) holds some in its first bytes. U+FFFD comes from
  // bytes that are neither UTF-8 nor Shift_JIS (the readers decode both, see decodeCsv; the
  // last few may be a character cut by the sample's end).
  const probe = sample.slice(0, 64 * 1024);
  const replaced = (complete ? probe : probe.slice(0, -4)).split('\uFFFD').length - 1;
  if (probe.includes('\u0000')) return 'it holds binary data, not CSV text';
  if (replaced > Math.max(8, probe.length / 100)) return 'it does not read as UTF-8 or Shift_JIS text (binary data, or another encoding)';
  const trimmed = sample.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (complete) {
      try {
        JSON.parse(trimmed);
        return 'it is a JSON document, not CSV';
      } catch {
        return undefined;
      }
    }
    if (/^[[{]\s*["{[\]}]/.test(trimmed)) return 'it looks like a JSON document, not CSV';
  }
  return undefined;
}

/**
 * Lists every problem of training data against its config that can be seen locally: data that
 * is not CSV (binary, or a JSON document), no header or no data rows, a `tc`, `tsc`, `tss` or
 * `tsine` column the header lacks, a `tv` that is not one of the target's values, a binary
 * target with more than two values, a classification target with a single value, and a
 * regression target that holds text. Config problems themselves come from
 * {@link data!trainingConfigIssues}. An empty list means nothing was found.
 *
 * The check reads `sample` only: give the whole data, or its head with `complete: false` (then
 * it reports only what the head proves, so a valid file is never refused). `trainModel$`
 * checks the first MiB of the training data this way before its first request.
 *
 * ## Example
 * ```ts
 * trainingDataIssues('date,weather\n2012-01-01,rain\n2012-01-02,sun\n', { tt: 'binary_classification', tc: 'Weather', tv: 'snow' });
 * // ["target column (tc) 'Weather' is not in the header of the training data (did you mean 'weather'? columns: 'date', 'weather')"]
 * ```
 *
 * @param sample - The CSV text, or its first part.
 * @param config - The training config the data is for (typed loosely: it may come from JSON).
 * @param options - Whether the sample is complete, given column types, a name for messages.
 * @returns Human-readable issues, each naming the data.
 */
export function trainingDataIssues(sample: string, config: TrainingConfig, options: TrainingDataCheckOptions = {}): string[] {
  return checkTrainingData(sample, config, options).issues;
}

/**
 * {@link trainingDataIssues}, also saying whether the data could be read as CSV with a header.
 *
 * @internal
 */
export function checkTrainingData(sample: string, config: TrainingConfig, options: TrainingDataCheckOptions = {}): { issues: string[]; unreadable: boolean } {
  const complete = options.complete ?? true;
  const label = options.label ?? 'training data';
  const what = notCsv(sample, complete);
  if (what) return { issues: [`${label}: ${what}`], unreadable: true };
  const rows = Papa.parse<string[]>(sample.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy', delimiter: ',' }).data;
  if (!complete && rows.length > 1) rows.pop();
  const header = (rows[0] ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) return { issues: [`${label}: the CSV is empty (no header row)`], unreadable: true };
  const separator = otherSeparator(header);
  if (separator)
    return {
      issues: [
        `${label}: its header is one column ('${header[0]}'): the data must be comma-separated, and this file seems separated by ${separator}; save it as CSV with commas`,
      ],
      unreadable: true,
    };
  return { issues: dataIssues(rows, header, config, options), unreadable: false };
}

function dataIssues(rows: string[][], header: string[], config: TrainingConfig, options: TrainingDataCheckOptions): string[] {
  const complete = options.complete ?? true;
  const label = options.label ?? 'training data';
  const issues: string[] = [];
  const body = rows.slice(1);
  if (body.length === 0) issues.push(`${label}: the CSV has a header but no data rows${complete ? '' : ' in its first part'}`);
  const sampled = complete ? '' : ` in the first ${body.length} rows sampled`;

  const missingColumn = (key: string, role: string, name: unknown): boolean => {
    if (typeof name !== 'string' || name.trim() === '' || header.includes(name)) return false;
    const near = nearest(name, header);
    issues.push(`${role} (${key}) '${name}' is not in the header of the ${label} (${near ? `did you mean '${near}'? ` : ''}columns: ${quoteList(header, 12)})`);
    return true;
  };
  const c = config as unknown as Record<string, unknown>;
  const targetMissing = missingColumn('tc', 'target column', c.tc);
  missingColumn('tsc', 'time column', c.tsc);
  missingColumn('tss', 'series column', c.tss);
  if (Array.isArray(c.tsine)) for (const n of c.tsine) missingColumn('tsine', 'column', n);
  if (targetMissing || typeof c.tc !== 'string' || !header.includes(c.tc) || body.length === 0) return issues;

  const target = c.tc;
  const given = options.columns?.find((col) => col.name === target);
  if (given && (given.type === 'ignore' || given.type === 'text')) {
    issues.push(`target column '${target}' is given the type '${given.type}', which cannot be predicted`);
  }
  const index = header.indexOf(target);
  const values = body.map((row) => (row[index] ?? '').trim()).filter((v) => v !== '');
  const distinct = [...new Set(values)];
  if (c.tt === 'regression') {
    const text = values.find((v) => !isNumberText(v));
    if (text !== undefined) issues.push(`regression needs a numeric target, but '${target}' holds text (e.g. '${text}'); use a classification task type`);
  } else if (c.tt === 'binary_classification') {
    if (distinct.length > 2) {
      issues.push(
        `binary_classification needs exactly 2 values in '${target}', found ${distinct.length}${sampled} (${quoteList(distinct)}); use multi_classification`,
      );
    } else if (complete && distinct.length < 2) {
      issues.push(`binary_classification needs exactly 2 values in '${target}', found ${distinct.length}${distinct.length ? ` (${quoteList(distinct)})` : ''}`);
    }
    const tv = c.tv === undefined || c.tv === null ? undefined : String(c.tv);
    // Only a complete sample, or one already holding two other values, proves tv absent.
    if (tv !== undefined && tv !== '' && !distinct.includes(tv) && (complete || distinct.length >= 2)) {
      const near = nearest(tv, distinct);
      issues.push(
        `positive value (tv) '${tv}' is not a value of '${target}'${sampled} (${near ? `did you mean '${near}'? ` : ''}values: ${quoteList(distinct)})`,
      );
    }
  } else if (c.tt === 'multi_classification' && complete && distinct.length < 2) {
    issues.push(`multi_classification needs at least 2 values in '${target}', found ${distinct.length}`);
  }
  return issues;
}
