/** Operator: a result archive's entries handed to a sink as they inflate. */
/**
 * Download a result archive and hand its entries to a sink as they inflate: nothing of the
 * archive is held in memory, whatever its size. Browser-safe; the Node entry's
 * `downloadResultToDir$` writes the entries to files with it.
 *
 * @packageDocumentation
 */
import { Observable, defer, switchMap } from 'rxjs';
import type { ExternalProcessId } from '../codecs/ids';
import type { DownloadProgressEvent } from '../core/events';
import { bodyChunks } from '../transport/body';
import { getPresigned$ } from '../transport/presigned';
import type { PredictionOneClient } from '../transport/client';
import type { EntryWriter, StreamingUnzip } from '../results/unzip';
import { archiveReader } from './downloadResult';

export type { EntryWriter } from '../results/unzip';

/**
 * Where {@link streamResult$} puts the entries of an archive.
 *
 * ## Example
 * ```ts
 * const sizes: Record<string, number> = {};
 * const sink: ResultSink = { open: (name) => ({ write: (d) => void (sizes[name] = (sizes[name] ?? 0) + d.byteLength), end: () => {} }) };
 * ```
 */
export interface ResultSink {
  /** An entry starts; throw to refuse it (e.g. an unsafe name), which fails the download. */
  open(name: string): EntryWriter;
  /**
   * Awaited after each downloaded chunk (once the decoder took it in), before the next is read:
   * the sink's backpressure. An asynchronous decoder may still write some of that chunk's bytes
   * after it resolved; the next call sees them.
   */
  ready?(): Promise<void> | void;
  /** Every entry was written and the archive's CRC-32s and sizes check out. */
  finish?(): Promise<void> | void;
  /** The attempt failed or was cancelled: undo partial work. Awaited before a retry starts. */
  abort?(err: unknown): Promise<void> | void;
}

/**
 * Downloads the result archive at `resultUrl` and streams each entry into `sink` as it is
 * inflated (with the client's {@link index!ZipCodec}), emitting `downloadProgress` events; it
 * completes once the archive's central directory has confirmed every entry's CRC-32 and size,
 * and the sink has finished. Memory stays bounded by a chunk and the sink's buffers.
 *
 * Entries reach the sink before the archive's checksums can be read (they are at its end), so
 * a sink writing files must treat them as provisional until `finish`, and undo them in `abort`.
 * Each writer gets its entry's bytes in order; with an asynchronous decoder ({@link node!WebInflate})
 * the next entry may open before the previous one's writer ended.
 *
 * **Errors**: {@link index!ResultArchiveError} (truncated, corrupt, CRC mismatch, not a zip),
 * {@link index!ResponseTooLargeError} (past `maxResultBytes`, compressed or not, or inflating more
 * than `maxCompressionRatio` times), {@link index!ApiError},
 * {@link index!NetworkError}, and whatever the sink throws.
 *
 * **Cancellation**: unsubscribing aborts the download and stops the decoders; the sink's
 * `abort` is called.
 *
 * ## Example
 * ```ts
 * streamResult$(client, status.resultUrl, sink).subscribe((e) => console.log(e.loaded, e.total));
 * ```
 *
 * @param client - The client.
 * @param resultUrl - The pre-signed URL of a finished training.
 * @param sink - Receives the entries.
 * @param externalProcessId - Put on the progress events.
 * @returns Progress events; completes when the sink finished.
 */
export function streamResult$(
  client: PredictionOneClient,
  resultUrl: string,
  sink: ResultSink,
  externalProcessId?: ExternalProcessId,
): Observable<DownloadProgressEvent> {
  const maxBytes = client.settings.maxResultBytes;
  // The reader is loaded on subscription, before the request (see downloadResult$).
  return defer(archiveReader).pipe(
    switchMap(({ ArchiveProgress, StreamingUnzip, declaredArchiveSize, readArchive }) =>
      getPresigned$<DownloadProgressEvent>(
        client,
        resultUrl,
        async (response, emit) => {
          let finished = false;
          let unzip: StreamingUnzip | undefined;
          try {
            const total = declaredArchiveSize(response, maxBytes);
            unzip = new StreamingUnzip(maxBytes, {
              ...client.settings.zipCodec,
              maxCompressionRatio: client.settings.maxCompressionRatio,
              onEntry: (name) => sink.open(name),
            });
            const progress = new ArchiveProgress(total, (loaded) => emit({ type: 'downloadProgress', externalProcessId, loaded, total }));
            // The sink's backpressure after each chunk, once the decoder took it in.
            await readArchive(bodyChunks(response), unzip, maxBytes, progress, sink.ready && (() => sink.ready?.()));
            await sink.finish?.();
            finished = true;
            progress.flush();
          } finally {
            // Also on cancellation: the aborted body makes the read throw. Decoders are stopped
            // first (readArchive does, and so does this for a failing finish), so that no late
            // output reaches a sink being aborted.
            if (!finished) {
              unzip?.cancel();
              await Promise.resolve(sink.abort?.(new Error('result download did not complete'))).catch(() => undefined);
            }
          }
        },
        'downloadResult',
        externalProcessId,
      ),
    ),
  );
}
