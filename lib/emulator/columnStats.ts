/** The column statistics of the emulator's Train Data Set Info. */
import Papa from 'papaparse';
import type { Dataset, DatasetColumn } from './dataset';
import { DATA_TYPE_IDS, isMissing, parseDate, parseNumber } from './dataTypes';

/** Numeric summary of a column. @internal */
export interface NumericalValue {
  max_value: number;
  min_value: number;
  avg_value: number;
  median_value: number;
}

/** One column of the Train Data Set Info response. @internal */
export interface TrainingDataColumnInfo {
  column_id: number;
  name: string;
  initial_data_type: number;
  available_data_types: number[];
  unique_count: number;
  data_count: number;
  missing_count: number;
  cor_score: number | null;
  classify_value: { name: string; value: number }[];
  numerical_value: NumericalValue[];
  range_pick_info: {
    numeric: { max_val: number; min_val: number; initial_threshold: number } | null;
    date: { max_epoc_sec: number; min_epoc_sec: number; initial_threshold_epoc_sec: number; time_unit_id: number } | null;
  } | null;
}

/** The Train Data Set Info response. @internal */
export interface ColumnInfoResponse {
  raw_column_names: string[];
  raw_training_data: { row_data: string }[];
  training_data_columns: TrainingDataColumnInfo[];
  useless_column_list: string[];
  trainingdata_row_count: number;
}

/** How many top categories `classify_value` lists. */
const TOP_CLASSES = 20;
/** How many raw rows `raw_training_data` shows. */
const PREVIEW_ROWS = 5;

/**
 * Builds the Train Data Set Info response from an upload.
 *
 * `cor_score` is always null: it needs a target, which is only chosen at Create Model time, and
 * the emulator prefers no number to a made-up one. `classify_value` lists the most frequent values
 * of string columns (empty for others); `numerical_value` has one summary for numeric columns
 * (empty for others). `useless_column_list` names columns with at most one distinct value and
 * string columns whose every value is distinct (row ids). `time_unit_id` of dates: 1 year,
 * 2 month, 3 day, 4 hour, 5 minute (the smallest unit the values vary in).
 *
 * ## Example
 * ```ts
 * buildColumnInfo(loadDataset({ learn: Buffer.from('a\n1\n2\n') }, 'id')).trainingdata_row_count; // 2
 * ```
 * @internal
 */
export function buildColumnInfo(dataset: Dataset): ColumnInfoResponse {
  const { table, columns } = dataset;
  const infos = columns.map((c) =>
    columnInfo(
      c,
      table.rows.map((r) => r[c.index]),
    ),
  );
  const useless = infos
    .filter((info, i) => info.unique_count <= 1 || (columns[i].type === 'string' && info.data_count > 1 && info.unique_count === info.data_count))
    .map((info) => info.name);
  return {
    raw_column_names: table.columns,
    raw_training_data: table.rows.slice(0, PREVIEW_ROWS).map((row) => ({ row_data: Papa.unparse([row], { newline: '\n' }) })),
    training_data_columns: infos,
    useless_column_list: useless,
    trainingdata_row_count: table.rows.length,
  };
}

function columnInfo(column: DatasetColumn, cells: string[]): TrainingDataColumnInfo {
  const present = cells.filter((c) => !isMissing(c));
  const counts = new Map<string, number>();
  for (const c of present) counts.set(c, (counts.get(c) ?? 0) + 1);
  const numeric = column.type === 'integer' || column.type === 'float';
  const numbers = numeric ? present.map((c) => parseNumber(c) ?? NaN).filter((n) => !Number.isNaN(n)) : [];
  const dates = column.type === 'date' ? present.map((c) => parseDate(c) ?? NaN).filter((n) => !Number.isNaN(n)) : [];
  const summary = numbers.length > 0 ? summarize(numbers) : undefined;
  const dateSummary = dates.length > 0 ? summarize(dates.map((ms) => Math.floor(ms / 1000))) : undefined;
  return {
    column_id: column.index,
    name: column.name,
    initial_data_type: DATA_TYPE_IDS[column.type],
    available_data_types: column.available.map((t) => DATA_TYPE_IDS[t]),
    unique_count: counts.size,
    data_count: present.length,
    missing_count: cells.length - present.length,
    cor_score: null,
    classify_value:
      column.type === 'string'
        ? [...counts.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, TOP_CLASSES)
            .map(([name, value]) => ({ name, value }))
        : [],
    numerical_value: summary === undefined ? [] : [summary],
    range_pick_info:
      summary === undefined && dateSummary === undefined
        ? null
        : {
            numeric: summary === undefined ? null : { max_val: summary.max_value, min_val: summary.min_value, initial_threshold: summary.median_value },
            date:
              dateSummary === undefined
                ? null
                : {
                    max_epoc_sec: dateSummary.max_value,
                    min_epoc_sec: dateSummary.min_value,
                    initial_threshold_epoc_sec: dateSummary.median_value,
                    time_unit_id: timeUnitId(dates),
                  },
          },
  };
}

function summarize(values: number[]): NumericalValue {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    max_value: sorted[sorted.length - 1],
    min_value: sorted[0],
    avg_value: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    median_value: median,
  };
}

function timeUnitId(epochMs: number[]): number {
  const dates = epochMs.map((ms) => new Date(ms));
  if (dates.some((d) => d.getUTCMinutes() !== 0)) return 5;
  if (dates.some((d) => d.getUTCHours() !== 0)) return 4;
  if (dates.some((d) => d.getUTCDate() !== 1)) return 3;
  if (dates.some((d) => d.getUTCMonth() !== 0)) return 2;
  return 1;
}
