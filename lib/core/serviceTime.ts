/** Reading the service's timestamps as instants. */
/**
 * Timestamps the service sends, read as one instant on every machine.
 *
 * @packageDocumentation
 */

/**
 * The offset of a timestamp the service writes without a zone: Japan Standard Time. Prediction
 * One is a Sony service run from Japan, and JST has had no daylight saving time since 1951, so
 * one fixed offset fits every date. See docs/CONTRACT.md.
 *
 * @internal
 */
export const SERVICE_UTC_OFFSET = '+09:00';

// `YYYY-MM-DD[ hh:mm[:ss[.fff]]]` (`-` or `/`, space or `T`) with no `Z` and no offset after it.
const ZONELESS = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?$/;
// Any other form must name its zone, or it would be read in the machine's local zone.
const ZONED = /(Z|GMT|UTC|[+-]\d{2}:?\d{2})$/i;

/**
 * Epoch milliseconds of a service timestamp, the same on every machine: a timestamp that names
 * its zone (`Z`, an offset, `GMT`) as written; a date and time without a zone
 * (`2026-12-07 04:00:00`, `2026/12/07 04:00`) in {@link SERVICE_UTC_OFFSET}, never in the
 * machine's local zone (which `Date.parse` would use); a bare date at 00:00 in that offset.
 * `NaN` for anything else, rather than a guess that differs between machines.
 *
 * ## Example
 * ```ts
 * new Date(parseServiceTime('2026-12-07 04:00:00')).toISOString(); // '2026-12-06T19:00:00.000Z'
 * parseServiceTime('2026-12-07T04:00:00Z'); // 1796616000000
 * ```
 * @internal
 */
export function parseServiceTime(text: string): number {
  const trimmed = text.trim();
  const zoneless = ZONELESS.exec(trimmed);
  if (zoneless) {
    const [, year, month, day, time = '00:00'] = zoneless;
    return Date.parse(`${year}-${month}-${day}T${time}${SERVICE_UTC_OFFSET}`);
  }
  return ZONED.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
}
