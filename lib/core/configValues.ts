/** Reading config values sent as strings, numbers or booleans. */
/**
 * Config values as the vendor's examples send them: the Train page's Python body writes
 * `'cv': "2"`, so integers and booleans may arrive as strings. Shared by the client's validation
 * and the emulator, so both read a value the same way.
 *
 * @packageDocumentation
 */

/**
 * The integer `value` stands for: a number that is an integer, or a string of one (`"2"`,
 * `" -1 "`); `undefined` for anything else (`"2.5"`, `"two"`, `""`, `true`).
 *
 * ## Example
 * ```ts
 * integerValue('2'); // 2
 * integerValue(2.5); // undefined
 * ```
 * @internal
 */
export function integerValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*[-+]?\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The boolean `value` stands for: a boolean, or the string `"true"` / `"false"` (any case, as
 * Python's `str(True)` writes `"True"`); `undefined` for anything else (`1`, `"yes"`).
 *
 * ## Example
 * ```ts
 * booleanValue('true'); // true
 * booleanValue('False'); // false
 * booleanValue(1); // undefined
 * ```
 * @internal
 */
export function booleanValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}
