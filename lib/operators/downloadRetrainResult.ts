/** Operator: download and unzip a retraining's result. */
/**
 * Download the result of a finished retraining and unzip it as it streams in.
 *
 * @packageDocumentation
 */
import { OperatorFunction, map } from 'rxjs';
import type { RetrainJobId } from '../codecs/ids';
import type { RetrainEvent, RetrainStatusEvent } from '../core/retrainEvents';
import { toRetrainResult } from '../results/retrainResult';
import type { PredictionOneClient } from '../transport/client';
import { passOrHandle } from './passOrHandle';
import { resultArchive$ } from './downloadResult';

/**
 * A bare download URL of a retraining result.
 *
 * ## Example
 * ```ts
 * of({ downloadUrl }).pipe(downloadRetrainResult$(client));
 * ```
 */
export interface RetrainResultRef {
  readonly downloadUrl: string;
  readonly retrainJobId?: string;
  readonly type?: undefined;
}

/**
 * Downloads retraining results: on a terminal `retrainStatus` event with a `downloadUrl` (or a
 * bare `{ downloadUrl }`) it streams the zip through the same bounded, CRC-checked unzip as
 * {@link index!downloadResult$}, emits `retrainDownloadProgress` events and one `retrainCompleted`
 * with every file and the parsed `metrics.csv` comparison. Other events pass through.
 *
 * **Errors**: {@link index!ResultArchiveError}, {@link index!ResponseTooLargeError}, {@link index!ApiError} (an
 * expired or refused URL), {@link index!NetworkError}.
 *
 * **Cancellation**: unsubscribing aborts the download.
 *
 * ## Example
 * ```ts
 * of(csv).pipe(retrainUpload$(rc), retrainStatus$(rc), downloadRetrainResult$(rc)).subscribe((e) => {
 *   if (e.type === 'retrainCompleted') console.table(e.result.comparison);
 * });
 * ```
 *
 * @param client - The client (the URL is pre-signed: no key is sent).
 * @returns An operator from finished jobs to download events.
 */
export function downloadRetrainResult$(client: PredictionOneClient): OperatorFunction<RetrainEvent | RetrainResultRef, RetrainEvent> {
  return passOrHandle(
    (value): value is RetrainStatusEvent | RetrainResultRef =>
      value.type === undefined ? typeof value.downloadUrl === 'string' : value.type === 'retrainStatus' && value.terminal && !!value.downloadUrl,
    (input) => {
      const id = input.retrainJobId as RetrainJobId | undefined;
      return resultArchive$(client, input.downloadUrl as string, undefined, 'downloadRetrainResult').pipe(
        map((e): RetrainEvent => {
          if (e.type === 'downloadProgress') return { type: 'retrainDownloadProgress', retrainJobId: id, loaded: e.loaded, total: e.total };
          if (e.type === 'completed') return { type: 'retrainCompleted', retrainJobId: id, result: toRetrainResult(e.result.files) };
          throw new Error(`unexpected event ${e.type}`);
        }),
      );
    },
  );
}
