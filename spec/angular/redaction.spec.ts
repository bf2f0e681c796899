/** Specs: no secret in what Angular's HttpClient path prints. */
// First: it loads @angular/compiler, which Angular's partially compiled packages need.
import { rootInjector } from './angularInjector';
import { provideHttpClient, withFetch } from '@angular/common/http';
import type { EnvironmentInjector } from '@angular/core';
import { lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, PredictionOneError, downloadResult$, type StatusEvent, type TrainingEvent } from 'prediction-one-rx';
import { PREDICTION_ONE_CLIENT, PredictionOneService, providePredictionOne } from '../../lib/angular';
import { API_KEY, SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { leaks } from '../helpers/leaks';

// The Angular side (HttpClient transport) printed after S3's SignatureDoesNotMatch page on an
// upload and on a result download: neither the service, its client nor the errors show a secret.

const { emulator } = useEmulator({ trainingDelayMs: 0 });
const job = { data: { train: seattleWeather(120) }, name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } } as const;

let injector: EnvironmentInjector | undefined;
afterEach(() => {
  injector?.destroy();
  injector = undefined;
});

function app(): PredictionOneService {
  injector = rootInjector([
    provideHttpClient(withFetch()),
    providePredictionOne({ baseUrl: emulator().url, secretKey: SECRET_KEY, retry: { maxAttempts: 1 }, poll: { minDelayMs: 10, maxDelayMs: 50 } }),
  ]);
  return injector.get(PredictionOneService);
}

describe('the Angular service and client, printed', () => {
  it('should print no secret after a SignatureDoesNotMatch page on an upload', async () => {
    const p1 = app();
    emulator().injectNext('PUT /storage/upload', 'signatureMismatch');
    const err = await lastValueFrom(p1.upload(seattleWeather(40))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ httpStatus: 403 });
    const secrets = [API_KEY, SECRET_KEY, ...p1.client.credentials.secrets()];
    expect(secrets.length).toBeGreaterThan(1); // the exchanged key is in play
    expect(leaks(err, secrets)).toEqual([]);
    expect(leaks(p1, secrets)).toEqual([]);
    expect(leaks(injector?.get(PREDICTION_ONE_CLIENT), secrets)).toEqual([]);
  });

  it('should print no secret after a SignatureDoesNotMatch page on a result download', async () => {
    const p1 = app();
    const events: TrainingEvent[] = await lastValueFrom(p1.train(job).pipe(toArray()));
    const finished = events.find((e): e is StatusEvent => e.type === 'status' && e.resultUrl !== undefined);
    const resultUrl = finished?.resultUrl ?? '';
    expect(resultUrl).toMatch(/X-Amz-Signature=/);
    emulator().injectNext('GET /storage/result', 'signatureMismatch');
    const err = await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(p1.client))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PredictionOneError);
    expect(err).toMatchObject({ httpStatus: 403 });
    const secrets = [API_KEY, SECRET_KEY, ...p1.client.credentials.secrets(), resultUrl.split('?')[1]];
    expect(leaks(err, secrets)).toEqual([]);
    expect(leaks(p1, secrets)).toEqual([]);
  });
});
