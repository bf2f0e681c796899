/** Operator: Retrain Model Switch. */
/**
 * Retrain Model Switch: make the model serve the retrained version.
 *
 * @packageDocumentation
 */
import { OperatorFunction, map } from 'rxjs';
import type { RetrainJobId } from '../codecs/ids';
import { UpdateModelResponse } from '../codecs/retrainJob';
import type { RetrainEvent, RetrainJobRef, RetrainStatusEvent } from '../core/retrainEvents';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import { segment } from '../transport/url';
import { passOrHandle } from './passOrHandle';
import { isRetrainRef } from './retrainStatus';

/**
 * Switches models to their retrained version: on a terminal `retrainStatus` event (or a bare
 * `{ retrainJobId }`) it PUTs Retrain Model Switch and emits `modelSwitched`. Other events pass
 * through, so it can end a retraining pipeline.
 *
 * **Errors**: {@link index!ApiError} — the service answers `Retrain job is not finished.`,
 * `Not found retrain job.` or `This model may be deleted.` (code 4001000204) —,
 * {@link index!AuthError}, {@link index!NetworkError}.
 *
 * **Cancellation**: unsubscribing aborts the request (the switch may still happen).
 *
 * ## Example
 * ```ts
 * of(csv).pipe(retrainUpload$(rc), retrainStatus$(rc), switchModel$(rc))
 *   .subscribe((e) => e.type === 'modelSwitched' && console.log('switched'));
 * ```
 *
 * @param client - A client holding the job's retrain API key.
 * @returns An operator from finished jobs to `modelSwitched` events.
 */
export function switchModel$(client: PredictionOneClient): OperatorFunction<RetrainEvent | RetrainJobRef, RetrainEvent> {
  return passOrHandle(
    (value): value is RetrainStatusEvent | RetrainJobRef => isRetrainRef(value) || (value.type === 'retrainStatus' && value.terminal),
    (input) =>
      callApi$(
        client,
        { operation: 'switchModel', method: 'PUT', keyType: 'retrain', path: `/v1/external/retrain_jobs/${segment(input.retrainJobId)}/update_model` },
        UpdateModelResponse,
      ).pipe(map((): RetrainEvent => ({ type: 'modelSwitched', retrainJobId: input.retrainJobId as RetrainJobId }))),
  );
}
