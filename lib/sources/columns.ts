/** Column types and their inference from the head of a CSV. */
/**
 * Column types and their inference from the head of a CSV, with papaparse.
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';
import { ValidationError } from '../core/errors';
import type { ColumnType, ColumnSpec } from '../core/columnSpec';
export type { ColumnType, ColumnSpec };

const COLUMN_TYPES: readonly string[] = ['string', 'integer', 'float', 'date', 'text', 'ignore'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Whether a CSV cell (trimmed) is a number: what {@link inferColumns} types `float`, and what the
 * local checks accept in a regression target. One rule, so the two never disagree.
 *
 * ## Example
 * ```ts
 * isNumberText('-1.5e3'); // true
 * isNumberText('12 kg'); // false
 * ```
 *
 * @internal
 */
export function isNumberText(value: string): boolean {
  return NUMBER.test(value);
}
// ISO-like dates, with `-` or `/`, optionally with a time: what the service's date type reads.
const DATE = /^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function typeOf(values: readonly string[]): ColumnType {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'string';
  if (present.every(isNumberText)) return 'float';
  if (present.every((v) => DATE.test(v) && !Number.isNaN(Date.parse(v.replace(/\//g, '-'))))) return 'date';
  return 'string';
}

/**
 * Infers the column types from the beginning of a CSV (header row first), using only the types
 * the vendor's pages document: `float` when every non-empty value is a number (integers too, as
 * the vendor's example types `年齢` `float`), `date` for ISO-like dates, else `string`.
 *
 * **Errors**: {@link ValidationError} when the header is missing, empty or has duplicates.
 *
 * ## Example
 * ```ts
 * inferColumns('date,temp,weather\n2012-01-01,12.8,rain\n');
 * // [{ name: 'date', type: 'date' }, { name: 'temp', type: 'float' }, { name: 'weather', type: 'string' }]
 * ```
 *
 * @param head - The CSV text, or its first part.
 * @param complete - Whether `head` is the whole file; if not, its last (maybe cut) line is ignored.
 * @returns One spec per column, in header order.
 */
export function inferColumns(head: string, complete = true): ColumnSpec[] {
  const parsed = Papa.parse<string[]>(head.replace(/^\uFEFF/, ''), { skipEmptyLines: true, delimiter: ',' });
  const rows = parsed.data;
  if (!complete && rows.length > 2) rows.pop();
  const header = rows[0];
  if (!header || header.length === 0) throw new ValidationError('training data', ['the CSV has no header row']);
  const issues = headerIssues(header);
  if (issues.length > 0) throw new ValidationError('training data', issues);
  const body = rows.slice(1);
  return header.map((name, i) => ({ name: name.trim(), type: typeOf(body.map((row) => row[i] ?? '')) }));
}

function headerIssues(header: readonly string[]): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  header.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') issues.push(`column ${i + 1} has an empty name`);
    else if (seen.has(name)) issues.push(`column name '${name}' appears twice`);
    seen.add(name);
  });
  return issues;
}

/**
 * Reads the header of a CSV head.
 *
 * @internal
 */
export function csvHeader(head: string): string[] {
  const parsed = Papa.parse<string[]>(head.replace(/^\uFEFF/, ''), { preview: 1, skipEmptyLines: true, delimiter: ',' });
  return (parsed.data[0] ?? []).map((h) => h.trim());
}

/**
 * Checks given column specs against the data's header.
 *
 * @internal
 */
export function checkColumns(columns: readonly ColumnSpec[], header: readonly string[]): void {
  const issues: string[] = [];
  const names = columns.map((c) => c.name);
  for (const c of columns) {
    if (!COLUMN_TYPES.includes(c.type)) issues.push(`column '${c.name}': type must be one of ${COLUMN_TYPES.join(', ')}`);
  }
  const missing = header.filter((h) => !names.includes(h));
  const extra = names.filter((n) => !header.includes(n));
  if (missing.length > 0) issues.push(`no type given for ${missing.map((m) => `'${m}'`).join(', ')}`);
  if (extra.length > 0) issues.push(`${extra.map((m) => `'${m}'`).join(', ')} not in the data's header`);
  if (issues.length > 0) throw new ValidationError('column info', issues);
}

/**
 * Writes the column information file: UTF-8 with a BOM, header `column_name,column_type`, as
 * the service's documented example does.
 *
 * ## Example
 * ```ts
 * columnInfoCsv([{ name: 'a', type: 'float' }]); // '\uFEFFcolumn_name,column_type\na,float\n'
 * ```
 *
 * @param columns - One spec per column of the training data.
 * @returns The file's text.
 */
export function columnInfoCsv(columns: readonly ColumnSpec[]): string {
  const csv = Papa.unparse({ fields: ['column_name', 'column_type'], data: columns.map((c) => [c.name, c.type]) }, { newline: '\n' });
  return `\uFEFF${csv}\n`;
}
