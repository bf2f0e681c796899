/** Downloads result archives straight to files. */
/**
 * Download result archives straight to files: entries are inflated and written as they
 * stream in, so a result of any size costs a bounded amount of memory.
 *
 * @packageDocumentation
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { concatMap, concat, defer, of, type Observable, type OperatorFunction } from 'rxjs';
import type { PredictionOneClient, ResultRef, TrainingEvent } from 'prediction-one-rx';
import { streamResult$, toTrainingResult, type EntryWriter, type ResultSink } from 'prediction-one-rx/data';
import { safeEntryPath } from './writeResult';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link downloadResultToDir$}.
 *
 * ## Example
 * ```ts
 * downloadResultToDir$(client, (id) => `out/${id}`, { keepInMemoryBytes: 0 });
 * ```
 */
export interface DownloadToDirOptions {
  /**
   * Entries up to this size are also kept in memory and returned in the `completed` event's
   * `result.files` (so `metrics` and `contributions` are parsed); bigger ones are on disk only.
   * Default 1 MiB.
   */
  readonly keepInMemoryBytes?: number;
  /** Bytes queued for the disk, across files, before the download waits for it. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
}

/** One result's files on disk. */
class DirSink implements ResultSink {
  private readonly streams = new Map<string, WriteStream>();
  private readonly kept: Record<string, Uint8Array> = {};
  readonly written: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly keepBytes: number,
    private readonly maxBuffered: number,
  ) {}

  open(name: string): EntryWriter {
    // Refuses `../`, absolute paths and drive letters before anything is written.
    const target = safeEntryPath(this.dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    const stream = createWriteStream(target);
    stream.on('error', () => undefined); // surfaced by ready()/finish()
    this.streams.set(target, stream);
    this.written.push(target);
    const keep: Uint8Array[] = [];
    let size = 0;
    return {
      write: (data) => {
        size += data.byteLength;
        if (size <= this.keepBytes) keep.push(data);
        stream.write(data);
      },
      end: () => {
        stream.end();
        if (size <= this.keepBytes) this.kept[name] = Buffer.concat(keep, size);
      },
    };
  }

  async ready(): Promise<void> {
    for (const stream of this.streams.values()) {
      if (stream.errored) throw stream.errored;
      if (stream.writableLength > this.maxBuffered) await drained(stream);
    }
  }

  async finish(): Promise<void> {
    await Promise.all([...this.streams.values()].map(closed));
  }

  async abort(): Promise<void> {
    for (const stream of this.streams.values()) stream.destroy();
    await Promise.all([...this.streams.values()].map((s) => closed(s).catch(() => undefined)));
    await Promise.all(this.written.map((file) => rm(file, { force: true })));
  }

  files(): Record<string, Uint8Array> {
    return this.kept;
  }
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      if (err) reject(err);
      else resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.closed) return resolve();
    stream.once('close', () => (stream.errored ? reject(stream.errored) : resolve()));
  });
}

/**
 * Downloads results to a folder: like {@link index!downloadResult$}, on a terminal `status` event
 * with a `resultUrl` (or a bare `{ resultUrl }`) it streams the zip, but writes each entry to a
 * file under `dir` as it inflates (with `node:zlib` on a {@link createNodeClient}), so memory
 * stays bounded (tens of MiB) whatever the archive's size. Emits `downloadProgress` events,
 * then `completed`, whose `result.files` holds only the entries up to `keepInMemoryBytes`
 * (`metrics.csv` and `analysis_summary.csv` are small, so `metrics` and `contributions` are
 * parsed); the rest are on disk only, at `path.join(dir, name)`. Other events pass through.
 *
 * Entries are written before the archive's checksums (at its end) can be checked; when the
 * download fails (corrupt, CRC mismatch, too large, network) or is cancelled, the files it
 * wrote are removed.
 *
 * **Errors**: {@link index!ValidationError} for an entry name that would escape `dir`,
 * {@link index!ResultArchiveError}, {@link index!ResponseTooLargeError}, {@link index!ApiError},
 * {@link index!NetworkError}, file-system errors.
 *
 * **Cancellation**: unsubscribing aborts the download and removes the partial files.
 *
 * ## Example
 * ```ts
 * of({ externalProcessId }).pipe(pollStatus$(client), downloadResultToDir$(client, (id) => `results/${id}`), onlyResult())
 *   .subscribe((result) => console.table(result.metrics));
 * ```
 *
 * @param client - The client.
 * @param dir - Output folder, or a function of the training's id giving one.
 * @param options - Memory and buffering limits.
 * @returns An operator from status events to download events.
 */
export function downloadResultToDir$(
  client: PredictionOneClient,
  dir: string | ((externalProcessId: string | undefined) => string),
  options: DownloadToDirOptions = {},
): OperatorFunction<TrainingEvent | ResultRef, TrainingEvent> {
  const keepBytes = options.keepInMemoryBytes ?? LIBRARY_DEFAULTS.node.keepInMemoryBytes;
  const maxBuffered = options.maxBufferedBytes ?? LIBRARY_DEFAULTS.node.maxBufferedBytes;
  const download = (resultUrl: string, id: string | undefined): Observable<TrainingEvent> =>
    defer(() => {
      const sink = new DirSink(typeof dir === 'function' ? dir(id) : dir, keepBytes, maxBuffered);
      const externalProcessId = id as Extract<TrainingEvent, { type: 'completed' }>['externalProcessId'];
      return concat(
        streamResult$(client, resultUrl, sink, externalProcessId),
        defer(() => of<TrainingEvent>({ type: 'completed', externalProcessId, result: toTrainingResult(sink.files()) })),
      );
    });
  return concatMap((value) => {
    if (value.type === undefined) {
      return typeof value.resultUrl === 'string' ? download(value.resultUrl, value.externalProcessId) : of();
    }
    if (value.type === 'status' && value.terminal && value.resultUrl) {
      return concat(of(value), download(value.resultUrl, value.externalProcessId));
    }
    return of(value);
  });
}
