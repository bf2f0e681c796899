/** A column of the training data and its type, as the column information file names them. */
/**
 * A column of the training data and its type, as the column information file names them.
 *
 * @packageDocumentation
 */

/**
 * Column types of the column information file. The vendor's pages name `string`, `date` and
 * `float` (their example types the integer column `年齢` as `float`); `integer`, `text` and
 * `ignore` are beyond the pages: they are sent only when a user names them, inference never
 * picks them.
 *
 * ## Example
 * ```ts
 * const type: ColumnType = 'float';
 * ```
 */
export type ColumnType = 'string' | 'integer' | 'float' | 'date' | 'text' | 'ignore';

/**
 * One row of the column information file.
 *
 * ## Example
 * ```ts
 * const columns: ColumnSpec[] = [{ name: 'date', type: 'date' }, { name: 'weather', type: 'string' }];
 * ```
 */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}
