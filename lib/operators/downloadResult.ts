/**
 * Download the result archive of a finished training and unzip it as it streams in.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, defer } from 'rxjs';
import type { ExternalProcessId } from '../codecs/ids';
import { DEFAULTS } from '../core/config';
import { ResponseTooLargeError } from '../core/errors';
import type { StatusEvent, TrainingEvent } from '../core/events';
import { StreamingUnzip } from '../results/unzip';
import { toTrainingResult } from '../results/trainingResult';
import { bodyChunks } from '../transport/body';
import { getPresigned$ } from '../transport/presigned';
import type { PredictionOneClient } from '../transport/client';
import { handleOrPass } from './handleOrPass';

/**
 * A bare result URL, for using {@link downloadResult$} on its own.
 *
 * ## Example
 * ```ts
 * of({ resultUrl }).pipe(downloadResult$(client));
 * ```
 */
export interface ResultRef {
  readonly resultUrl: string;
  readonly externalProcessId?: string;
  readonly type?: undefined;
}

/** Progress is reported about every 1% or 256 KiB, whichever is larger, to keep UIs calm. */
const MIN_PROGRESS_STEP = 256 * 1024;

/**
 * Downloads and unzips one result archive.
 *
 * @internal
 */
export function resultArchive$(client: PredictionOneClient, resultUrl: string, id?: ExternalProcessId): Observable<TrainingEvent> {
  const maxBytes = client.config.maxResultBytes ?? DEFAULTS.maxResultBytes;
  return defer(() =>
    getPresigned$<TrainingEvent>(client, resultUrl, async (response, emit) => {
      const declared = Number(response.headers.get('content-length'));
      const total = Number.isFinite(declared) && declared > 0 ? declared : undefined;
      if (total !== undefined && total > maxBytes) throw new ResponseTooLargeError('Result archive', maxBytes);
      const step = Math.max(MIN_PROGRESS_STEP, (total ?? 0) / 100);
      const unzip = new StreamingUnzip(maxBytes, client.config.zipCodec);
      let files: Record<string, Uint8Array> | undefined;
      try {
        let loaded = 0;
        let reported = 0;
        emit({ type: 'downloadProgress', externalProcessId: id, loaded, total });
        for await (const chunk of bodyChunks(response)) {
          loaded += chunk.byteLength;
          if (loaded > maxBytes) throw new ResponseTooLargeError('Result archive', maxBytes);
          unzip.push(chunk);
          // An asynchronous decoder (WebInflate) must keep up, or the compressed bytes pile up
          // in its stream; a synchronous one has already inflated the chunk (no promise here).
          const drained = unzip.drain();
          if (drained) await drained;
          if (loaded - reported >= step) {
            reported = loaded;
            emit({ type: 'downloadProgress', externalProcessId: id, loaded, total });
          }
        }
        await unzip.end();
        files = unzip.finish();
        if (reported !== loaded) emit({ type: 'downloadProgress', externalProcessId: id, loaded, total });
      } finally {
        // Failed or cancelled (the aborted body makes the loop throw): stop decoders still running.
        if (!files) unzip.cancel();
      }
      emit({ type: 'completed', externalProcessId: id, result: toTrainingResult(files) });
    }),
  );
}

/**
 * Downloads results: on a terminal `status` event with a `resultUrl` (or a bare
 * `{ resultUrl }`) it streams the zip, unzips it as it arrives (with the client's
 * {@link ZipCodec}: `DecompressionStream` or fflate by default), emits
 * `downloadProgress` events and one `completed` event with every file and the parsed
 * `metrics.csv` / `analysis_summary.csv`. Other events pass through.
 *
 * The pre-signed URL gets no API key and never appears unredacted in errors.
 *
 * **Errors**: {@link ResultArchiveError} (truncated, corrupt, not a zip),
 * {@link ResponseTooLargeError} (past `maxResultBytes`, compressed or not), {@link ApiError}
 * (e.g. an expired URL), {@link NetworkError}.
 *
 * **Cancellation**: unsubscribing aborts the download and stops the decoders.
 *
 * ## Example
 * ```ts
 * of({ externalProcessId }).pipe(pollStatus$(client), downloadResult$(client), onlyResult())
 *   .subscribe((result) => console.table(result.metrics));
 * ```
 *
 * @param client - The client.
 * @returns An operator from status events to download events.
 */
export function downloadResult$(client: PredictionOneClient): OperatorFunction<TrainingEvent | ResultRef, TrainingEvent> {
  return handleOrPass(
    (value): value is StatusEvent | ResultRef =>
      value.type === undefined ? typeof value.resultUrl === 'string' : value.type === 'status' && value.terminal && !!value.resultUrl,
    (input) => resultArchive$(client, input.resultUrl as string, input.externalProcessId as ExternalProcessId | undefined),
  );
}
