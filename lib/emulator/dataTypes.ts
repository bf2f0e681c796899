/** Column types of the column information file and their integer codes. */
/**
 * Column types of the column information file, and the integers the emulator uses for them.
 *
 * The contract leaves `initial_data_type` / `available_data_types` undocumented; the emulator
 * uses 1 = string, 2 = integer, 3 = float, 4 = date, 5 = text, 6 = ignore.
 */
import type { ColumnType } from '../core/columnSpec';
export type { ColumnType };

/**
 * The emulator's integer for each column type (used in `initial_data_type` and
 * `available_data_types` of Train Data Set Info): 1 string, 2 integer, 3 float, 4 date, 5 text, 6 ignore.
 *
 * ## Example
 * ```ts
 * DATA_TYPE_IDS.float; // 3
 * ```
 */
export const DATA_TYPE_IDS: Readonly<Record<ColumnType, number>> = {
  string: 1,
  integer: 2,
  float: 3,
  date: 4,
  text: 5,
  ignore: 6,
};

/** Every column type, in id order. @internal */
export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'integer', 'float', 'date', 'text', 'ignore'];

/**
 * True for a blank cell (the emulator's only missing-value marker: Prediction One treats empty
 * cells as missing, while strings like `NA` may be real categories).
 *
 * ## Example
 * ```ts
 * isMissing('  '); // true
 * ```
 * @internal
 */
export function isMissing(cell: string): boolean {
  return cell.trim() === '';
}

/**
 * A finite number, or undefined when the cell is not numeric.
 *
 * ## Example
 * ```ts
 * parseNumber(' 3.5 '); // 3.5
 * ```
 * @internal
 */
export function parseNumber(cell: string): number | undefined {
  const s = cell.trim();
  if (s === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const DATE_RE = /^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch milliseconds of a date cell (`YYYY-MM[-DD][ hh:mm[:ss]]`, `-` or `/`), read as UTC
 * so results do not depend on the machine's time zone; undefined when not a date.
 *
 * ## Example
 * ```ts
 * parseDate('2012-01-02'); // 1325462400000
 * ```
 * @internal
 */
export function parseDate(cell: string): number | undefined {
  const m = DATE_RE.exec(cell.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const month = Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (zone !== undefined) {
    const t = Date.parse(cell.trim().replace(/\//g, '-').replace(' ', 'T'));
    return Number.isNaN(t) ? undefined : t;
  }
  return Date.UTC(Number(y), month - 1, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
}

/**
 * The types a column's non-missing values can be read as, most specific first, always ending
 * with `ignore`.
 *
 * ## Example
 * ```ts
 * availableTypes(['1', '2']); // ['integer', 'float', 'string', 'ignore']
 * ```
 * @internal
 */
export function availableTypes(values: readonly string[]): ColumnType[] {
  const present = values.filter((v) => !isMissing(v));
  const numbers = present.map(parseNumber);
  if (present.length > 0 && numbers.every((n) => n !== undefined)) {
    return numbers.every((n) => Number.isInteger(n)) ? ['integer', 'float', 'string', 'ignore'] : ['float', 'string', 'ignore'];
  }
  if (present.length > 0 && present.every((v) => parseDate(v) !== undefined)) return ['date', 'string', 'ignore'];
  return looksLikeText(present) ? ['text', 'string', 'ignore'] : ['string', 'text', 'ignore'];
}

/**
 * The type the emulator infers when the column information file does not name one.
 *
 * ## Example
 * ```ts
 * inferColumnType(['2020-01-01']); // 'date'
 * ```
 * @internal
 */
export function inferColumnType(values: readonly string[]): ColumnType {
  return availableTypes(values)[0];
}

/** Free text: long values made of several words (categories are short labels). */
function looksLikeText(values: readonly string[]): boolean {
  if (values.length === 0) return false;
  const avgLength = values.reduce((sum, v) => sum + v.length, 0) / values.length;
  const avgWords = values.reduce((sum, v) => sum + v.trim().split(/\s+/).length, 0) / values.length;
  return avgLength > 40 && avgWords > 4;
}
