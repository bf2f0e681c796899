/** The checks p1rx train and p1rx batch run on a job before anything is uploaded. */
/**
 * The checks `p1rx train` and `p1rx batch` run on a job before anything is uploaded: its config,
 * its data against the config (from a bounded head of each file) and its evaluation file.
 *
 * @packageDocumentation
 */
import { open } from 'node:fs/promises';
import type { CsvEncoding, TrainingConfig } from 'prediction-one-rx';
import { decodeCsv, trainingConfigIssues, trainingDataIssues } from 'prediction-one-rx/data';
import Papa from 'papaparse';

/** How much of each file is read for the checks: the library's column-inference head. @internal */
export const SAMPLE_BYTES = 1024 * 1024;

/**
 * The first `bytes` of a file as text (decoded with `encoding`, or the detected one: UTF-8 or
 * Shift_JIS), and whether that is all of it.
 *
 * @internal
 */
export async function readHead(file: string, encoding?: CsvEncoding, bytes = SAMPLE_BYTES): Promise<{ head: string; complete: boolean }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, bytes + 1, 0);
    const complete = bytesRead <= bytes;
    return { head: decodeCsv(buffer.subarray(0, Math.min(bytesRead, bytes)), { encoding, complete }).text, complete };
  } finally {
    await handle.close();
  }
}

/** How `p1rx train` names the config's wire codes: its flags. @internal */
export const TRAIN_FLAG_WORDS: Readonly<Record<string, string>> = { tt: '--type', tc: '--target', tv: '--positive', cv: '--cv' };

/** How `p1rx batch` names them: the manifest's fields. @internal */
export const MANIFEST_WORDS: Readonly<Record<string, string>> = { tt: 'type', tc: 'target', tv: 'positive', cv: 'cv' };

/**
 * An issue of the library (worded with the vendor's field codes: `tt`, `tc`, `tv`, `cv`) in
 * the words the user typed: a leading code (with its gloss) and a code in parentheses become
 * the flag or field.
 *
 * ## Example
 * ```ts
 * inUserWords('tv is required for binary_classification', TRAIN_FLAG_WORDS); // '--positive is required for binary_classification'
 * ```
 * @internal
 */
export function inUserWords(issue: string, words: Readonly<Record<string, string>>): string {
  return issue
    .replace(/^([a-z]+)\b(?: \([a-z -]+\))?(?= (is|must|need))/, (whole, code: string) => words[code] ?? whole)
    .replace(/\(([a-z]+)\)/g, (whole, code: string) => (words[code] === undefined ? whole : `(${words[code]})`));
}

/**
 * Every problem of one job found locally: config, training data against the config, and the
 * evaluation file's header. Files are sampled (first {@link SAMPLE_BYTES}).
 *
 * @internal
 */
export async function jobIssues(
  job: { csv: string; eval?: string; config: TrainingConfig; encoding?: CsvEncoding },
  read: (file: string, encoding?: CsvEncoding) => Promise<{ head: string; complete: boolean }> = readHead,
  words: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  const issues = await jobIssuesInWireWords(job, read);
  return issues.map((issue) => inUserWords(issue, words));
}

async function jobIssuesInWireWords(
  job: { csv: string; eval?: string; config: TrainingConfig; encoding?: CsvEncoding },
  read: (file: string, encoding?: CsvEncoding) => Promise<{ head: string; complete: boolean }>,
): Promise<string[]> {
  const issues = trainingConfigIssues(job.config);
  let header: string[] = [];
  try {
    const { head, complete } = await read(job.csv, job.encoding);
    issues.push(...trainingDataIssues(head, job.config, { complete, label: `file ${job.csv}` }));
    header = headerOf(head);
  } catch (err) {
    issues.push(`${job.csv}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (job.eval !== undefined) {
    try {
      const { head, complete } = await read(job.eval, job.encoding);
      const evalIssues = trainingDataIssues(head, job.config, { complete, label: `file ${job.eval}` });
      // The evaluation data is checked like the training data, and must have its columns.
      const unreadable = evalIssues.filter((i) => i.startsWith(`file ${job.eval}:`));
      issues.push(...unreadable);
      const evalHeader = headerOf(head);
      const missing = header.filter((h) => !evalHeader.includes(h));
      if (unreadable.length === 0 && missing.length > 0) issues.push(`${job.eval}: missing columns ${missing.map((m) => `'${m}'`).join(', ')}`);
    } catch (err) {
      issues.push(`${job.eval}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return issues;
}

/** The column names of a CSV head's first row (comma-separated, as the service reads it). */
function headerOf(head: string): string[] {
  return (Papa.parse<string[]>(head.replace(/^\uFEFF/, ''), { preview: 1, delimiter: ',' }).data[0] ?? []).map((h) => h.trim());
}

/** Fewest data rows with a target value a training is sent with no warning. @internal */
export const MIN_TRAINING_ROWS = 10;

/**
 * A warning, before the upload, when the data is too small for the cross-validation chosen:
 * fewer than {@link MIN_TRAINING_ROWS} rows with a target value, or fewer than two per fold
 * (`cv` 0 and -1 plan up to 5 folds). Only a complete sample is counted (a file over the head
 * size has rows enough). `undefined` when there is nothing to say.
 *
 * ## Example
 * ```ts
 * smallDataWarning('a,y\n1,yes\n2,no\n3,yes\n', true, { tt: 'binary_classification', tc: 'y', tv: 'yes', cv: 5 }, 'small.csv', '--cv');
 * // "small.csv has 3 data rows with a value in 'y': too few for --cv 5 (5-fold cross-validation needs at least 10, two per fold and 10 in all); the training will likely fail at the service"
 * ```
 * @internal
 */
export function smallDataWarning(head: string, complete: boolean, config: TrainingConfig, label: string, cvWord: string): string | undefined {
  if (!complete) return undefined;
  const rows = Papa.parse<string[]>(head.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy', delimiter: ',' }).data;
  const header = (rows[0] ?? []).map((h) => h.trim());
  const target = header.indexOf(config.tc);
  if (target < 0) return undefined;
  const n = rows.slice(1).filter((row) => (row[target] ?? '').trim() !== '').length;
  const cv = Number(config.cv ?? 0);
  const folds = cv >= 2 ? cv : cv === 1 ? 1 : 5;
  const needed = Math.max(MIN_TRAINING_ROWS, 2 * folds);
  if (n >= needed) return undefined;
  const scheme = folds === 1 ? 'an 80/20 holdout' : `${folds}-fold cross-validation`;
  const shown = config.cv === undefined ? `the default ${cvWord} 0` : `${cvWord} ${cv}`;
  return `${label} has ${n} data row${n === 1 ? '' : 's'} with a value in '${config.tc}': too few for ${shown} (${scheme} needs at least ${needed}${folds > 1 ? ', two per fold and 10 in all' : ''}); the training will likely fail at the service`;
}
