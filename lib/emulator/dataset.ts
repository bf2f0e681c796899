/** An uploaded training table with its resolved column types. */
import { parseCsv, type CsvTable } from './csv';
import { availableTypes, COLUMN_TYPES, type ColumnType } from './dataTypes';
import { badRequest } from './errors';

/**
 * One column of an uploaded training table, with its resolved type.
 * @internal
 */
export interface DatasetColumn {
  name: string;
  index: number;
  type: ColumnType;
  /** Where the type came from: the uploaded column information file, or inference. */
  typeSource: 'column_info' | 'inferred';
  available: ColumnType[];
}

/**
 * An uploaded learn CSV with typed columns (and the optional evaluation CSV).
 * @internal
 */
export interface Dataset {
  table: CsvTable;
  columns: DatasetColumn[];
  evaluation?: CsvTable;
}

/**
 * The raw files of one upload session.
 * @internal
 */
export interface UploadedFiles {
  learn?: Uint8Array;
  eval?: Uint8Array;
  columnInfo?: Uint8Array;
}

/**
 * Reads an upload session's learn CSV and applies the column information file: listed columns
 * take the listed type, unlisted ones are inferred. A type a column's values cannot take (e.g.
 * `float` for words) is a 400 naming the column, as is a listed column the data lacks.
 *
 * ## Example
 * ```ts
 * const ds = loadDataset({ learn: Buffer.from('a,b\n1,x\n') }, 'id');
 * ds.columns.map((c) => c.type); // ['integer', 'string']
 * ```
 * @internal
 */
export function loadDataset(files: UploadedFiles, externalProcessId: string): Dataset {
  if (files.learn === undefined) {
    throw badRequest(`Training data has not been uploaded for external_process_id '${externalProcessId}'.`);
  }
  const table = parseCsv(files.learn);
  if (table.columns.length === 0) throw badRequest('The uploaded training data is empty (no header row).');
  const declared = files.columnInfo === undefined ? new Map<string, ColumnType>() : readColumnInfo(files.columnInfo, table);
  const columns = table.columns.map((name, index): DatasetColumn => {
    const available = availableTypes(table.rows.map((r) => r[index]));
    const type = declared.get(name);
    if (type === undefined) return { name, index, type: available[0], typeSource: 'inferred', available };
    // Any column can be read as words or skipped; numbers and dates must parse.
    if (!available.includes(type) && type !== 'string' && type !== 'text' && type !== 'ignore') {
      throw badRequest(`Column '${name}' is declared '${type}' in the column information file, but its values read as ${available[0]}.`);
    }
    return { name, index, type, typeSource: 'column_info', available };
  });
  return { table, columns, evaluation: files.eval === undefined ? undefined : parseCsv(files.eval) };
}

function readColumnInfo(bytes: Uint8Array, learn: CsvTable): Map<string, ColumnType> {
  const info = parseCsv(bytes);
  const header = info.columns.map((c) => c.toLowerCase());
  if (header[0] !== 'column_name' || header[1] !== 'column_type') {
    throw badRequest(`The column information file must start with the header 'column_name,column_type' (got '${info.columns.join(',')}').`);
  }
  const types = new Map<string, ColumnType>();
  for (const [rawName, rawType] of info.rows) {
    const name = rawName.trim();
    const type = rawType.trim().toLowerCase();
    if (!(COLUMN_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`Column information file: unknown column_type '${rawType}' for column '${name}' (expected one of ${COLUMN_TYPES.join(', ')}).`);
    }
    if (!learn.columns.includes(name)) {
      throw badRequest(`Column information file names column '${name}', which the training data does not have.`);
    }
    types.set(name, type as ColumnType);
  }
  return types;
}
