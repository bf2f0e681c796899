/** One writer per checkpoint file. */
/**
 * One writer per checkpoint: an exclusive lock file beside it, naming the process that holds it.
 *
 * Why not a library: proper-lockfile (the well-kept choice) marks a lock with a folder whose
 * mtime a timer keeps fresh, and calls it stale after a time without an update. It records no
 * pid, so a refusal cannot say who holds the checkpoint, and a busy event loop or a suspended
 * laptop makes a live holder look stale. Here the lock is a file created with `O_EXCL` holding
 * the holder's pid, host and process start time: a lock whose process is gone (a `kill -9`) is
 * taken over at once, a live one is never taken, and no timer runs.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import { CheckpointError } from './checkpointError';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Who holds a checkpoint's lock, as its lock file says.
 *
 * ## Example
 * ```ts
 * const holder: CheckpointLockHolder = { pid: 4242, host: 'build-7', since: '2026-12-06T06:00:00.000Z' };
 * ```
 */
export interface CheckpointLockHolder {
  /** Process id of the holder. */
  readonly pid: number;
  /** Host name of the holder (a pid means nothing on another host). */
  readonly host: string;
  /** When it took the lock (ISO 8601). */
  readonly since: string;
  /** The holder's start time as the kernel counts it (Linux), so a reused pid is not taken for it. */
  readonly started?: string;
}

/**
 * Another live process holds the checkpoint.
 *
 * ## Example
 * ```ts
 * try { await lockCheckpoint(file); } catch (e) { if (e instanceof CheckpointLockedError) console.error(`held by pid ${e.holder.pid}`); }
 * ```
 */
export class CheckpointLockedError extends CheckpointError {
  override readonly name = 'CheckpointLockedError';
  constructor(
    readonly file: string,
    readonly holder: CheckpointLockHolder,
  ) {
    super(
      `${file} is in use by another p1rx (pid ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}, since ${holder.since}): ` +
        'wait for it to end (or add --wait-lock to wait), or give this run another --checkpoint and --out',
    );
  }
}

/**
 * A held checkpoint lock.
 *
 * ## Example
 * ```ts
 * const lock = await lockCheckpoint('out/.p1rx-checkpoint.jsonl');
 * try { … } finally { await lock.release(); }
 * ```
 */
export interface CheckpointLock {
  /** The lock file (`<checkpoint>.lock`). */
  readonly file: string;
  /** Removes the lock file if it is still this process's. Idempotent. */
  release(): Promise<void>;
}

/**
 * Options of {@link lockCheckpoint}.
 *
 * ## Example
 * ```ts
 * const options: LockCheckpointOptions = { wait: true, onWait: (h) => console.error(`waiting for pid ${h.pid}`) };
 * ```
 */
export interface LockCheckpointOptions {
  /** Wait until the holder releases it instead of failing. Default `false`. */
  readonly wait?: boolean;
  /** Called once when the lock is held by another process and `wait` is set. */
  readonly onWait?: (holder: CheckpointLockHolder) => void;
  /** Called when a lock left by a process that is gone is taken over. */
  readonly onStale?: (holder: CheckpointLockHolder) => void;
  /** Interval between attempts while waiting. Default 200 ms. */
  readonly retryMs?: number;
}

/** A lock file that holds no holder yet this long after its creation was left by a crash mid-create. */
const HALF_WRITTEN_STALE_MS = 5_000;

/**
 * Takes the exclusive lock of a checkpoint: creates `<file>.lock` with `O_EXCL`, holding this
 * process's pid, host and start time. A lock whose holder is gone (same host, no such process,
 * or a different process with that pid) is taken over, one taker at a time.
 *
 * **Errors**: {@link CheckpointLockedError} naming the holder (unless `wait`); file-system
 * errors as they come (a folder that is not writable).
 *
 * ## Example
 * ```ts
 * const lock = await lockCheckpoint('out/.p1rx-checkpoint.jsonl', { wait: true });
 * await lock.release();
 * ```
 *
 * @param file - Path of the checkpoint (the lock is `<file>.lock`).
 * @param options - Waiting and notices.
 * @returns The held lock.
 */
export async function lockCheckpoint(file: string, options: LockCheckpointOptions = {}): Promise<CheckpointLock> {
  const lockFile = `${file}.lock`;
  const mine: CheckpointLockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), started: processStart(process.pid) };
  const text = `${JSON.stringify(mine)}\n`;
  let told = false;
  for (;;) {
    const holder = await tryCreate(lockFile, text);
    if (holder === undefined) return held(lockFile, text);
    if (holder !== 'retry') {
      if (!isAlive(holder)) {
        options.onStale?.(holder);
        await takeOver(lockFile, holder);
        continue;
      }
      if (!options.wait) throw new CheckpointLockedError(file, holder);
      if (!told) options.onWait?.(holder);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? LIBRARY_DEFAULTS.node.lockRetryMs));
  }
}

function held(lockFile: string, text: string): CheckpointLock {
  let released = false;
  return {
    file: lockFile,
    async release() {
      if (released) return;
      released = true;
      // Only our own lock: never one a later process took over.
      const now = await readFile(lockFile, 'utf8').catch(() => undefined);
      if (now === text) await unlink(lockFile).catch(() => undefined);
    },
  };
}

/** Creates the lock file; `undefined` when created, else its holder, or `'retry'` when it vanished or is being written. */
async function tryCreate(lockFile: string, text: string): Promise<CheckpointLockHolder | 'retry' | undefined> {
  try {
    const h = await open(lockFile, 'wx', 0o644);
    try {
      await h.write(text);
      await h.sync();
    } finally {
      await h.close();
    }
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const found = await readHolder(lockFile);
  if (found !== 'unreadable') return found ?? 'retry';
  // Created but not yet written: a process writing it now, or one that died in between.
  const age = await stat(lockFile).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  return age > HALF_WRITTEN_STALE_MS ? { pid: 0, host: os.hostname(), since: 'unknown' } : 'retry';
}

async function readHolder(lockFile: string): Promise<CheckpointLockHolder | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<CheckpointLockHolder>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.since === 'string') {
      return {
        pid: v.pid,
        host: v.host.slice(0, 255),
        since: v.since.slice(0, 64),
        started: typeof v.started === 'string' ? v.started.slice(0, 32) : undefined,
      };
    }
  } catch {
    // not JSON: a half-written lock
  }
  return 'unreadable';
}

/** Whether the holder may still run: on another host we cannot tell, so yes. */
function isAlive(holder: CheckpointLockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid runs; is it still the holder, or a new process that was given the same pid?
  return holder.started === undefined || processStart(holder.pid) === undefined || processStart(holder.pid) === holder.started;
}

/**
 * Removes a stale lock, one taker at a time: a `<lock>.takeover` file (created with `O_EXCL`)
 * guards the check-and-remove, so two processes that both found the lock stale never remove the
 * lock the first of them just took.
 */
async function takeOver(lockFile: string, stale: CheckpointLockHolder): Promise<void> {
  const guard = `${lockFile}.takeover`;
  let h;
  try {
    h = await open(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another taker is at it; a guard left by a taker that died is removed after a while.
    const age = await stat(guard).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > HALF_WRITTEN_STALE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    await h.close();
    const now = await readHolder(lockFile);
    const same = now === 'unreadable' ? stale.pid === 0 : now !== undefined && now.pid === stale.pid && now.since === stale.since && now.host === stale.host;
    if (same) await unlink(lockFile).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** The start time of a process in clock ticks since boot (Linux `/proc`), else `undefined`. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
