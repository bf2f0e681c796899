/** The emulator's strict validation of a Create Model config. */
import type { Dataset, DatasetColumn } from './dataset';
import { isMissing } from './dataTypes';
import { booleanValue, integerValue } from '../core/configValues';
import { badRequest } from './errors';
import type { TaskType } from '../core/trainingConfig';
export type { TaskType };

const TASK_TYPES: readonly TaskType[] = ['binary_classification', 'multi_classification', 'regression'];
const TIME_UNITS = ['year', 'month', 'day', 'hour', 'minute', 'eom'] as const;

/** Validated `config` of Create Model, with defaults applied. @internal */
export interface TrainingConfig {
  tc: string;
  tt: TaskType;
  tv?: string;
  cv: number;
  im: boolean;
  tsm: boolean;
  tsu?: (typeof TIME_UNITS)[number];
  tsc?: string;
  tsi?: number;
  tsf?: number;
  tst?: number;
  tss?: string;
  tsin: boolean;
  tsine: string[];
}

/**
 * Checks a Create Model `config` against the uploaded data and returns it typed. Every rule
 * failure is the documented 400 (`PREDA_EXTERNAL_BAD_REQUEST`) with a message naming the key
 * and what is wrong, since the real service documents no validation messages and a precise one
 * is what a client author needs. Time-series keys are only checked when `tsm` is true.
 *
 * ## Example
 * ```ts
 * validateConfig({ tc: 'y', tt: 'regression' }, dataset).cv; // 0
 * ```
 * @internal
 */
export function validateConfig(raw: unknown, dataset: Dataset): TrainingConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('config must be a JSON object.');
  const c = raw as Record<string, unknown>;
  const rows = dataset.table.rows.length;

  if (typeof c.tc !== 'string' || c.tc === '') throw bad('config.tc (target column) is required.');
  const target = column(dataset, c.tc, 'tc');
  if (target.type === 'ignore' || target.type === 'text') {
    throw bad(`config.tc: target column '${c.tc}' has type '${target.type}' and cannot be predicted.`);
  }
  if (typeof c.tt !== 'string' || !(TASK_TYPES as readonly string[]).includes(c.tt)) {
    throw bad(`config.tt must be one of ${TASK_TYPES.join(', ')} (got ${JSON.stringify(c.tt)}).`);
  }
  const tt = c.tt as TaskType;
  const values = distinctValues(dataset, target);
  let tv: string | undefined;
  if (tt === 'binary_classification') {
    if (c.tv === undefined || c.tv === null || c.tv === '') throw bad('config.tv (positive value) is required for binary_classification.');
    if (typeof c.tv !== 'string' && typeof c.tv !== 'number' && typeof c.tv !== 'boolean') throw bad('config.tv must be a string.');
    tv = String(c.tv).trim();
    // Gap choice (docs/CONTRACT.md): tv is the positive class, every other non-missing value the negative one.
    if (!values.has(tv)) throw bad(`config.tv: '${tv}' is not a value of column '${target.name}' (values: ${[...values].slice(0, 20).join(', ')}).`);
    if (values.size < 2) {
      throw bad(`config.tt: binary_classification needs a value other than tv '${tv}' in '${target.name}' (the negative class), found none.`);
    }
  } else if (tt === 'multi_classification' && values.size < 2) {
    throw bad(`config.tt: multi_classification needs at least 2 distinct values in '${target.name}', found ${values.size}.`);
  } else if (tt === 'regression' && target.type !== 'integer' && target.type !== 'float') {
    throw bad(`config.tt: regression needs a numeric target, but '${target.name}' has type '${target.type}'.`);
  }

  // The vendor's own Train example sends `'cv': "2"`: integer strings count as integers.
  const cv = c.cv === undefined || c.cv === null ? 0 : integerValue(c.cv);
  if (cv === undefined || cv < -1 || (cv > rows && cv >= 2)) {
    throw bad(`config.cv must be an integer: 0 (auto), -1 (always k-fold), 1 (no CV) or k with 2 <= k <= ${rows} rows (got ${JSON.stringify(c.cv)}).`);
  }
  const im = bool(c.im, 'im');
  if (im && tt === 'regression') throw bad('config.im (imbalance handling) applies to classification only, not regression.');
  const tsm = bool(c.tsm, 'tsm');
  const config: TrainingConfig = { tc: c.tc, tt, tv, cv, im, tsm, tsin: bool(c.tsin, 'tsin'), tsine: [] };
  if (tsm) validateTimeSeries(c, dataset, config);
  return config;
}

function validateTimeSeries(c: Record<string, unknown>, dataset: Dataset, config: TrainingConfig): void {
  if (config.tt !== 'regression') throw bad(`config.tsm (time-series mode) is for regression only, not ${config.tt}.`);
  if (typeof c.tsc !== 'string' || c.tsc === '') throw bad('config.tsc (time column) is required with tsm.');
  const time = column(dataset, c.tsc, 'tsc');
  if (!['date', 'integer', 'float'].includes(time.type)) {
    throw bad(`config.tsc: time column '${c.tsc}' must be a date or numeric column, but has type '${time.type}'.`);
  }
  const tsf = integerValue(c.tsf);
  const tst = integerValue(c.tst);
  if (tsf === undefined) throw bad(`config.tsf (forecast start) must be an integer with tsm (got ${JSON.stringify(c.tsf)}).`);
  if (tst === undefined) throw bad(`config.tst (forecast end) must be an integer with tsm (got ${JSON.stringify(c.tst)}).`);
  if (tsf < 1) throw bad(`config.tsf must be >= 1 (got ${tsf}).`);
  if (tst < tsf) throw bad(`config.tst must be >= tsf (got tsf=${tsf}, tst=${tst}).`);
  if (c.tsu !== undefined && c.tsu !== null && c.tsu !== '' && !(TIME_UNITS as readonly unknown[]).includes(c.tsu)) {
    throw bad(`config.tsu must be one of ${TIME_UNITS.join(', ')} (got ${JSON.stringify(c.tsu)}).`);
  }
  const tsi = c.tsi === undefined || c.tsi === null ? undefined : integerValue(c.tsi);
  if (c.tsi !== undefined && c.tsi !== null && (tsi === undefined || tsi < 0)) {
    throw bad(`config.tsi (time interval) must be an integer >= 0 (got ${JSON.stringify(c.tsi)}).`);
  }
  if (c.tss !== undefined && c.tss !== null && c.tss !== '') {
    if (typeof c.tss !== 'string') throw bad('config.tss (series column) must be a column name.');
    column(dataset, c.tss, 'tss');
    config.tss = c.tss;
  }
  const tsine = c.tsine === undefined || c.tsine === null ? [] : c.tsine;
  if (!Array.isArray(tsine) || !tsine.every((x): x is string => typeof x === 'string')) {
    throw bad('config.tsine must be a list of column names.');
  }
  for (const name of tsine) column(dataset, name, 'tsine');
  Object.assign(config, {
    tsc: c.tsc,
    tsf,
    tst,
    tsu: typeof c.tsu === 'string' && c.tsu !== '' ? c.tsu : undefined,
    tsi,
    tsine,
  });
}

function column(dataset: Dataset, name: string, key: string): DatasetColumn {
  const found = dataset.columns.find((col) => col.name === name);
  if (found === undefined) {
    throw bad(`config.${key}: column '${name}' is not in the training data (columns: ${dataset.table.columns.join(', ')}).`);
  }
  return found;
}

function distinctValues(dataset: Dataset, col: DatasetColumn): Set<string> {
  const set = new Set<string>();
  for (const row of dataset.table.rows) if (!isMissing(row[col.index])) set.add(row[col.index].trim());
  return set;
}

function bool(value: unknown, key: string): boolean {
  if (value === undefined || value === null) return false;
  // As with cv, the examples' string form ("true"/"false") is accepted.
  const parsed = booleanValue(value);
  if (parsed === undefined) throw bad(`config.${key} must be true or false (got ${JSON.stringify(value)}).`);
  return parsed;
}

function bad(message: string): Error {
  return badRequest(message);
}
