/** client.withOptions: derived clients share the limiter, credentials and polls. */
import { Subscription, lastValueFrom, merge, of, toArray } from 'rxjs';
import { models$, retrainClient$ } from '../../lib/deploy';
import { createClient, pollStatus$, train$, upload$, type ClientConfig, type FetchLike, type TrainingEvent } from '../../lib';
import { API_KEY, SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

/** A fetch that counts the requests in flight at once and records each request's key. */
function watchedFetch(): { fetch: FetchLike; maxInFlight: () => number; keys: string[] } {
  let inFlight = 0;
  let max = 0;
  const keys: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    inFlight++;
    max = Math.max(max, inFlight);
    keys.push((init?.headers as Record<string, string> | undefined)?.['x-api-key'] ?? '');
    try {
      return await globalThis.fetch(url, init as RequestInit);
    } finally {
      inFlight--;
    }
  };
  return { fetch, maxInFlight: () => max, keys };
}

const inactive = { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'Inactive_credential.' };

describe('client.withOptions', () => {
  const { emulator } = useEmulator();
  const make = (config: ClientConfig) => createClient({ baseUrl: emulator().url, retry: { maxAttempts: 1 }, ...config });
  beforeEach(() => emulator().clearLog());

  it("should count a derived client's requests against the parent's limits", async () => {
    const watched = watchedFetch();
    const parent = make({ apiKey: API_KEY, fetch: watched.fetch, limits: { maxInFlight: 1 } });
    const derived = parent.withOptions({ requestTimeoutMs: 5_000 });
    const lists = [parent, derived, parent, derived].map((c) => models$(c).pipe(toArray()));
    await lastValueFrom(merge(...lists).pipe(toArray()));
    expect(emulator().count('GET /v1/external/models')).toBe(4);
    expect(watched.maxInFlight()).toBe(1);
  });

  it("should count a retrain client's requests against the parent's limits", async () => {
    const watched = watchedFetch();
    const parent = make({ apiKey: API_KEY, fetch: watched.fetch, limits: { maxInFlight: 1 } });
    const rc = await lastValueFrom(retrainClient$(parent, 1, { apiKey: 'a-retrain-key-for-model-1' }));
    await lastValueFrom(merge(models$(parent), models$(rc), models$(parent), models$(rc)).pipe(toArray()));
    expect(watched.maxInFlight()).toBe(1);
    // Its train requests use the parent's key; its own key is only its retrain key.
    expect(watched.keys).toEqual([API_KEY, API_KEY, API_KEY, API_KEY]);
  });

  it('should share the credentials: an exchange and a refresh on the parent are the derived client’s too', async () => {
    const watched = watchedFetch();
    const parent = make({ secretKey: SECRET_KEY, fetch: watched.fetch });
    const derived = parent.withOptions({ retry: { maxAttempts: 2, baseDelayMs: 1 } });
    await lastValueFrom(models$(parent).pipe(toArray()));
    await lastValueFrom(models$(derived).pipe(toArray()));
    expect(emulator().count('GET /v1/external/api-key')).toBe(1);
    const first = watched.keys.filter((k) => k !== SECRET_KEY);
    expect(new Set(first).size).toBe(1);

    // The parent's key is refused: the parent refreshes it ...
    emulator().failNext('GET /v1/external/models', 400, inactive);
    await lastValueFrom(models$(parent).pipe(toArray()));
    expect(emulator().count('GET /v1/external/api-key')).toBe(2);
    // ... and the derived client sends the refreshed key without an exchange of its own.
    await lastValueFrom(models$(derived).pipe(toArray()));
    expect(emulator().count('GET /v1/external/api-key')).toBe(2);
    const sent = watched.keys.filter((k) => k !== SECRET_KEY);
    const refreshed = sent[sent.length - 1];
    expect(refreshed).not.toBe(first[0]);
    expect(sent.slice(-2)).toEqual([refreshed, refreshed]);
  });

  it("should give the derived client its own resolved settings and leave the parent's alone", () => {
    const parent = make({ apiKey: API_KEY, requestTimeoutMs: 1_000, headers: { 'x-a': '1' } });
    const derived = parent.withOptions({ requestTimeoutMs: 9_000, retry: { maxAttempts: 7 } });
    expect(derived.settings.requestTimeoutMs).toBe(9_000);
    expect(derived.settings.retry.maxAttempts).toBe(7);
    expect(derived.settings.headers).toEqual({ 'x-a': '1' });
    expect(parent.settings.requestTimeoutMs).toBe(1_000);
    expect(parent.settings.retry.maxAttempts).toBe(1);
    expect(derived.limiter).toBe(parent.limiter);
    expect(derived.credentials).toBe(parent.credentials);
    expect(derived.scheduler).toBe(parent.scheduler);
  });

  it('should keep what a derived client shares with its parent, whatever it is given', () => {
    const parent = make({ apiKey: API_KEY, limits: { maxInFlight: 1 } });
    const derived = parent.withOptions({ baseUrl: 'http://127.0.0.1:1', allowInsecureHttp: true, limits: { maxInFlight: 9 }, secretKey: SECRET_KEY } as never);
    expect(derived.baseUrl).toBe(parent.baseUrl);
    expect(derived.settings.allowInsecureHttp).toBe(false);
    expect(derived.limiter).toBe(parent.limiter);
    expect(derived.credentials).toBe(parent.credentials);
    // A proxy adds the key: a derived client may not hold one either.
    expect(() => make({ keyAddedByProxy: true }).withOptions({ apiKeys: { retrain: 'k' } })).toThrow(/keyAddedByProxy: true means the proxy adds the key/);
  });
});

describe('client.withOptions and shared polls', () => {
  const { emulator, client } = useEmulator({ manual: true });

  it("should join the parent's shared status poll: one request for both", async () => {
    // A long interval: each poll run asks once, then waits.
    const parent = client({ poll: { minDelayMs: 60_000 } });
    const derived = parent.withOptions({ requestTimeoutMs: 5_000 });
    const events = await lastValueFrom(
      of(seattleWeather(40)).pipe(upload$(parent), train$(parent, { name: 'shared', config: { tt: 'multi_classification', tc: 'weather' } }), toArray()),
    );
    const queued = events[events.length - 1];
    emulator().clearLog();
    const seen: string[] = [];
    let subscriptions: Subscription[] = [];
    await new Promise<void>((resolve, reject) => {
      const see = (who: string) => (e: TrainingEvent) => {
        if (e.type !== 'status') return;
        seen.push(`${who}:${e.status}`);
        if (seen.length === 2) resolve();
      };
      subscriptions = [parent, derived].map((c, i) =>
        of(queued)
          .pipe(pollStatus$(c))
          .subscribe({ next: see(i === 0 ? 'parent' : 'derived'), error: reject }),
      );
    });
    subscriptions.forEach((s) => s.unsubscribe());
    expect(seen.sort()).toEqual(['derived:waiting', 'parent:waiting']);
    expect(emulator().count('GET /v1/external/models/results')).toBe(1);
  });
});
