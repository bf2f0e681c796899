import Papa from 'papaparse';

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
 * Parses CSV bytes with papaparse: strips a UTF-8 BOM (the documented column-info example has
 * one), skips blank lines, trims header names. Ragged rows are padded with empty cells (missing
 * values) or cut, because a training table must be rectangular.
 *
 * ## Example
 * ```ts
 * parseCsv(Buffer.from('\uFEFFa,b\n1,2\n')); // { columns: ['a', 'b'], rows: [['1', '2']] }
 * ```
 * @internal
 */
export function parseCsv(bytes: Uint8Array): CsvTable {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: 'greedy' });
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
