/** API key management: static keys, or a secret key exchanged for a key of each credential type and refreshed. */
/**
 * API key management: static keys (one for every type, or one per credential type), or a secret
 * key exchanged for an API key of each type the client needs (Get API Key), cached per type,
 * one exchange in flight per type, and refreshed before it expires.
 *
 * @packageDocumentation
 */
import { BehaviorSubject, Observable, catchError, defer, finalize, map, of, share, tap, throwError } from 'rxjs';
import type { ApiKeyResponse } from '../codecs/apiKey';
import { CREDENTIALS_DEFAULTS } from '../core/defaults';
import { ValidationError } from '../core/errors';
import { INSPECT_CUSTOM, REDACTED } from '../core/redact';
import { budgetSpent } from './retryPolicy';
import { parseServiceTime } from '../core/serviceTime';
import type { CredentialType, ApiKeys, CredentialState } from '../core/credentialTypes';
export type { CredentialType, ApiKeys, CredentialState };

/**
 * Refresh this long before `end_date`, so a request never leaves with a key about to expire;
 * for short-lived keys, half their lifetime.
 */
const REFRESH_MARGIN_MS = CREDENTIALS_DEFAULTS.keyRefreshMarginMs;

/** The cached key and the exchange in flight of one credential type. */
interface Slot {
  cached?: { key: string; refreshAtMs: number };
  inflight?: Observable<string>;
}

/** @internal */
export class Credentials {
  private readonly slots: Map<CredentialType, Slot>;
  private readonly known: Set<string>;
  readonly state$: BehaviorSubject<CredentialState>;

  constructor(
    /** The keys it was given. `proxied`: a backend proxy adds the key (`ClientConfig.keyAddedByProxy`); requests carry none. */
    readonly keys: { apiKey?: string; apiKeys?: ApiKeys; secretKey?: string; proxied?: boolean },
    private readonly exchange: (secretKey: string, type: CredentialType) => Observable<ApiKeyResponse>,
    private readonly now: () => number,
    /** Credentials these derive from ({@link Credentials.withKeys}): their cache, exchanges and state are shared. */
    parent?: Credentials,
  ) {
    this.slots = parent?.slots ?? new Map();
    this.known = parent?.known ?? new Set();
    for (const key of [keys.apiKey, keys.secretKey, keys.apiKeys?.train, keys.apiKeys?.deploy, keys.apiKeys?.retrain]) {
      if (key) this.known.add(key);
    }
    const anyStatic = Boolean(keys.proxied || keys.apiKey || keys.apiKeys?.train || keys.apiKeys?.deploy || keys.apiKeys?.retrain);
    this.state$ = parent?.state$ ?? new BehaviorSubject<CredentialState>({ state: anyStatic ? 'static' : 'none' });
  }

  /**
   * Credentials with `own` static keys over these (a retrain key for one model) that share
   * everything else: the cached keys, the exchange in flight, refreshes and the state. A key
   * obtained or refreshed through either is the other's.
   */
  withKeys(own: ApiKeys): Credentials {
    return new Credentials({ ...this.keys, apiKeys: { ...this.keys.apiKeys, ...own } }, this.exchange, this.now, this);
  }

  /** Printed without key material (`JSON.stringify`, `util.inspect`): only where the credential stands. */
  toJSON(): { readonly state: CredentialState['state']; readonly keys: readonly string[] } {
    // Which keys it holds, by name only.
    const held = Object.entries({ ...this.keys, ...this.keys.apiKeys }).filter(([name, v]) => name !== 'apiKeys' && typeof v === 'string' && v !== '');
    return { state: this.state$.value.state, keys: held.map(([name]) => `${name}: ${REDACTED}`) };
  }

  [INSPECT_CUSTOM](): string {
    return `Credentials ${JSON.stringify(this.toJSON())}`;
  }

  /** Every key value this client has held, for redaction. */
  secrets(): string[] {
    return [...this.known];
  }

  /**
   * The configured API key of `type` when there is one: it never changes, so callers may build
   * requests with it once. `''` when a proxy adds the key (no `x-api-key` is sent).
   */
  staticKey(type: CredentialType = 'train'): string | undefined {
    if (this.keys.proxied) return '';
    return this.keys.apiKeys?.[type] || this.keys.apiKey || undefined;
  }

  /** Whether a refused key of `type` can be replaced by a new exchange. */
  canRefresh(type: CredentialType = 'train'): boolean {
    return this.keys.secretKey !== undefined && this.staticKey(type) === undefined;
  }

  /** The key of `type` to send now: static, cached, or the one shared exchange in flight for that type. */
  apiKey$(type: CredentialType = 'train'): Observable<string> {
    return defer(() => {
      const staticKey = this.staticKey(type);
      if (staticKey !== undefined) return of(staticKey);
      const slot = this.slot(type);
      if (slot.cached && this.now() < slot.cached.refreshAtMs) return of(slot.cached.key);
      const secretKey = this.keys.secretKey;
      if (!secretKey) {
        throw new ValidationError('client configuration', [`set apiKey (or apiKeys.${type}), or secretKey to exchange for a ${type} API key`]);
      }
      if (type === 'retrain') {
        // A retrain key is issued for one model (Get API Key's model_id): a client-wide one cannot be made.
        throw new ValidationError('client configuration', ['a retrain key is bound to one model: use retrainClient$(client, modelId), or set apiKeys.retrain']);
      }
      slot.inflight ??= this.startExchange(secretKey, type, slot);
      return slot.inflight;
    });
  }

  /** Forgets `key` if it is the cached key of `type`, so the next request exchanges again. */
  invalidate(key: string, type: CredentialType = 'train'): void {
    const slot = this.slots.get(type);
    if (slot?.cached?.key === key) slot.cached = undefined;
  }

  private slot(type: CredentialType): Slot {
    let slot = this.slots.get(type);
    if (slot === undefined) {
      slot = {};
      this.slots.set(type, slot);
    }
    return slot;
  }

  private startExchange(secretKey: string, credentialType: CredentialType, slot: Slot): Observable<string> {
    this.state$.next({ state: 'exchanging', credentialType });
    return this.exchange(secretKey, credentialType).pipe(
      tap({
        next: (res) => {
          this.known.add(res.api_key);
          const now = this.now();
          const expiresAtMs = parseEndDate(res.end_date);
          const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, (expiresAtMs - now) / 2));
          slot.cached = { key: res.api_key, refreshAtMs: expiresAtMs - margin };
          this.state$.next({ state: 'valid', expiresAt: res.end_date, credentialType });
        },
        error: (error: Error) => this.state$.next({ state: 'failed', error, credentialType }),
      }),
      map((res) => res.api_key),
      // The exchange ran its own retries: the call that needed the key must not run them again
      // (a 500 on Get API Key would otherwise cost maxAttempts² key requests).
      catchError((err: unknown) => throwError(() => budgetSpent(err))),
      finalize(() => (slot.inflight = undefined)),
      // One exchange serves every concurrent caller of this type; a late caller after it ends reads the cache.
      share(),
    );
  }
}

/**
 * `end_date` has no documented format: a timestamp with a zone is read as written, one without
 * (`2026-12-07 04:00:00`) in Japan's +09:00 on every machine ({@link parseServiceTime});
 * anything else, or none, is treated as long-lived (the service will say
 * `Inactive_credential.` when it is not, and we refresh then).
 *
 * @internal
 */
export function parseEndDate(endDate: string | undefined): number {
  const ms = endDate === undefined ? Number.NaN : parseServiceTime(endDate);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}
