/** Operator: Get API Key. */
/**
 * Get API Key: exchange a secret key for an API key.
 *
 * @packageDocumentation
 */
import { OperatorFunction, concatMap, map } from 'rxjs';
import { ApiKeyResponse } from '../codecs/apiKey';
import { callApiWithKey$ } from '../transport/api';
import type { PredictionOneClient } from '../transport/client';
import type { CredentialType } from '../transport/credentials';

/**
 * An API key and when it stops working (`endDate` as the service wrote it; ISO 8601 in practice).
 *
 * ## Example
 * ```ts
 * const key: ApiKey = { apiKey: 'k', endDate: '2026-12-01T00:00:00Z' };
 * ```
 */
export interface ApiKey {
  readonly apiKey: string;
  /** Absent when the service sent no `end_date` (or `null`): the key is then treated as long-lived. */
  readonly endDate?: string;
}

/**
 * Options of {@link apiKey$}.
 *
 * ## Example
 * ```ts
 * of(secretKey).pipe(apiKey$(client, { credentialType: 'retrain', modelId: 12 }));
 * ```
 */
export interface ApiKeyOptions {
  /** `train` (default) for training and listings, `deploy` for the classifier endpoints, `retrain` for retraining `modelId`. */
  readonly credentialType?: CredentialType;
  /** Required with `credentialType: 'retrain'`. */
  readonly modelId?: number;
}

/**
 * For each secret key in, asks Get API Key for an API key and emits it. A client made with
 * `secretKey` does this by itself; use this operator to manage keys yourself.
 *
 * **Errors**: {@link AuthError} for a refused secret key, {@link ApiError}, {@link NetworkError},
 * {@link DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request.
 *
 * ## Example
 * ```ts
 * of(secretKey).pipe(apiKey$(client)).subscribe(({ apiKey, endDate }) => console.log(endDate));
 * // 2026-11-28T07:00:00.000Z
 * ```
 *
 * @param client - The client (its `apiKey` is not used: the secret key goes in `x-api-key`).
 * @param options - Credential type and model.
 * @returns An operator from secret keys to API keys.
 */
export function apiKey$(client: PredictionOneClient, options: ApiKeyOptions = {}): OperatorFunction<string, ApiKey> {
  return concatMap((secretKey: string) =>
    callApiWithKey$(
      client,
      secretKey,
      {
        operation: 'getApiKey',
        method: 'GET',
        path: '/v1/external/api-key',
        query: { credential_type: options.credentialType ?? 'train', model_id: options.modelId },
      },
      ApiKeyResponse,
    ).pipe(map((res) => ({ apiKey: res.api_key, endDate: res.end_date }))),
  );
}
