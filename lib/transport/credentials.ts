/**
 * API key management: a static key, or a secret key exchanged for an API key (Get API Key),
 * cached, shared between concurrent callers, and refreshed before it expires.
 *
 * @packageDocumentation
 */
import { BehaviorSubject, Observable, defer, finalize, map, of, share, tap } from 'rxjs';
import type { ApiKeyResponse } from '../codecs/apiKey';
import { ValidationError } from '../core/errors';

/**
 * Where the client's credential stands. Carries no key material.
 *
 * ## Example
 * ```ts
 * client.credentialState$.subscribe((s) => console.log(s.state, s.expiresAt));
 * ```
 */
export type CredentialState =
  | { readonly state: 'static' }
  | { readonly state: 'none' }
  | { readonly state: 'exchanging' }
  | { readonly state: 'valid'; readonly expiresAt?: string }
  | { readonly state: 'failed'; readonly error: Error };

/**
 * Refresh this long before `end_date`, so a request never leaves with a key about to expire;
 * for short-lived keys, half their lifetime.
 */
const REFRESH_MARGIN_MS = 60_000;

/** @internal */
export class Credentials {
  private cached?: { key: string; refreshAtMs: number };
  private inflight?: Observable<string>;
  private readonly known = new Set<string>();
  readonly state$: BehaviorSubject<CredentialState>;

  constructor(
    private readonly apiKey: string | undefined,
    private readonly secretKey: string | undefined,
    private readonly exchange: (secretKey: string) => Observable<ApiKeyResponse>,
    private readonly now: () => number,
  ) {
    if (apiKey) this.known.add(apiKey);
    if (secretKey) this.known.add(secretKey);
    this.state$ = new BehaviorSubject<CredentialState>({ state: apiKey !== undefined ? 'static' : 'none' });
  }

  /** Every key value this client has held, for redaction. */
  secrets(): string[] {
    return [...this.known];
  }

  /**
   * The configured API key when there is one: it never changes, so callers may build requests
   * with it once. `''` when a proxy adds the key (no `x-api-key` is sent).
   */
  staticKey(): string | undefined {
    return this.apiKey;
  }

  /** Whether a refused key can be replaced by a new exchange. */
  canRefresh(): boolean {
    return this.secretKey !== undefined && this.apiKey === undefined;
  }

  /** The key to send now: cached, or one shared exchange in flight. */
  apiKey$(): Observable<string> {
    return defer(() => {
      if (this.apiKey !== undefined) return of(this.apiKey);
      if (this.cached && this.now() < this.cached.refreshAtMs) return of(this.cached.key);
      const secretKey = this.secretKey;
      if (!secretKey) {
        throw new ValidationError('client configuration', ['set apiKey, or secretKey to exchange for an API key']);
      }
      this.inflight ??= this.startExchange(secretKey);
      return this.inflight;
    });
  }

  /** Forgets `key` if it is the cached one, so the next request exchanges again. */
  invalidate(key: string): void {
    if (this.cached?.key === key) this.cached = undefined;
  }

  private startExchange(secretKey: string): Observable<string> {
    this.state$.next({ state: 'exchanging' });
    return this.exchange(secretKey).pipe(
      tap({
        next: (res) => {
          this.known.add(res.api_key);
          const now = this.now();
          const expiresAtMs = parseEndDate(res.end_date);
          const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, (expiresAtMs - now) / 2));
          this.cached = { key: res.api_key, refreshAtMs: expiresAtMs - margin };
          this.state$.next({ state: 'valid', expiresAt: res.end_date });
        },
        error: (error: Error) => this.state$.next({ state: 'failed', error }),
      }),
      map((res) => res.api_key),
      finalize(() => (this.inflight = undefined)),
      // One exchange serves every concurrent caller; a late caller after it ends reads the cache.
      share(),
    );
  }
}

/**
 * `end_date` has no documented format: ISO 8601 is parsed, anything else is treated as
 * long-lived (the service will say `Inactive_credential.` when it is not, and we refresh then).
 *
 * @internal
 */
export function parseEndDate(endDate: string): number {
  const ms = Date.parse(endDate);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}
