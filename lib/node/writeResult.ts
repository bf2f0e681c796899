/** Writes archive entries into a folder without escaping it. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError, type TrainingResult } from 'prediction-one-rx';

/**
 * Resolves an archive entry name inside `dir`, refusing names that would escape it (`../`,
 * absolute paths, drive letters, NUL bytes).
 *
 * @internal
 */
export function safeEntryPath(dir: string, name: string): string {
  const root = path.resolve(dir);
  const normalized = name.replace(/\\/g, '/');
  if (normalized.includes('\0') || normalized.startsWith('/') || /^[a-zA-Z]:/.test(normalized)) {
    throw new ValidationError('result entry name', [`'${name}' is an absolute path`]);
  }
  const target = path.resolve(root, normalized);
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new ValidationError('result entry name', [`'${name}' escapes the output folder`]);
  }
  return target;
}

/**
 * Writes every file of a training result into `dir` (created if needed). Entry names that
 * would escape the folder are refused before anything is written.
 *
 * **Errors**: {@link ValidationError} for an unsafe entry name; file-system errors as they come.
 *
 * ## Example
 * ```ts
 * trainModel$(client, job).pipe(onlyResult(), concatMap((r) => writeResult(r, 'out'))).subscribe(console.log);
 * // ['out/metrics.csv', 'out/analysis_summary.csv', ...]
 * ```
 *
 * @param result - A downloaded result.
 * @param dir - Output folder.
 * @returns The paths written.
 */
export async function writeResult(result: TrainingResult, dir: string): Promise<string[]> {
  const targets = Object.keys(result.files).map((name) => [name, safeEntryPath(dir, name)] as const);
  const written: string[] = [];
  for (const [name, target] of targets) {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, result.files[name]);
    written.push(target);
  }
  return written;
}
