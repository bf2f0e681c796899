/** The kinds of API key and a client's keys, as configuration and events name them. */
/**
 * The kinds of API key and a client's keys, as configuration and events name them.
 *
 * @packageDocumentation
 */

/**
 * The credential types of Get API Key: `train` keys open the training flow and the listings,
 * `deploy` keys the prediction-API (classifier) endpoints, `retrain` keys (issued for one
 * `model_id`) that model's retraining endpoints.
 *
 * ## Example
 * ```ts
 * const type: CredentialType = 'deploy';
 * of(secretKey).pipe(apiKey$(client, { credentialType: type }));
 * ```
 */
export type CredentialType = 'train' | 'deploy' | 'retrain';

/**
 * API keys given directly, one per credential type. A type left out falls back to
 * `ClientConfig.apiKey`, else to an exchange of `secretKey`.
 *
 * ## Example
 * ```ts
 * createClient({ baseUrl, apiKeys: { train: trainKey, deploy: deployKey } });
 * ```
 */
export interface ApiKeys {
  /** Key for the training flow and the listings. */
  readonly train?: string;
  /** Key for the prediction-API (classifier) endpoints. */
  readonly deploy?: string;
  /** Key for the retraining endpoints of the one model it was issued for. */
  readonly retrain?: string;
}

/**
 * Where the client's credential stands. Carries no key material. `credentialType` says which
 * key type an exchange was for (a client with a secret key exchanges one per type it uses).
 *
 * ## Example
 * ```ts
 * client.credentialState$.subscribe((s) => console.log(s.state, s.expiresAt));
 * ```
 */
export type CredentialState =
  | { readonly state: 'static' }
  | { readonly state: 'none' }
  | { readonly state: 'exchanging'; readonly credentialType?: CredentialType }
  | { readonly state: 'valid'; readonly expiresAt?: string; readonly credentialType?: CredentialType }
  | { readonly state: 'failed'; readonly error: Error; readonly credentialType?: CredentialType };
