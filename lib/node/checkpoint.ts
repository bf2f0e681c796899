/**
 * A crash-safe, append-only record of how far each job of a batch got, so a batch can be
 * resumed without uploading or training anything twice.
 *
 * @packageDocumentation
 */
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * How far a job got. Records are written only after the stage is reached (or, for
 * `training-requested`, just before Create Model is sent):
 *
 * - `uploaded`: every file is uploaded; `externalProcessId` is set.
 * - `training-requested`: Create Model is about to be sent (it may or may not have reached
 *   the service; a resume polls the status before sending it again).
 * - `training-started`: Create Model was accepted.
 * - `downloaded`: the result is written to `resultDir`.
 *
 * ## Example
 * ```ts
 * const stage: CheckpointStage = 'training-started';
 * ```
 */
export type CheckpointStage = 'uploaded' | 'training-requested' | 'training-started' | 'downloaded';

/**
 * One line of a checkpoint file: a snapshot of one job's progress. The last record of a key
 * wins. No secrets and no pre-signed URLs are ever written.
 *
 * ## Example
 * ```ts
 * const record: CheckpointRecord = { v: 1, key: 'shop-12', stage: 'uploaded', externalProcessId: '5f0c…', at: new Date().toISOString() };
 * ```
 */
export interface CheckpointRecord {
  /** Format version, `1`. */
  readonly v: 1;
  readonly key: string;
  readonly stage: CheckpointStage;
  readonly externalProcessId?: string;
  /** Folder the result was written to (`downloaded`). */
  readonly resultDir?: string;
  /** The headline metric of the result (`downloaded`), for summaries of skipped jobs. */
  readonly score?: { readonly name: string; readonly value: number | string };
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

const STAGES: readonly string[] = ['uploaded', 'training-requested', 'training-started', 'downloaded'];

function asRecord(value: unknown): CheckpointRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (r.v !== 1 || typeof r.key !== 'string' || !STAGES.includes(r.stage as string)) return undefined;
  if (r.stage !== 'downloaded' && typeof r.externalProcessId !== 'string') return undefined;
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
 * await cp.write({ key: 'a', stage: 'uploaded', externalProcessId: id });
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
  write(record: Omit<CheckpointRecord, 'v' | 'at'>): Promise<CheckpointRecord>;
  /** Waits for queued writes and closes the file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) a checkpoint file for appending. Existing records are loaded; a torn
 * last line left by a crash is cut off first, so the next record starts on a line of its own.
 * With `fresh`, an existing file is emptied instead (a new batch).
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
 *   await cp.write({ key: 'a', stage: 'downloaded', resultDir: 'out/a' });
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
  if (options.fresh) await open(file, 'w').then((h) => h.close());
  else if (loaded.tornTail) await truncate(file, loaded.validBytes);
  const records = new Map(loaded.records);
  const handle: FileHandle = await open(file, 'a');
  await syncDir(path.dirname(path.resolve(file)));
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    file,
    records,
    write(partial) {
      if (closed) return Promise.reject(new CheckpointError(`${file} is closed`));
      const record: CheckpointRecord = { v: 1, ...partial, at: new Date().toISOString() };
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
