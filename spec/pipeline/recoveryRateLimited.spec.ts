/** Specs: trainModel$ recovering after a failed Create Model. */
import { lastValueFrom, toArray } from 'rxjs';
import { trainModel$ } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

const CREATE = 'POST /v1/external/models';
const STATUS = 'GET /v1/external/models/results';
const config = { tt: 'multi_classification', tc: 'weather', cv: 2 } as const;

describe('trainModel$ recovery after an answered 5xx on Create Model', () => {
  const { emulator, client } = useEmulator();

  it('should not resend Create Model when the status check was only rate-limited (429 does not mean "unknown id")', async () => {
    emulator().clearLog();
    // Create Model answered 500: the training may or may not exist.
    emulator().injectNext(CREATE, 'error', { status: 500 });
    // The status check that should decide it is refused with 429: it says nothing about the id.
    emulator().injectNext(STATUS, 'rateLimit', { retryAfterS: 0 });
    const c = client({ retry: { maxAttempts: 1 } });
    await lastValueFrom(trainModel$(c, { data: { train: seattleWeather(40) }, name: 'review-429', config }).pipe(toArray())).catch((e: unknown) => e);
    // Observed: 2 (Create Model is resent, which trains twice if the first one had been acted on).
    expect(emulator().count(CREATE)).toBe(1);
  });
});
