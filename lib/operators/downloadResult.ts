/** Operator: download and unzip a training's result archive. */
/**
 * Download the result archive of a finished training and unzip it as it streams in.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, defer, switchMap } from 'rxjs';
import type { ExternalProcessId } from '../codecs/ids';
import type { StatusEvent, TrainingEvent } from '../core/events';
import { bodyChunks } from '../transport/body';
import { getPresigned$ } from '../transport/presigned';
import type { PredictionOneClient } from '../transport/client';
import { passOrHandle } from './passOrHandle';
import { onDemand } from '../core/onDemand';

/** The result archive reader, loaded with the first download (streamResult$ shares it). @internal */
export const archiveReader = onDemand(() => import('./readArchive'));

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

/**
 * Downloads and unzips one result archive. The reader (`./readArchive`: the unzip, its decoders,
 * the result's CSV parsing) is loaded on subscription, before the request: a chunk of its own in
 * the browser build.
 *
 * @internal
 */
export function resultArchive$(
  client: PredictionOneClient,
  resultUrl: string,
  id?: ExternalProcessId,
  operation: 'downloadResult' | 'downloadRetrainResult' = 'downloadResult',
): Observable<TrainingEvent> {
  // Held in memory: the in-memory limit (a browser tab's worth), not the streaming one.
  const maxBytes = Math.min(client.settings.maxResultBytes, client.settings.maxResultMemoryBytes);
  const maxCompressionRatio = client.settings.maxCompressionRatio;
  return defer(archiveReader).pipe(
    switchMap(({ ArchiveProgress, StreamingUnzip, declaredArchiveSize, readArchive, toTrainingResult }) =>
      getPresigned$<TrainingEvent>(
        client,
        resultUrl,
        async (response, emit) => {
          const total = declaredArchiveSize(response, maxBytes);
          const unzip = new StreamingUnzip(maxBytes, { ...client.settings.zipCodec, maxCompressionRatio });
          const progress = new ArchiveProgress(total, (loaded) => emit({ type: 'downloadProgress', externalProcessId: id, loaded, total }));
          const files = await readArchive(bodyChunks(response), unzip, maxBytes, progress);
          progress.flush();
          emit({ type: 'completed', externalProcessId: id, result: toTrainingResult(files) });
        },
        operation,
        id,
      ),
    ),
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
 * {@link ResponseTooLargeError} (past `maxResultMemoryBytes` (256 MiB) or `maxResultBytes`,
 * compressed or not, or inflating more than `maxCompressionRatio` times: reading stops at
 * once, so memory stays near the limit), {@link ApiError}
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
  return passOrHandle(
    (value): value is StatusEvent | ResultRef =>
      value.type === undefined ? typeof value.resultUrl === 'string' : value.type === 'status' && value.terminal && !!value.resultUrl,
    (input) => resultArchive$(client, input.resultUrl as string, input.externalProcessId as ExternalProcessId | undefined),
  );
}
