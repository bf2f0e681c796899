/** A crash-safe, append-only checkpoint of a batch's jobs. */
/**
 * A crash-safe, append-only record of how far each job of a batch got, so a batch can be
 * resumed without uploading or training anything twice.
 *
 * @packageDocumentation
 */
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { JobRecord, JobStage } from '../pipeline/jobStep';
import { CheckpointError } from './checkpointError';
import { lockCheckpoint, type CheckpointLock, type LockCheckpointOptions } from './checkpointLock';

export { CheckpointError } from './checkpointError';

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
export interface CheckpointRecord extends Omit<JobRecord, 'v'> {
  /** Format version of the line, `2` (its job record is {@link JobRecord} version 1). */
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
  if (r.fingerprint !== undefined && (typeof r.fingerprint !== 'string' || r.fingerprint.length > 1024)) return undefined;
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
 * The few file operations a checkpoint writer uses, injectable so a spec can make a write short
 * or fail it with `ENOSPC` (a full disk) at a chosen moment. The default is `node:fs/promises`.
 *
 * ## Example
 * ```ts
 * const fs: CheckpointFs = { open: async (file, flags, mode) => { const h = await open(file, flags, mode); return { ...h, write: (b, o, l) => h.write(b, o, Math.min(l, 8)), datasync: () => h.datasync(), sync: () => h.sync(), close: () => h.close() }; } };
 * ```
 */
export interface CheckpointFs {
  open(file: string, flags: 'a' | 'w', mode?: number): Promise<CheckpointFileHandle>;
}

/**
 * An open file as a {@link CheckpointFs} gives it: the part of Node's `FileHandle` the writer uses.
 *
 * ## Example
 * ```ts
 * const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
 * ```
 */
export interface CheckpointFileHandle {
  /** Writes up to `length` bytes of `buffer` from `offset`; may write fewer (`bytesWritten`). */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ readonly bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** `node:fs/promises`. */
const nodeFs: CheckpointFs = { open: (file, flags, mode) => open(file, flags, mode) };

/**
 * A record could not be written (a full disk, an I/O error): the writer stops, and every later
 * write fails with the same error, since a half-written line must stay the file's last.
 *
 * ## Example
 * ```ts
 * cp.write(record).catch((e) => { if (e instanceof CheckpointWriteError) console.error(e.message); });
 * ```
 */
export class CheckpointWriteError extends CheckpointError {
  override readonly name = 'CheckpointWriteError';
  constructor(
    readonly file: string,
    /** The file-system error code (`ENOSPC`, `EIO`, …). */
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(
      `${file} could not be written (${code ?? String(cause)}${code === 'ENOSPC' ? ': the disk is full' : ''}); records written before are safe. ` +
        `Free some space (or give --checkpoint a file on another disk, after copying this one there), then run the same command with --resume.`,
      { cause },
    );
  }
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
   * Appends one record and resolves once every byte of it is on disk (a short write goes on
   * with the rest; then `fdatasync`). Writes are queued, so concurrent callers never interleave
   * lines. A failed write rejects with {@link CheckpointWriteError}, and so do all later ones.
   */
  write(record: JobRecord): Promise<CheckpointRecord>;
  /** The error that stopped the writer, if one did. */
  readonly failure: CheckpointWriteError | undefined;
  /**
   * Waits for queued writes, closes the file and releases the lock. With `removeIfEmpty`, a
   * checkpoint that holds no record is deleted (a batch that sent nothing leaves nothing behind).
   * Idempotent.
   */
  close(options?: { removeIfEmpty?: boolean }): Promise<void>;
}

/**
 * Options of {@link openCheckpoint}.
 *
 * ## Example
 * ```ts
 * const options: OpenCheckpointOptions = { fresh: true, lock: { wait: true } };
 * ```
 */
export interface OpenCheckpointOptions {
  /** Start an empty checkpoint, emptying an existing one (a new batch). */
  readonly fresh?: boolean;
  /** A lock already taken with {@link lockCheckpoint} (released by `close`), or how to take one. Default: take it, failing if held. */
  readonly lock?: CheckpointLock | LockCheckpointOptions;
  /** The file layer (default `node:fs/promises`). */
  readonly fs?: CheckpointFs;
}

/**
 * Why a checkpoint file cannot be continued, without changing it: it is read-only (its mode, a
 * read-only mount or no permission). `undefined` when it is writable or does not exist yet.
 *
 * ## Example
 * ```ts
 * const issue = await checkpointIssue('out/.p1rx-checkpoint.jsonl');
 * if (issue) console.error(issue);
 * ```
 *
 * @param file - Path of the checkpoint.
 * @returns The problem, or `undefined`.
 */
export async function checkpointIssue(file: string): Promise<string | undefined> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  const readOnly = `${file} is read-only: p1rx will not replace it. Make it writable (chmod u+w ${file}) to continue it, or give --checkpoint another file`;
  // The mode first: root may write a file whose mode says read-only, and p1rx keeps that promise too.
  if ((mode & 0o200) === 0) return `${readOnly} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`;
  try {
    await (await open(file, 'r+')).close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `${readOnly} (${code})`;
    return `${file} cannot be opened (${code ?? String(err)})`;
  }
  return undefined;
}

/**
 * Opens (or creates) a checkpoint file for appending, holding its exclusive lock
 * ({@link lockCheckpoint}) until `close`: a second process refuses (or waits) instead of
 * writing beside this one. Existing records are loaded and the file is compacted to the last
 * record per key (written to a temporary file with the same mode, fsync'ed, renamed over the
 * old one, directory fsync'ed), which also drops a torn last line left by a crash, so the next
 * record starts on a line of its own. The lock is taken before the compaction, so a file
 * another process appends to is never replaced. With `fresh`, an existing file is emptied
 * instead (a new batch).
 *
 * Each {@link CheckpointWriter.write} writes one line on a file opened with `'a'` (looping over
 * short writes) and `fdatasync`s it before its promise resolves: a `kill -9` (or a power cut,
 * once the write resolved) at any instant leaves complete records plus at most one torn last
 * line. A write that fails stops the writer: the torn line stays last, and is dropped by the
 * next open.
 *
 * **Errors**: {@link CheckpointError} for a corrupt or read-only file;
 * {@link CheckpointLockedError} when another process holds it; file-system errors as they come.
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
 * @param options - `fresh: true` starts an empty checkpoint; the lock; the file layer.
 * @returns The writer.
 */
export async function openCheckpoint(file: string, options: OpenCheckpointOptions = {}): Promise<CheckpointWriter> {
  const fs = options.fs ?? nodeFs;
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  const issue = await checkpointIssue(file);
  if (issue) throw new CheckpointError(issue);
  const lock = options.lock !== undefined && 'release' in options.lock ? options.lock : await lockCheckpoint(file, options.lock);
  let handle: CheckpointFileHandle;
  let records: Map<string, CheckpointRecord>;
  try {
    const loaded = options.fresh ? { records: new Map<string, CheckpointRecord>(), tornTail: false, validBytes: 0 } : await loadCheckpoint(file);
    records = new Map(loaded.records);
    await replaceFile(fs, file, [...records.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
    handle = await fs.open(file, 'a');
    await syncDir(dir);
  } catch (err) {
    await lock.release();
    // The compaction could not be written (a full disk): the old file is untouched (atomic replace).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO') throw new CheckpointWriteError(file, code, err);
    throw err;
  }
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  let failure: CheckpointWriteError | undefined;
  return {
    file,
    records,
    get failure() {
      return failure;
    },
    write(partial) {
      if (closed) return Promise.reject(new CheckpointError(`${file} is closed`));
      // The line's own version replaces the job record's (`v: 1`, implied by line version 2).
      const record: CheckpointRecord = { ...partial, v: 2, at: new Date().toISOString() };
      const done = queue.then(async () => {
        if (failure) throw failure;
        try {
          await writeAll(handle, `${JSON.stringify(record)}\n`);
          await handle.datasync();
        } catch (err) {
          // Nothing more is appended after a torn line: it must stay the last, to be dropped on resume.
          failure = new CheckpointWriteError(file, (err as NodeJS.ErrnoException).code, err);
          throw failure;
        }
        records.set(record.key, record);
        return record;
      });
      queue = done.catch(() => undefined);
      return done;
    },
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      try {
        await queue;
        await handle.close();
        if (closeOptions.removeIfEmpty && records.size === 0 && !failure) await unlink(file).catch(() => undefined);
      } finally {
        await lock.release();
      }
    },
  };
}

/** Writes every byte of `text`: a write may store fewer bytes than asked (`bytesWritten`); go on with the rest. */
async function writeAll(handle: CheckpointFileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    // A write that stores nothing and reports no error would loop forever: call it a full disk.
    if (bytesWritten <= 0) throw Object.assign(new Error('write stored no bytes'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

/** Replaces `file` atomically with `text`: write a temporary file (the old file's mode), fsync it, rename it over, fsync the folder. */
async function replaceFile(fs: CheckpointFs, file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => undefined,
  );
  const h = await fs.open(tmp, 'w', mode ?? 0o644);
  try {
    await writeAll(h, text);
    await h.sync();
  } catch (err) {
    await h.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await h.close();
  // open() applies the umask; the replacement keeps the old file's mode exactly.
  if (mode !== undefined) await chmod(tmp, mode);
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
