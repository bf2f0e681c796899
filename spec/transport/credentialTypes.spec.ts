/** Specs: the client's credential types. */
import { forkJoin, lastValueFrom, of, toArray } from 'rxjs';
import { AuthError, ValidationError, createClient, type CredentialState } from '../../lib';
import { classifiers$, models$, retrainClient$, retrainUpload$ } from '../../lib/deploy';
import { startEmulator, type Emulator } from '../../lib/emulator';

const SECRET = 'secret-for-types';
const inactive = { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'Inactive_credential.' };

describe('credential types on the client (train, deploy, retrain)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    // No universal keys: every key here has exactly one type, as on the real service.
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, secretKeys: [SECRET], apiKeysByType: { train: ['train-k'], deploy: ['deploy-k'] } });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.clearLog());

  const secretClient = () => createClient({ baseUrl: emulator.url, secretKey: SECRET, retry: { maxAttempts: 1 } });
  const keyTypes = (route: string) => emulator.requests.filter((r) => r.route === route).map((r) => r.keyType);

  it('should exchange the secret key once per type, concurrently, and send each endpoint its type', async () => {
    const client = secretClient();
    const states: CredentialState[] = [];
    client.credentialState$.subscribe((s) => states.push(s));
    const calls = [
      ...Array.from({ length: 4 }, () => models$(client).pipe(toArray())),
      ...Array.from({ length: 4 }, () => classifiers$(client).pipe(toArray())),
    ];
    await lastValueFrom(forkJoin(calls));
    expect(emulator.count('GET /v1/external/api-key')).toBe(2);
    expect(keyTypes('GET /v1/external/api-key')).toEqual(['secret', 'secret']);
    expect(keyTypes('GET /v1/external/models')).toEqual(['train', 'train', 'train', 'train']);
    expect(keyTypes('GET /v1/external/classifiers')).toEqual(['deploy', 'deploy', 'deploy', 'deploy']);
    expect(
      states
        .filter((s) => s.state === 'valid')
        .map((s) => (s.state === 'valid' ? s.credentialType : undefined))
        .sort(),
    ).toEqual(['deploy', 'train']);
    // Both cached: no new exchange.
    await lastValueFrom(forkJoin([models$(client).pipe(toArray()), classifiers$(client).pipe(toArray())]));
    expect(emulator.count('GET /v1/external/api-key')).toBe(2);
  });

  it('should use apiKeys per type without any exchange', async () => {
    const client = createClient({ baseUrl: emulator.url, apiKeys: { train: 'train-k', deploy: 'deploy-k' } });
    await lastValueFrom(forkJoin([models$(client).pipe(toArray()), classifiers$(client).pipe(toArray())]));
    expect(emulator.count('GET /v1/external/api-key')).toBe(0);
    expect(keyTypes('GET /v1/external/models')).toEqual(['train']);
    expect(keyTypes('GET /v1/external/classifiers')).toEqual(['deploy']);
  });

  it('should exchange only the type apiKeys does not give', async () => {
    const client = createClient({ baseUrl: emulator.url, apiKeys: { train: 'train-k' }, secretKey: SECRET });
    await lastValueFrom(forkJoin([models$(client).pipe(toArray()), classifiers$(client).pipe(toArray())]));
    expect(emulator.count('GET /v1/external/api-key')).toBe(1);
    expect(keyTypes('GET /v1/external/classifiers')).toEqual(['deploy']);
  });

  it('should answer a key of the wrong type with AuthError Not_found_credential.', async () => {
    const client = createClient({ baseUrl: emulator.url, apiKey: 'train-k', retry: { maxAttempts: 1 } });
    const err = await lastValueFrom(classifiers$(client)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ apiMessage: 'Not_found_credential.', httpStatus: 400 });
  });

  it('should refresh only the refused type on Inactive_credential.', async () => {
    const client = secretClient();
    await lastValueFrom(forkJoin([models$(client).pipe(toArray()), classifiers$(client).pipe(toArray())]));
    emulator.failNext('GET /v1/external/classifiers', 400, inactive);
    await lastValueFrom(classifiers$(client).pipe(toArray()));
    expect(emulator.count('GET /v1/external/api-key')).toBe(3);
    await lastValueFrom(models$(client).pipe(toArray()));
    expect(emulator.count('GET /v1/external/api-key')).toBe(3);
  });

  it('should refuse a client-wide retrain exchange (a retrain key is bound to one model) with ValidationError', async () => {
    const client = secretClient();
    const err = await lastValueFrom(of('x.csv').pipe(retrainUpload$(client))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(String((err as Error).message)).toMatch(/retrainClient\$/);
  });

  it('should take apiKeys.retrain as the retrain client key', async () => {
    const client = createClient({ baseUrl: emulator.url, apiKeys: { train: 'train-k', retrain: 'given-retrain-k' } });
    const scoped = await lastValueFrom(retrainClient$(client, 1));
    expect(scoped.credentials.staticKey('retrain')).toBe('given-retrain-k');
    expect(emulator.count('GET /v1/external/api-key')).toBe(0);
  });
});
