/**
 * The checks `p1rx train` and `p1rx batch` run on a job before anything is uploaded: its config,
 * its data against the config (from a bounded head of each file) and its evaluation file.
 *
 * @packageDocumentation
 */
import { open } from 'node:fs/promises';
import { decodeCsv, trainingConfigIssues, trainingDataIssues, type CsvEncoding, type TrainingConfig } from 'prediction-one-rx';
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

/**
 * Every problem of one job found locally: config, training data against the config, and the
 * evaluation file's header. Files are sampled (first {@link SAMPLE_BYTES}).
 *
 * @internal
 */
export async function jobIssues(
  job: { csv: string; eval?: string; config: TrainingConfig; encoding?: CsvEncoding },
  read: (file: string, encoding?: CsvEncoding) => Promise<{ head: string; complete: boolean }> = readHead,
): Promise<string[]> {
  const issues = trainingConfigIssues(job.config);
  let header: string[] = [];
  try {
    const { head, complete } = await read(job.csv, job.encoding);
    issues.push(...trainingDataIssues(head, job.config, { complete, label: `file ${job.csv}` }));
    header = (Papa.parse<string[]>(head.replace(/^\uFEFF/, ''), { preview: 1 }).data[0] ?? []).map((h) => h.trim());
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
      const evalHeader = (Papa.parse<string[]>(head.replace(/^\uFEFF/, ''), { preview: 1 }).data[0] ?? []).map((h) => h.trim());
      const missing = header.filter((h) => !evalHeader.includes(h));
      if (unreadable.length === 0 && missing.length > 0) issues.push(`${job.eval}: missing columns ${missing.map((m) => `'${m}'`).join(', ')}`);
    } catch (err) {
      issues.push(`${job.eval}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return issues;
}
