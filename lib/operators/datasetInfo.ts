/** Operator: Train Data Set Info. */
/**
 * Train Data Set Info: the column statistics of an upload.
 *
 * @packageDocumentation
 */
import { OperatorFunction, concatMap } from 'rxjs';
import { ColumnInfoResponse } from '../codecs/columnInfo';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import type { ExternalProcessRef } from './passOrHandle';
import type { UploadedEvent } from '../core/events';

/**
 * For each upload in (an `uploaded` event or `{ externalProcessId }`), emits the column
 * statistics the service computed: counts, missing values, unique counts, numeric summaries
 * and class values.
 *
 * **Errors**: {@link index!ApiError} (e.g. unknown id), {@link index!AuthError}, {@link index!NetworkError},
 * {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request.
 *
 * ## Example
 * ```ts
 * of({ externalProcessId }).pipe(datasetInfo$(client)).subscribe((info) =>
 *   info.training_data_columns.forEach((c) => console.log(c.name, c.missing_count)));
 * ```
 *
 * @param client - The client.
 * @returns An operator from uploads to their statistics.
 */
export function datasetInfo$(client: PredictionOneClient): OperatorFunction<UploadedEvent | ExternalProcessRef, ColumnInfoResponse> {
  return concatMap((input) =>
    callApi$(
      client,
      {
        operation: 'dataSetInfo',
        trainingId: input.externalProcessId,
        method: 'GET',
        path: '/v1/external/data-sets/column-info',
        query: { external_process_id: input.externalProcessId },
      },
      ColumnInfoResponse,
    ),
  );
}
