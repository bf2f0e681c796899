import { randomBytes } from 'node:crypto';
import { badRequest } from './errors';

/** What an issued API key may do: `train` keys open the training and classifier endpoints, `retrain` keys their model's retraining endpoints. @internal */
export type CredentialType = 'train' | 'retrain';

interface IssuedKey {
  expiresAtMs: number | undefined;
  type: CredentialType;
  modelId?: number;
}

/**
 * Secret keys and API keys, with the documented error messages for each wrong use.
 *
 * A secret key only opens Get API Key; an API key opens everything else. Using one where the
 * other belongs answers `Not_found_credential.`; an issued key past its end date answers
 * `Inactive_credential.`; anything else `invalid_api_key.`.
 *
 * ## Example
 * ```ts
 * const keys = new KeyStore(['secret'], [], 60_000);
 * const { api_key } = keys.issue('train');
 * keys.checkApiKey(api_key); // passes
 * ```
 * @internal
 */
export class KeyStore {
  private readonly secrets: Set<string>;
  private readonly apiKeys = new Map<string, IssuedKey>();

  constructor(
    secretKeys: readonly string[],
    apiKeys: readonly string[],
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.secrets = new Set(secretKeys);
    for (const key of apiKeys) this.apiKeys.set(key, { expiresAtMs: undefined, type: 'train' });
  }

  /** The secret keys, in insertion order. */
  get secretKeys(): string[] {
    return [...this.secrets];
  }

  /** Pre-registered and issued API keys, in insertion order. */
  get apiKeyList(): string[] {
    return [...this.apiKeys.keys()];
  }

  /** Registers and returns a new API key valid for the configured lifetime. */
  issue(type: CredentialType, modelId?: number): { api_key: string; end_date: string } {
    const key = `p1emu_${randomBytes(24).toString('hex')}`;
    const expiresAtMs = this.now() + this.ttlMs;
    this.apiKeys.set(key, { expiresAtMs, type, modelId });
    return { api_key: key, end_date: new Date(expiresAtMs).toISOString() };
  }

  /** Throws the documented 400 unless `key` is a secret key. */
  checkSecret(key: string | undefined): void {
    if (key !== undefined && this.secrets.has(key)) return;
    if (key !== undefined && this.apiKeys.has(key)) throw badRequest('Not_found_credential.');
    throw badRequest('invalid_api_key.');
  }

  /** Throws the documented 400 unless `key` is a live API key. */
  checkApiKey(key: string | undefined): void {
    const issued = this.liveKey(key);
    // A retrain key opens its model's retraining endpoints only (see checkRetrainKey).
    if (issued.type === 'retrain') throw badRequest('Not_found_credential.');
  }

  /** Throws the documented 400 unless `key` is a live retrain key; returns the model it is for. */
  checkRetrainKey(key: string | undefined): number {
    const issued = this.liveKey(key);
    if (issued.type !== 'retrain' || issued.modelId === undefined) throw badRequest('Not_found_credential.');
    return issued.modelId;
  }

  /** The issued key behind `key`, or the documented 400: unknown, a secret key, or expired. */
  private liveKey(key: string | undefined): NonNullable<ReturnType<typeof this.apiKeys.get>> {
    if (key === undefined || key === '') throw badRequest('invalid_api_key.');
    if (this.secrets.has(key)) throw badRequest('Not_found_credential.');
    const issued = this.apiKeys.get(key);
    if (issued === undefined) throw badRequest('invalid_api_key.');
    if (issued.expiresAtMs !== undefined && this.now() >= issued.expiresAtMs) throw badRequest('Inactive_credential.');
    return issued;
  }
}
