/** The emulator's CSV parser. */
import Papa from 'papaparse';
import { decodeCsv } from '../sources/textEncoding';

/**
 * A parsed CSV file: header and rows of raw cell strings (rows padded/truncated to the header).
 *
 * ## Example
 * ```ts
 * const table: CsvTable = { columns: ['a'], rows: [['1']] };
 * ```
 * @internal
 */
export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/**
 * Parses CSV bytes with papaparse: decodes them as the client does (UTF-8, with or without the
 * BOM the documented column-info example has, or Shift_JIS/CP932, detected; bytes that fit
 * neither are read as UTF-8 with U+FFFD), skips blank lines, trims header names. The delimiter is
 * the comma, always: an upload's `extension` is `csv`, and a file separated by semicolons or tabs
 * is one column to a CSV reader (no guessing, which would accept files the service reads
 * otherwise). Ragged rows are padded with empty cells (missing values) or cut, because a training
 * table must be rectangular.
 *
 * ## Example
 * ```ts
 * parseCsv(Buffer.from('\uFEFFa,b\n1,2\n')); // { columns: ['a', 'b'], rows: [['1', '2']] }
 * ```
 * @internal
 */
export function parseCsv(bytes: Uint8Array): CsvTable {
  const { text } = decodeCsv(bytes);
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: 'greedy', delimiter: ',' });
  const [header, ...body] = parsed.data;
  if (header === undefined) return { columns: [], rows: [] };
  const columns = header.map((c) => c.trim());
  const rows = body.map((row) => columns.map((_, i) => row[i] ?? ''));
  return { columns, rows };
}

/**
 * Writes a table as CSV with papaparse (CRLF-free, quoted only when needed).
 *
 * ## Example
 * ```ts
 * writeCsv(['a'], [[1]]); // 'a\n1'
 * ```
 * @internal
 */
export function writeCsv(columns: string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return Papa.unparse({ fields: columns, data: rows.map((r) => [...r]) }, { newline: '\n' });
}
