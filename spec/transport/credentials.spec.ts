/** Specs: API key exchange and refresh. */
import { forkJoin, lastValueFrom, of, toArray } from 'rxjs';
import { AuthError, apiKey$, createClient, upload$, type CredentialState } from '../../lib';
import { datasetInfo$ } from '../../lib/deploy';
import { parseEndDate } from '../../lib/transport/credentials';
import { SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

describe('credentials', () => {
  const { emulator } = useEmulator();
  const secretClient = () => createClient({ baseUrl: emulator().url, secretKey: SECRET_KEY, retry: { maxAttempts: 1 } });
  beforeEach(() => emulator().clearLog());

  it('should exchange a secret key for an API key with apiKey$', async () => {
    const key = await lastValueFrom(of(SECRET_KEY).pipe(apiKey$(secretClient())));
    expect(key.apiKey).toMatch(/.{16,}/);
    expect(Number.isNaN(Date.parse(key.endDate ?? ''))).toBe(false);
  });

  it('should refuse an unknown secret key with AuthError', async () => {
    const err = await lastValueFrom(of('not-a-secret-key').pipe(apiKey$(secretClient()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
  });

  it('should share one exchange between concurrent pipelines and cache the key', async () => {
    const client = secretClient();
    const states: CredentialState['state'][] = [];
    client.credentialState$.subscribe((s) => states.push(s.state));
    const uploads = Array.from({ length: 5 }, () => of(seattleWeather(10)).pipe(upload$(client), toArray()));
    await lastValueFrom(forkJoin(uploads));
    expect(emulator().count('GET /v1/external/api-key')).toBe(1);
    await lastValueFrom(of(seattleWeather(10)).pipe(upload$(client), toArray()));
    expect(emulator().count('GET /v1/external/api-key')).toBe(1);
    expect(states).toEqual(['none', 'exchanging', 'valid']);
  });

  it('should refresh once and retry when the service answers Inactive_credential.', async () => {
    const client = secretClient();
    const events = await lastValueFrom(of(seattleWeather(10)).pipe(upload$(client), toArray()));
    const uploaded = events.find((e) => e.type === 'uploaded')!;
    emulator().failNext('GET /v1/external/data-sets/column-info', 400, {
      code: 4001000204,
      error: 'PREDA_EXTERNAL_BAD_REQUEST',
      message: 'Inactive_credential.',
    });
    const info = await lastValueFrom(of(uploaded).pipe(datasetInfo$(client)));
    expect(info.trainingdata_row_count).toBe(10);
    expect(emulator().count('GET /v1/external/api-key')).toBe(2);
    expect(emulator().count('GET /v1/external/data-sets/column-info')).toBe(2);
  });

  it('should not loop when the refreshed key is refused too', async () => {
    const client = secretClient();
    const events = await lastValueFrom(of(seattleWeather(10)).pipe(upload$(client), toArray()));
    const uploaded = events.find((e) => e.type === 'uploaded')!;
    const inactive = { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'Inactive_credential.' };
    emulator().failNext('GET /v1/external/data-sets/column-info', 400, inactive);
    emulator().failNext('GET /v1/external/data-sets/column-info', 400, inactive);
    const err = await lastValueFrom(of(uploaded).pipe(datasetInfo$(client))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(emulator().count('GET /v1/external/data-sets/column-info')).toBe(2);
  });

  it('should treat an unparseable end_date as long-lived', () => {
    expect(parseEndDate('2026-11-28T07:00:00Z')).toBe(Date.parse('2026-11-28T07:00:00Z'));
    expect(parseEndDate('someday')).toBe(Number.POSITIVE_INFINITY);
    expect(parseEndDate(undefined)).toBe(Number.POSITIVE_INFINITY);
  });
});
