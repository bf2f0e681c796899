/** The typed config of Create Model and its validation. */
/**
 * The typed `config` of Create Model, and its validation before anything is sent.
 *
 * @packageDocumentation
 */
import { booleanValue, integerValue } from './configValues';
import { ValidationError } from './errors';

/**
 * Task types the service documents.
 *
 * ## Example
 * ```ts
 * const tt: TaskType = 'regression';
 * ```
 */
export type TaskType = 'binary_classification' | 'multi_classification' | 'regression';

/**
 * Time-series units; omit for automatic.
 *
 * ## Example
 * ```ts
 * const tsu: TimeSeriesUnit = 'day';
 * ```
 */
export type TimeSeriesUnit = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'eom';

/**
 * Keys every task shares. Integers and booleans may be given as strings (`"2"`, `"true"`), as
 * the vendor's examples send them, or as numbers and booleans; either way they are sent as
 * written, never converted.
 */
interface BaseConfig {
  /** Target column: the item to predict. */
  readonly tc: string;
  /** Cross-validation: `0` auto (default), `-1` always with auto k, `1` none, `k >= 2` k-fold. The vendor's example writes `"2"`. */
  readonly cv?: number | `${number}`;
}

/**
 * Binary classification: `tv` names the positive value of the target column.
 *
 * ## Example
 * ```ts
 * const config: BinaryClassificationConfig = { tt: 'binary_classification', tc: 'churned', tv: 'yes' };
 * ```
 */
export interface BinaryClassificationConfig extends BaseConfig {
  readonly tt: 'binary_classification';
  readonly tv: string;
  /** Rebalance imbalanced classes. */
  readonly im?: boolean | 'true' | 'false';
}

/**
 * Multi-class classification.
 *
 * ## Example
 * ```ts
 * const config: MultiClassificationConfig = { tt: 'multi_classification', tc: 'weather' };
 * ```
 */
export interface MultiClassificationConfig extends BaseConfig {
  readonly tt: 'multi_classification';
  readonly im?: boolean | 'true' | 'false';
}

/**
 * Regression without time series.
 *
 * ## Example
 * ```ts
 * const config: RegressionConfig = { tt: 'regression', tc: 'temp_max', cv: 5 };
 * ```
 */
export interface RegressionConfig extends BaseConfig {
  readonly tt: 'regression';
  readonly tsm?: false | 'false';
}

/**
 * Time-series regression: forecast `tc` from `tsf` to `tst` units ahead of the time column `tsc`.
 *
 * ## Example
 * ```ts
 * const config: TimeSeriesRegressionConfig = { tt: 'regression', tc: 'sales', tsm: true, tsc: 'date', tsu: 'day', tsf: 1, tst: 7 };
 * ```
 */
export interface TimeSeriesRegressionConfig extends BaseConfig {
  readonly tt: 'regression';
  readonly tsm: true | 'true';
  /** Time column. */
  readonly tsc: string;
  /** Time unit (omit for automatic). */
  readonly tsu?: TimeSeriesUnit;
  /** Time interval (0 or omitted: automatic). */
  readonly tsi?: number | `${number}`;
  /** First forecast step (>= 1). */
  readonly tsf: number | `${number}`;
  /** Last forecast step (>= tsf). */
  readonly tst: number | `${number}`;
  /** Series column, when the data holds several series. */
  readonly tss?: string;
  /** Whether the other columns are known in the forecast window. */
  readonly tsin?: boolean | 'true' | 'false';
  /** Exceptions to `tsin`. */
  readonly tsine?: readonly string[];
}

/**
 * The `config` of Create Model, as a union over the task type.
 *
 * ## Example
 * ```ts
 * const config: TrainingConfig = { tt: 'binary_classification', tc: 'survived', tv: '1', cv: 5 };
 * ```
 */
export type TrainingConfig = BinaryClassificationConfig | MultiClassificationConfig | RegressionConfig | TimeSeriesRegressionConfig;

const TASK_TYPES: readonly string[] = ['binary_classification', 'multi_classification', 'regression'];
const UNITS: readonly string[] = ['year', 'month', 'day', 'hour', 'minute', 'eom'];

const isName = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const INTEGER_KEYS = ['cv', 'tsi', 'tsf', 'tst'] as const;
const BOOLEAN_KEYS = ['im', 'tsm', 'tsin'] as const;

/**
 * `config` as the checks read it (never what is sent): integer and boolean strings read as
 * numbers and booleans (`"2"` -> `2`, `"true"` -> `true`), `null` optional keys as absent, and a
 * number `tv` as a string; values that do not parse are kept as they are, for the issues to name.
 */
function normalized(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) {
    if (value === null && key !== 'tc' && key !== 'tt') continue;
    out[key] = value;
  }
  for (const key of INTEGER_KEYS) if (out[key] !== undefined) out[key] = integerValue(out[key]) ?? out[key];
  for (const key of BOOLEAN_KEYS) if (out[key] !== undefined) out[key] = booleanValue(out[key]) ?? out[key];
  if (typeof out.tv === 'number' || typeof out.tv === 'boolean') out.tv = String(out.tv);
  return out;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Lists every problem of a training config (an empty list when it is valid). Checks what can
 * be checked without the data; the service checks the rest (that `tc` exists, and so on).
 * Integers and booleans are accepted as strings too (`cv: "2"`, `im: "true"`), as the vendor's
 * Train example sends them.
 *
 * ## Example
 * ```ts
 * trainingConfigIssues({ tt: 'binary_classification', tc: 'y' } as TrainingConfig);
 * // ['tv is required for binary_classification']
 * ```
 *
 * @param config - The config to check (typed loosely: it may come from JSON).
 * @returns Human-readable issues.
 */
export function trainingConfigIssues(config: unknown): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return ['config must be an object'];
  const c = normalized(config as Record<string, unknown>);
  const issues: string[] = [];
  if (!isName(c.tc)) issues.push('tc (target column) is required');
  if (!TASK_TYPES.includes(c.tt as string)) issues.push(`tt must be one of ${TASK_TYPES.join(', ')}, got ${JSON.stringify(c.tt)}`);
  if (c.cv !== undefined && !(isInt(c.cv) && c.cv >= -1)) issues.push('cv must be an integer: 0 (auto), -1, 1 or k >= 2');
  if (c.tt === 'binary_classification' && (c.tv === undefined || c.tv === null || String(c.tv) === '')) {
    issues.push('tv is required for binary_classification');
  }
  if (c.tt !== 'binary_classification' && c.tv !== undefined) issues.push('tv is only for binary_classification');
  if (c.im !== undefined && (typeof c.im !== 'boolean' || c.tt === 'regression')) {
    issues.push('im is a boolean, for classification only');
  }
  if (c.tsm !== undefined && typeof c.tsm !== 'boolean') issues.push('tsm must be a boolean');
  const timeSeriesKeys = ['tsu', 'tsc', 'tsi', 'tsf', 'tst', 'tss', 'tsin', 'tsine'].filter((k) => c[k] !== undefined);
  if (c.tsm === true) {
    if (c.tt !== 'regression') issues.push('tsm (time-series mode) is for regression only');
    if (!isName(c.tsc)) issues.push('tsc (time column) is required with tsm');
    if (!isInt(c.tsf) || c.tsf < 1) issues.push('tsf must be an integer >= 1');
    if (!isInt(c.tst) || (isInt(c.tsf) && c.tst < c.tsf)) issues.push('tst must be an integer >= tsf');
    if (c.tsu !== undefined && !UNITS.includes(c.tsu as string)) issues.push(`tsu must be one of ${UNITS.join(', ')}`);
    if (c.tsi !== undefined && !(isInt(c.tsi) && c.tsi >= 0)) issues.push('tsi must be an integer >= 0');
    if (c.tss !== undefined && !isName(c.tss)) issues.push('tss must be a column name');
    if (c.tsin !== undefined && typeof c.tsin !== 'boolean') issues.push('tsin must be a boolean');
    if (c.tsine !== undefined && !(Array.isArray(c.tsine) && c.tsine.every(isName))) issues.push('tsine must be a list of column names');
  } else if (timeSeriesKeys.length > 0) {
    issues.push(`${timeSeriesKeys.join(', ')} need tsm: true`);
  }
  return issues;
}

/**
 * Throws {@link ValidationError} listing every problem of `config`.
 *
 * ## Example
 * ```ts
 * assertTrainingConfig({ tt: 'regression', tc: 'price' }); // ok
 * ```
 *
 * @param config - The config to check.
 */
export function assertTrainingConfig(config: unknown): asserts config is TrainingConfig {
  const issues = trainingConfigIssues(config);
  if (issues.length > 0) throw new ValidationError('training config', issues);
}
