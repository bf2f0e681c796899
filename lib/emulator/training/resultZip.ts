/** Zips the emulator's result CSVs. */
import { strToU8, zipSync } from 'fflate';

/**
 * Zips result CSVs (deflate) into the archive served at `result_url`.
 *
 * ## Example
 * ```ts
 * const zip = buildResultZip({ 'metrics.csv': 'metric,value\naccuracy,0.9' });
 * ```
 * @internal
 */
export function buildResultZip(files: Readonly<Record<string, string>>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(files)) entries[name] = strToU8(text);
  return zipSync(entries, { level: 6 });
}
