/** The one Train Status Check request, for every driver that asks for a training's status. */
import type { Observable } from 'rxjs';
import { TrainingStatusResponse, type TrainingStatus } from '../codecs/trainingStatus';
import { callApi$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';

/**
 * One Train Status Check for `externalProcessId`, decoded: the request the poller, the durable
 * job step and the in-memory driver all send (retried by the client's retry policy).
 *
 * **Errors**: {@link index!ApiError} (400/404: the service does not know the id, see
 * {@link index!isUnknownTraining}), {@link index!AuthError}, {@link index!NetworkError},
 * {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request.
 *
 * ## Example
 * ```ts
 * trainingStatus$(client, id).subscribe((s) => console.log(s.status));
 * ```
 *
 * @internal
 */
export function trainingStatus$(client: PredictionOneClient, externalProcessId: string): Observable<TrainingStatus> {
  return callApi$(
    client,
    {
      operation: 'trainingStatus',
      trainingId: externalProcessId,
      method: 'GET',
      path: '/v1/external/models/results',
      query: { external_process_id: externalProcessId },
    },
    TrainingStatusResponse,
  );
}
