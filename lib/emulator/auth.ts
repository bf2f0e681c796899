/** The emulator's key store: secret keys, API keys and their credential types. */
import { randomBytes } from 'node:crypto';
import { badRequest } from './errors';
import type { CredentialType } from '../core/credentialTypes';
export type { CredentialType };

/** The credential types Get API Key accepts, in the order the vendor page lists them. @internal */
export const CREDENTIAL_TYPES: readonly CredentialType[] = ['train', 'deploy', 'retrain'];

/**
 * What kind of key a request carried, as the request log records it (never the key itself):
 * a secret key, an API key of one credential type, a pre-registered `universal` test key
 * ({@link EmulatorOptions.apiKeys}), a classifier's inference key, or `unknown` (absent or not
 * issued).
 *
 * ## Example
 * ```ts
 * emulator.expectOne('POST /v1/external/classifiers').keyType; // 'deploy'
 * ```
 */
export type RecordedKeyType = 'secret' | CredentialType | 'universal' | 'classifier' | 'unknown';

/** Which key opens a route: the secret key, an API key of one type, or none (pre-signed URLs). @internal */
export type RouteAuth = 'secret' | CredentialType | 'none';

interface IssuedKey {
  expiresAtMs: number | undefined;
  /** `universal`: a pre-registered untyped test key, accepted where a train or deploy key is. */
  type: CredentialType | 'universal';
  modelId?: number;
}

/**
 * Secret keys and API keys, with the documented error messages for each wrong use.
 *
 * A secret key only opens Get API Key; an API key opens the endpoints of its credential type.
 * Using one where the other belongs, or a key of another type, answers `Not_found_credential.`;
 * an issued key past its end date answers `Inactive_credential.`; an unknown key
 * `invalid_api_key.`; any known key of a deleted user `This user may be deleted.`
 *
 * ## Example
 * ```ts
 * const keys = new KeyStore(['secret'], [], {}, 60_000);
 * const { api_key } = keys.issue('deploy');
 * keys.check(api_key, 'deploy'); // passes
 * keys.check(api_key, 'train'); // throws Not_found_credential.
 * ```
 * @internal
 */
export class KeyStore {
  private readonly secrets: Set<string>;
  private readonly apiKeys = new Map<string, IssuedKey>();
  /** Set by the `deleteUser()` control: the one user every key belongs to is gone. */
  userDeleted = false;

  constructor(
    secretKeys: readonly string[],
    universalKeys: readonly string[],
    typedKeys: Readonly<Partial<Record<'train' | 'deploy', readonly string[]>>>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.secrets = new Set(secretKeys);
    for (const key of universalKeys) this.apiKeys.set(key, { expiresAtMs: undefined, type: 'universal' });
    for (const type of ['train', 'deploy'] as const) {
      for (const key of typedKeys[type] ?? []) this.apiKeys.set(key, { expiresAtMs: undefined, type });
    }
  }

  /** The secret keys, in insertion order. */
  get secretKeys(): string[] {
    return [...this.secrets];
  }

  /** Pre-registered and issued API keys, in insertion order. */
  get apiKeyList(): string[] {
    return [...this.apiKeys.keys()];
  }

  /** Registers and returns a new API key of `type` valid for the configured lifetime. */
  issue(type: CredentialType, modelId?: number): { api_key: string; end_date: string } {
    const key = `p1emu_${randomBytes(24).toString('hex')}`;
    const expiresAtMs = this.now() + this.ttlMs;
    this.apiKeys.set(key, { expiresAtMs, type, modelId });
    return { api_key: key, end_date: new Date(expiresAtMs).toISOString() };
  }

  /** The kind of key `key` is, for the request log; never throws. */
  typeOf(key: string | undefined): RecordedKeyType {
    if (key === undefined || key === '') return 'unknown';
    if (this.secrets.has(key)) return 'secret';
    return this.apiKeys.get(key)?.type ?? 'unknown';
  }

  /**
   * Throws the documented 400 unless `key` opens a route of `required`; returns the model a
   * retrain key is for.
   */
  check(key: string | undefined, required: 'secret' | CredentialType): { modelId?: number } {
    if (required === 'secret') {
      this.checkSecret(key);
      return {};
    }
    const issued = this.liveKey(key);
    const fits = issued.type === required || (issued.type === 'universal' && required !== 'retrain');
    if (!fits || (required === 'retrain' && issued.modelId === undefined)) throw badRequest('Not_found_credential.');
    return { modelId: issued.modelId };
  }

  /** Throws the documented 400 unless `key` is a secret key of a live user. */
  checkSecret(key: string | undefined): void {
    if (key !== undefined && this.secrets.has(key)) {
      if (this.userDeleted) throw badRequest('This user may be deleted.');
      return;
    }
    if (key !== undefined && this.apiKeys.has(key)) throw badRequest('Not_found_credential.');
    throw badRequest('invalid_api_key.');
  }

  /** Throws the documented 400 unless `key` is a live retrain key; returns the model it is for. */
  checkRetrainKey(key: string | undefined): number {
    return this.check(key, 'retrain').modelId as number;
  }

  /** The issued key behind `key`, or the documented 400: unknown, a secret key, expired, or its user deleted. */
  private liveKey(key: string | undefined): IssuedKey {
    if (key === undefined || key === '') throw badRequest('invalid_api_key.');
    if (this.secrets.has(key)) throw badRequest('Not_found_credential.');
    const issued = this.apiKeys.get(key);
    if (issued === undefined) throw badRequest('invalid_api_key.');
    if (this.userDeleted) throw badRequest('This user may be deleted.');
    if (issued.expiresAtMs !== undefined && this.now() >= issued.expiresAtMs) throw badRequest('Inactive_credential.');
    return issued;
  }
}
