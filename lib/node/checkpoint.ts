/**
 * A crash-safe, append-only record of how far each job of a batch got, so a batch can be
 * resumed without uploading or training anything twice.
 *
 * @packageDocumentation
 */
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { JobRecord, JobStage } from '../pipeline/jobStep';

/**
 * How far a job got: the {@link JobStage} of the job's record. Each stage is written (and
 * fsync'ed) before the request it announces (`uploading` before the first PUT, `creating`
 * before Create Model) or right after the answer it records, before the next step starts.
 *
 * ## Example
 * ```ts
 * const stage: CheckpointStage = 'training';
 * ```
 */
export type CheckpointStage = JobStage;

/**
 * One line of a checkpoint file: a job's {@link JobRecord} (the same record a fleet job
 * carries as its data) with a format version and a time. The last record of a key wins. No
 * secrets and no pre-signed URLs are ever written.
 *
 * Files written by earlier versions (`v: 1`, stages `uploaded`, `training-requested`,
 * `training-started`, `downloaded`) are read and upgraded (`training-requested` is `creating`,
 * `training-started` is `training`).
 *
 * ## Example
 * ```ts
 * const record: CheckpointRecord = { v: 2, key: 'shop-12', stage: 'uploading', externalProcessId: '5f0c…', polls: 0, at: new Date().toISOString() };
 * ```
 */
export interface CheckpointRecord extends JobRecord {
  /** Format version, `2`. */
  readonly v: 2;
  /** When the record was written (ISO 8601). */
  readonly at: string;
}

/**
 * The contents of a checkpoint file.
 *
 * ## Example
 * ```ts
 * const { records, tornTail } = parseCheckpoint(text);
 * console.log(records.get('shop-12')?.stage, tornTail);
 * ```
 */
export interface CheckpointContents {
  /** The last record of each key. */
  readonly records: ReadonlyMap<string, CheckpointRecord>;
  /** Whether the text ended with an incomplete line (a write cut off by a crash); it was ignored. */
  readonly tornTail: boolean;
  /** Length in bytes of the well-formed part (every complete line). */
  readonly validBytes: number;
}

/**
 * A checkpoint file that is not a torn write: a complete line in the middle that is not a record.
 *
 * ## Example
 * ```ts
 * try { await loadCheckpoint(file); } catch (e) { if (e instanceof CheckpointError) console.error(e.message); }
 * ```
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const STAGES: readonly string[] = ['new', 'uploading', 'uploaded', 'creating', 'training', 'downloaded'] satisfies readonly JobStage[];
/** Stages of format 1 and what they are now. */
const V1_STAGES: Readonly<Record<string, JobStage>> = {
  uploaded: 'uploaded',
  'training-requested': 'creating',
  'training-started': 'training',
  downloaded: 'downloaded',
};

function asRecord(value: unknown): CheckpointRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.key !== 'string') return undefined;
  if (r.v === 1) {
    const stage = V1_STAGES[r.stage as string];
    if (stage === undefined || (stage !== 'downloaded' && typeof r.externalProcessId !== 'string')) return undefined;
    const upgraded = { ...r, v: 2, stage, polls: 0, ...(stage === 'creating' ? { createAttempts: 1 } : {}) };
    return upgraded as unknown as CheckpointRecord;
  }
  if (r.v !== 2 || !STAGES.includes(r.stage as string) || typeof r.polls !== 'number') return undefined;
  if (r.stage !== 'new' && r.stage !== 'downloaded' && typeof r.externalProcessId !== 'string') return undefined;
  return value as CheckpointRecord;
}

/**
 * Parses the text of a checkpoint file. A last line without its newline is a write that a
 * crash cut off: it is ignored (even if it happens to parse). Any other line that is not a
 * record is an error, since the writer never produces one.
 *
 * **Errors**: {@link CheckpointError} naming the line.
 *
 * ## Example
 * ```ts
 * parseCheckpoint('{"v":1,"key":"a","stage":"uploaded","externalProcessId":"x","at":"…"}\n{"v":1,"ke');
 * // { records: Map { 'a' => { stage: 'uploaded', … } }, tornTail: true, validBytes: 70 }
 * ```
 *
 * @param text - The file's text.
 * @param file - Name used in error messages.
 * @returns The last record per key.
 */
export function parseCheckpoint(text: string, file = 'checkpoint'): CheckpointContents {
  const records = new Map<string, CheckpointRecord>();
  const end = text.lastIndexOf('\n') + 1;
  const complete = text.slice(0, end);
  const lines = complete.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new CheckpointError(`${file} line ${i + 1}: not JSON (the file was not written by p1rx, or was edited)`);
    }
    const record = asRecord(parsed);
    if (!record) throw new CheckpointError(`${file} line ${i + 1}: not a checkpoint record`);
    records.set(record.key, record);
  });
  return { records, tornTail: end < text.length, validBytes: Buffer.byteLength(complete) };
}

/**
 * Reads a checkpoint file; a missing file is an empty checkpoint.
 *
 * **Errors**: {@link CheckpointError} for a corrupt line; file-system errors as they come.
 *
 * ## Example
 * ```ts
 * const { records } = await loadCheckpoint('out/.p1rx-checkpoint.jsonl');
 * for (const [key, r] of records) console.log(key, r.stage);
 * ```
 *
 * @param file - Path of the checkpoint.
 * @returns Its contents.
 */
export async function loadCheckpoint(file: string): Promise<CheckpointContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: new Map(), tornTail: false, validBytes: 0 };
    throw err;
  }
  return parseCheckpoint(text, file);
}

/**
 * An open checkpoint: the records loaded when it was opened, updated by every write.
 *
 * ## Example
 * ```ts
 * const cp = await openCheckpoint('out/.p1rx-checkpoint.jsonl');
 * await cp.write({ key: 'a', stage: 'uploaded', externalProcessId: id, polls: 0 });
 * await cp.close();
 * ```
 */
export interface CheckpointWriter {
  readonly file: string;
  /** The last record per key (loaded, then kept up to date). */
  readonly records: ReadonlyMap<string, CheckpointRecord>;
  /**
   * Appends one record and waits until it is on disk (`fdatasync`). Writes are queued, so
   * concurrent callers never interleave lines.
   */
  write(record: JobRecord): Promise<CheckpointRecord>;
  /** Waits for queued writes and closes the file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) a checkpoint file for appending. Existing records are loaded and the file
 * is compacted to the last record per key (written to a temporary file, fsync'ed, renamed over
 * the old one, directory fsync'ed), which also drops a torn last line left by a crash, so the
 * next record starts on a line of its own. With `fresh`, an existing file is emptied instead
 * (a new batch).
 *
 * Each {@link CheckpointWriter.write} is one `write` of one line on a file opened with `'a'`,
 * followed by `fdatasync` before the promise resolves: a `kill -9` (or a power cut, once the
 * write resolved) at any instant leaves complete records plus at most one torn last line.
 *
 * **Errors**: {@link CheckpointError} for a corrupt file; file-system errors as they come.
 *
 * ## Example
 * ```ts
 * const cp = await openCheckpoint('out/.p1rx-checkpoint.jsonl');
 * if (cp.records.get('a')?.stage !== 'downloaded') {
 *   await cp.write({ key: 'a', stage: 'downloaded', polls: 0, resultDir: 'out/a' });
 * }
 * await cp.close();
 * ```
 *
 * @param file - Path of the checkpoint (its folder is created).
 * @param options - `fresh: true` starts an empty checkpoint.
 * @returns The writer.
 */
export async function openCheckpoint(file: string, options: { fresh?: boolean } = {}): Promise<CheckpointWriter> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const loaded = options.fresh ? { records: new Map<string, CheckpointRecord>(), tornTail: false, validBytes: 0 } : await loadCheckpoint(file);
  const records = new Map(loaded.records);
  await replaceFile(file, [...records.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
  const handle: FileHandle = await open(file, 'a');
  await syncDir(path.dirname(path.resolve(file)));
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    file,
    records,
    write(partial) {
      if (closed) return Promise.reject(new CheckpointError(`${file} is closed`));
      const record: CheckpointRecord = { v: 2, ...partial, at: new Date().toISOString() };
      const done = queue.then(async () => {
        await handle.write(`${JSON.stringify(record)}\n`);
        await handle.datasync();
        records.set(record.key, record);
        return record;
      });
      // A failed write fails its caller; later writes still run.
      queue = done.catch(() => undefined);
      return done;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await handle.close();
    },
  };
}

/** Replaces `file` atomically with `text`: write a temporary file, fsync it, rename it over, fsync the folder. */
async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const h = await open(tmp, 'w');
  try {
    await h.write(text);
    await h.sync();
  } finally {
    await h.close();
  }
  await rename(tmp, file);
  await syncDir(path.dirname(path.resolve(file)));
}

/** Makes a new file's directory entry durable too (best effort: not every platform allows it). */
async function syncDir(dir: string): Promise<void> {
  try {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Windows cannot open directories; the file's own fsync is what matters for kill -9.
  }
}
