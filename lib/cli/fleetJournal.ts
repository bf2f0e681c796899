/** The producer's journal of a fleet batch. */
/**
 * The producer's journal of a fleet batch: every upload and training the fleet made, recorded
 * outside Redis, so a Redis that comes back empty loses nothing (`p1rx batch --queue … --resume`).
 * Each line also carries its time, and the last ones of a job its stage times and failure, for
 * `p1rx report`.
 *
 * @packageDocumentation
 */
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobRecord } from 'prediction-one-rx/engine';

/** Journal file name inside the batch's folder. @internal */
export const JOURNAL_FILE = '.p1rx-fleet-journal.jsonl';

/**
 * What the journal knows of a job: the upload's id, and whether Create Model was accepted
 * (`training`) or only the upload is known (`uploaded`: Create Model may or may not have been
 * sent), or the result was downloaded.
 *
 * @internal
 */
export interface JournalEntry {
  readonly key: string;
  readonly externalProcessId: string;
  readonly stage: 'uploaded' | 'training' | 'downloaded';
  /** The job's stage times as the producer saw them (see `JobRecord.times`): written even when the stage is known. */
  readonly times?: JobRecord['times'];
  /** The job's failure (see `JobRecord.failure`): written even when the stage is known. */
  readonly failure?: JobRecord['failure'];
}

const RANK = { uploaded: 0, training: 1, downloaded: 2 } as const;

/** @internal */
export interface FleetJournal {
  readonly file: string;
  /** The furthest entry per key (read at open, plus what was appended since). */
  readonly entries: ReadonlyMap<string, JournalEntry>;
  /**
   * Appends the entry with the time (fsynced before it resolves) unless the journal already
   * knows as much (an entry with times or a failure is always written). Appends run one at a time.
   */
  record(entry: JournalEntry): Promise<void>;
  close(): Promise<void>;
}

/**
 * The record a job Redis lost resumes from: a training Create Model started is followed by
 * id (`training`); an upload whose Create Model may have been sent asks the service first
 * (`creating`: Create Model is sent again only if the service proves it does not know it).
 *
 * @internal
 */
export function resumeRecord(entry: JournalEntry): JobRecord {
  if (entry.stage === 'uploaded') return { key: entry.key, stage: 'creating', externalProcessId: entry.externalProcessId, polls: 0, createAttempts: 1 };
  return { key: entry.key, stage: 'training', externalProcessId: entry.externalProcessId, polls: 0 };
}

function parseLine(line: string): JournalEntry | undefined {
  try {
    const v = JSON.parse(line) as Partial<JournalEntry> & { v?: unknown };
    if (
      v.v !== 1 ||
      typeof v.key !== 'string' ||
      typeof v.externalProcessId !== 'string' ||
      !(v.stage === 'uploaded' || v.stage === 'training' || v.stage === 'downloaded')
    )
      return undefined;
    if (v.key.length > 128 || v.externalProcessId.length > 256) return undefined;
    return { key: v.key, externalProcessId: v.externalProcessId, stage: v.stage };
  } catch {
    // A torn last line (a crash mid-append): it was never acknowledged.
    return undefined;
  }
}

/** What the journal needs of an open file (Node's `FileHandle` fits; specs inject short or failing writes). @internal */
export interface JournalFile {
  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Largest journal read back (a line is ~150 bytes: millions of jobs). */
const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;

/** Writes every byte (a short write loops), then fsyncs. */
async function writeAll(handle: JournalFile, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw new Error(`journal write made no progress (${offset} of ${bytes.length} bytes)`);
    offset += bytesWritten;
  }
  await handle.sync();
}

/**
 * Opens (creating) a batch's journal in `dir`: reads what it holds, then appends.
 *
 * @internal
 */
export async function openFleetJournal(
  dir: string,
  openFile: (file: string) => Promise<JournalFile> = (file) => open(file, 'a', 0o600),
): Promise<FleetJournal> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, JOURNAL_FILE);
  const entries = new Map<string, JournalEntry>();
  const keep = (e: JournalEntry) => {
    const known = entries.get(e.key);
    if (!known || known.externalProcessId !== e.externalProcessId || RANK[e.stage] > RANK[known.stage]) entries.set(e.key, e);
  };
  let text = '';
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error(`${file} is not a regular file`);
    if (info.size > MAX_JOURNAL_BYTES) throw new Error(`${file} is larger than ${MAX_JOURNAL_BYTES} bytes`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const line of text.split('\n')) {
    const e = line.trim() === '' ? undefined : parseLine(line);
    if (e) keep(e);
  }
  const handle = await openFile(file);
  // A torn last line gets its own line end, so the next entry starts clean.
  let prefix = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  let chain: Promise<void> = Promise.resolve();
  return {
    file,
    entries,
    record(entry) {
      const known = entries.get(entry.key);
      const news = entry.times !== undefined || entry.failure !== undefined;
      if (!news && known && known.externalProcessId === entry.externalProcessId && RANK[known.stage] >= RANK[entry.stage]) return chain;
      const { times: _times, failure: _failure, ...position } = entry;
      keep(position);
      const line = `${prefix}${JSON.stringify({ v: 1, ...entry, at: new Date().toISOString() })}\n`;
      prefix = '';
      chain = chain.then(() => writeAll(handle, line));
      return chain;
    },
    async close() {
      await chain.catch(() => undefined);
      await handle.close();
    },
  };
}
