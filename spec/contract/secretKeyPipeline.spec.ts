/** Specs: the whole pipeline from a secret key, against the emulator. */
/**
 * The Done-when pipeline: one client with only a secret key trains, deploys, predicts one row at
 * a time and deletes; it exchanges the secret key for a train key and a deploy key, and the
 * emulator's request log shows the right key type on every call.
 */
import { from, lastValueFrom, of, toArray } from 'rxjs';
import { createClient, pollStatus$, train$, upload$ } from '../../lib';
import { createClassifier$, deleteClassifier$, deleteModel$, models$, predict$, waitForClassifier$ } from '../../lib/deploy';
import { startEmulator, type Emulator, type RecordedKeyType } from '../../lib/emulator';
import { premiumCsv } from './support';

const SECRET = 'secret-pipeline';

/** The key type each route must carry on the real service. */
const EXPECTED: Readonly<Record<string, RecordedKeyType>> = {
  'GET /v1/external/api-key': 'secret',
  'GET /v1/external/data-sets/upload-url': 'train',
  'PUT /storage/upload': 'unknown',
  'POST /v1/external/models': 'train',
  'GET /v1/external/models/results': 'train',
  'GET /v1/external/models': 'train',
  'DELETE /v1/external/models/{model_id}': 'train',
  'POST /v1/external/classifiers': 'deploy',
  'GET /v1/external/classifiers': 'deploy',
  'DELETE /v1/external/classifiers/{classifier_id}': 'deploy',
  'POST /inference/{classifier_id}': 'classifier',
};

describe('contract: a secret-key client through train, deploy, predict (one row per request) and delete', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    // No pre-registered keys: every API key comes from Get API Key, typed as the service types it.
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, secretKeys: [SECRET] });
  });
  afterAll(() => emulator.close());

  it('should exchange one train and one deploy key and send each call the right type', async () => {
    const client = createClient({
      baseUrl: emulator.url,
      secretKey: SECRET,
      poll: { minDelayMs: 10, maxDelayMs: 20 },
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    const config = { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' } as const;
    await lastValueFrom(of(premiumCsv(160)).pipe(upload$(client), train$(client, { name: 'premium', config }), pollStatus$(client), toArray()));
    const [model] = await lastValueFrom(models$(client).pipe(toArray()));
    // Sent as the page writes it, and echoed as sent (G13, G24).
    expect(model.config).toMatchObject({ cv: '2' });

    const created = await lastValueFrom(
      of({ modelId: model.model_id, rules: [{ source: '0.0.0.0/0', order: 'allow' as const, priority: 0 }] }).pipe(createClassifier$(client)),
    );
    const running = await lastValueFrom(of(created).pipe(waitForClassifier$(client, { minDelayMs: 10, maxDelayMs: 20 })));

    const [header, ...rows] = premiumCsv(6, 77).trim().split('\n');
    const objects = rows.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header.split(',')[i], v])));
    const answers = await lastValueFrom(from(objects).pipe(predict$({ url: running.url!, apiKey: running.api_key! }, { client, concurrency: 2 }), toArray()));
    expect(answers.map((a) => [a.index, a.inputRows])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);

    await lastValueFrom(of(created.classifierId).pipe(deleteClassifier$(client)));
    await lastValueFrom(of(model.model_id).pipe(deleteModel$(client)));

    expect(emulator.count('GET /v1/external/api-key')).toBe(2);
    expect(emulator.count('POST /inference/{classifier_id}')).toBe(6);
    const wrong = emulator.requests.filter((r) => EXPECTED[r.route] === undefined || EXPECTED[r.route] !== r.keyType).map((r) => `${r.route}: ${r.keyType}`);
    expect(wrong).toEqual([]);
    expect(new Set(emulator.requests.map((r) => r.route))).toEqual(new Set(Object.keys(EXPECTED)));
    expect(emulator.requests.every((r) => r.status === 200)).toBe(true);
  });
});
