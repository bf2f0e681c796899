/** A client whose API key is scoped to retraining one model. */
/**
 * A client whose API key is scoped to retraining one model.
 *
 * @packageDocumentation
 */
import { Observable, defer, map, of } from 'rxjs';
import { ValidationError } from '../core/errors';
import type { PredictionOneClient } from '../transport/client';
import { apiKey$ } from './apiKey';

/**
 * Options of {@link retrainClient$}.
 *
 * ## Example
 * ```ts
 * retrainClient$(client, 12, { apiKey: savedRetrainKey });
 * ```
 */
export interface RetrainClientOptions {
  /** A retrain API key you already hold; skips Get API Key. Default: the client's `apiKeys.retrain`. */
  readonly apiKey?: string;
}

/**
 * Emits a client for the retraining endpoints of `modelId`: the retraining flow needs an API key
 * of `credential_type=retrain` for that model. With `options.apiKey` that key is used as is;
 * otherwise the client's `secretKey` is exchanged with Get API Key
 * (`credential_type=retrain&model_id=…`). The new client is derived from `client`
 * ({@link PredictionOneClient.withOptions}): its settings are `client`'s, its requests count
 * against `client`'s `limits`, its keys of the other types are `client`'s (and their
 * refreshes), and its status polls join `client`'s. Its retrain key is static: after its
 * `end_date` (24 h on the service) make a new one.
 *
 * **Errors**: {@link index!ValidationError} (no `secretKey` and no `apiKey`, or a `modelId` that is
 * not an integer), {@link index!AuthError}, {@link index!ApiError} (`This model may be deleted.`),
 * {@link index!NetworkError}, {@link index!DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the key exchange.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, secretKey });
 * retrainClient$(client, 12).pipe(switchMap((rc) => of(csv).pipe(retrainUpload$(rc), retrainStatus$(rc))))
 *   .subscribe((e) => console.log(e.type));
 * ```
 *
 * @param client - A client made with `secretKey` (or any client, with `options.apiKey`).
 * @param modelId - The model to retrain.
 * @param options - An explicit retrain key.
 * @returns One client, then completes.
 */
export function retrainClient$(client: PredictionOneClient, modelId: number, options: RetrainClientOptions = {}): Observable<PredictionOneClient> {
  return defer(() => {
    if (!Number.isInteger(modelId)) throw new ValidationError('model id', [`expected an integer, got ${String(modelId)}`]);
    // The derived client's own `retrain` key, so a retrain key the parent holds in
    // `apiKeys.retrain` (for another model) cannot shadow it.
    const scoped = (apiKey: string) => client.withOptions({ apiKeys: { retrain: apiKey } });
    const { apiKeys, secretKey } = client.credentials.keys;
    const given = options.apiKey || apiKeys?.retrain;
    if (given) return of(scoped(given));
    if (!secretKey) {
      throw new ValidationError('retrain client', ['the client needs a secretKey to get a retrain API key, or pass options.apiKey (or set apiKeys.retrain)']);
    }
    return of(secretKey).pipe(
      apiKey$(client, { credentialType: 'retrain', modelId }),
      map((key) => scoped(key.apiKey)),
    );
  });
}
