/** The client's call hooks: one call number per logical call, onCallEnd once. */
// The client's call hooks: every request of one logical call carries its number, and onCallEnd hears how the call ended.
import { lastValueFrom, toArray } from 'rxjs';
import { models$ } from '../../lib/deploy';
import { PredictionOneError, createClient, type CallEndEvent, type ClientConfig, type RequestEvent } from '../../lib';
import { SECRET_KEY, useEmulator } from '../helpers/emulator';

describe('onRequest call numbers and onCallEnd', () => {
  const { emulator } = useEmulator();
  const requests: RequestEvent[] = [];
  const ends: CallEndEvent[] = [];
  beforeEach(() => {
    requests.length = 0;
    ends.length = 0;
  });
  const client = (config: ClientConfig = {}) =>
    createClient({
      baseUrl: emulator().url,
      secretKey: SECRET_KEY,
      onRequest: (e) => requests.push(e),
      onCallEnd: (e) => ends.push(e),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...config,
    });

  it('should number the attempts of a retried call alike and end it once, after its last attempt', async () => {
    emulator().failNext('GET /v1/external/models', 503, undefined, { retryAfterS: 0 });
    await lastValueFrom(models$(client()).pipe(toArray()));
    const host = new URL(emulator().url).host;
    const [key, models] = [ends[0], ends[1]];
    expect(ends).toEqual([
      { operation: 'getApiKey', call: key.call, trainingId: undefined, outcome: 'ok', attempts: 1, error: undefined },
      { operation: 'models', call: models.call, trainingId: undefined, outcome: 'ok', attempts: 2, error: undefined },
    ]);
    expect(key.call).not.toBe(models.call);
    expect(requests.map((e) => [e.operation, e.call, e.attempt, e.phase, e.status, e.host])).toEqual([
      ['getApiKey', key.call, 1, 'start', undefined, host],
      ['getApiKey', key.call, 1, 'response', 200, host],
      ['models', models.call, 1, 'start', undefined, host],
      ['models', models.call, 1, 'response', 503, host],
      ['models', models.call, 2, 'start', undefined, host],
      ['models', models.call, 2, 'response', 200, host],
    ]);
  });

  it('should end a failed call with its typed error, and ignore a hook that throws', async () => {
    emulator().failNext('GET /v1/external/models', 400, { code: 'invalid_parameter', message: 'no' });
    const thrown: CallEndEvent[] = [];
    const err = await lastValueFrom(
      models$(
        client({
          onCallEnd: (e) => {
            thrown.push(e);
            throw new Error('observer failure');
          },
        }),
      ),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PredictionOneError);
    const failed = thrown.find((e) => e.operation === 'models');
    expect(failed).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(failed?.error).toBe(err);
  });
});
