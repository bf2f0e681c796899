/** Specs: redaction of every printed error and client. */
import { inspect } from 'node:util';
import { lastValueFrom, of, toArray } from 'rxjs';
import * as core from '../../lib';
import {
  ApiError,
  DecodeError,
  PredictionOneError,
  apiKey$,
  createClient,
  downloadResult$,
  train$,
  trainModel$,
  upload$,
  type ClientConfig,
  type CompletedEvent,
  type PredictionOneClient,
  type StatusEvent,
} from '../../lib';
import * as deploy from '../../lib/deploy';
import { models$, retrainClient$ } from '../../lib/deploy';
import * as node from '../../lib/node';
import { createNodeClient, downloadResultToDir$ } from '../../lib/node';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { API_KEY, SECRET_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { leaks } from '../helpers/leaks';
import { redirectErrorFrom } from '../../lib/transport/errorFactory';

/**
 * Every error class and every client, printed the three ways a user prints them (String,
 * util.inspect, JSON.stringify, plus console's %o), after every kind of failure the library meets,
 * including S3's SignatureDoesNotMatch page (the emulator's 'signatureMismatch' fault) on an
 * upload and on a result download. None may show a key, a signature or what was signed.
 */

const JOB = { name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } } as const;
const DEPLOY_KEY = 'deploy-key-0123456789';
const ISSUED = 'p1emu_issued_key_0123456789abcdef';
const SIGNATURE = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const PRESIGNED = `http://127.0.0.1:1/storage/result/x/result.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${ACCESS_KEY_ID}%2F20260101%2Fap-northeast-1%2Fs3%2Faws4_request&X-Amz-Signature=${SIGNATURE}`;

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('redaction of every printed error and client', () => {
  const { emulator } = useEmulator({ maxUploadBytes: 50_000_000 });
  let resultUrl = '';
  let dir = '';
  /** Errors by the failure that made them, with the secrets in play. */
  const made: Array<{ failure: string; err: unknown }> = [];

  const factories: Record<string, (config: ClientConfig) => PredictionOneClient> = {
    createClient,
    createNodeClient: (config) => createNodeClient(config),
  };
  const config = (extra: ClientConfig = {}): ClientConfig => ({
    baseUrl: emulator().url,
    apiKey: API_KEY,
    retry: { maxAttempts: 1 },
    poll: { minDelayMs: 10, maxDelayMs: 50 },
    ...extra,
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-redact-'));
    const events = await lastValueFrom(trainModel$(createClient(config()), { ...JOB, data: { train: seattleWeather(120) } }).pipe(toArray()));
    expect((events.at(-1) as CompletedEvent).type).toBe('completed');
    const finished = events.find((e): e is StatusEvent => e.type === 'status' && e.resultUrl !== undefined);
    resultUrl = finished?.resultUrl ?? '';
    expect(resultUrl).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should recognise the leaks it looks for in S3's own SignatureDoesNotMatch page (the check can fail)", async () => {
    emulator().injectNext('GET /storage/result', 'signatureMismatch');
    const res = await fetch(resultUrl);
    expect(res.status).toBe(403);
    const page = await res.text();
    for (const element of ['AWSAccessKeyId', 'StringToSign', 'SignatureProvided', 'CanonicalRequest', 'CanonicalRequestBytes']) {
      expect(page).toContain(`<${element}>`);
    }
    expect(leaks(page, [])).toEqual(expect.arrayContaining([expect.stringMatching(/StringToSign/), expect.stringMatching(/CanonicalRequest/)]));
    expect(leaks({ apiKey: API_KEY }, [API_KEY])).not.toEqual([]);
  });

  describe.each(Object.keys(factories))('%s', (factory) => {
    const make = (extra: ClientConfig = {}) => factories[factory](config(extra));
    const failures: Record<string, { expected: string; run: () => Promise<unknown> }> = {
      'S3 SignatureDoesNotMatch on an upload PUT': {
        expected: 'StorageError',
        run: async () => {
          emulator().injectNext('PUT /storage/upload', 'signatureMismatch');
          return lastValueFrom(of({ train: seattleWeather(50) }).pipe(upload$(make())));
        },
      },
      'S3 SignatureDoesNotMatch on a result download': {
        expected: 'StorageError',
        run: async () => {
          emulator().injectNext('GET /storage/result', 'signatureMismatch');
          return lastValueFrom(of({ resultUrl }).pipe(downloadResult$(make())));
        },
      },
      'S3 SignatureDoesNotMatch on a result download to a directory': {
        expected: 'StorageError',
        run: async () => {
          emulator().injectNext('GET /storage/result', 'signatureMismatch');
          return lastValueFrom(of({ resultUrl }).pipe(downloadResultToDir$(make(), path.join(dir, `${factory}-403`))));
        },
      },
      'a wrong signature in the result URL (the real S3 page)': {
        expected: 'StorageError',
        run: async () =>
          lastValueFrom(of({ resultUrl: resultUrl.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${SIGNATURE}`) }).pipe(downloadResult$(make()))),
      },
      'a 500 on Get API Key whose body echoes the secret key': {
        expected: 'ServerError',
        run: async () => {
          emulator().failNext('GET /v1/external/api-key', 500, {
            code: 5001000000,
            error: 'INTERNAL',
            message: `cannot issue for ${SECRET_KEY}`,
            secret_key: SECRET_KEY,
          });
          return lastValueFrom(models$(make({ apiKey: undefined, secretKey: SECRET_KEY })));
        },
      },
      'a refused key echoed in the body': {
        expected: 'AuthError',
        run: async () => {
          emulator().failNext('GET /v1/external/models', 400, {
            code: 4001000204,
            error: 'PREDA_EXTERNAL_BAD_REQUEST',
            message: 'invalid_api_key.',
            api_key: API_KEY,
          });
          return lastValueFrom(models$(make()));
        },
      },
      'a Get API Key answer that does not decode': {
        expected: 'DecodeError',
        run: async () => {
          // A key wrapped in an object: the decode issue quotes the value, key included.
          emulator().failNext('GET /v1/external/api-key', 200, { api_key: { value: ISSUED }, end_date: '2030-01-01T00:00:00Z' });
          return lastValueFrom(of(SECRET_KEY).pipe(apiKey$(make({ apiKey: undefined, secretKey: SECRET_KEY }))));
        },
      },
      'a refused connection to a pre-signed URL': {
        expected: 'NetworkError',
        run: async () => lastValueFrom(of({ resultUrl: PRESIGNED }).pipe(downloadResult$(make()))),
      },
      'a request timeout on a pre-signed URL': {
        expected: 'RequestTimeoutError',
        run: async () => {
          emulator().delayNext('GET /storage/result', 3_000);
          return lastValueFrom(of({ resultUrl }).pipe(downloadResult$(make({ transferIdleTimeoutMs: 100 }))));
        },
      },
      'a download cut short': {
        // cross-fetch (node-fetch 2) does not report a body cut short of its Content-Length: the
        // transfer's idle timeout ends it (60 s by default, so shortened here).
        expected: 'NetworkError|ResultArchiveError|RequestTimeoutError',
        run: async () => {
          emulator().injectNext('GET /storage/result', 'truncate');
          return lastValueFrom(of({ resultUrl }).pipe(downloadResult$(make({ transferIdleTimeoutMs: 500 }))));
        },
      },
      'a corrupt result archive': {
        expected: 'ResultArchiveError',
        run: async () => {
          emulator().injectNext('GET /storage/result', 'corruptZip');
          return lastValueFrom(of({ resultUrl }).pipe(downloadResult$(make())));
        },
      },
      'a result larger than allowed': {
        expected: 'ResponseTooLargeError',
        run: async () => lastValueFrom(of({ resultUrl }).pipe(downloadResult$(make({ maxResultBytes: 100 })))),
      },
      'a reset after Create Model was sent': {
        expected: 'TrainingStartUnknownError',
        run: async () => {
          const client = make();
          const uploaded = await lastValueFrom(of({ train: seattleWeather(60) }).pipe(upload$(client)));
          emulator().injectNext('POST /v1/external/models', 'resetAfter');
          return lastValueFrom(of(uploaded).pipe(train$(client, JOB)));
        },
      },
      'a training that fails': {
        expected: 'TrainingFailedError',
        run: async () => {
          emulator().injectNext('POST /v1/external/models', 'failTraining');
          return lastValueFrom(trainModel$(make(), { ...JOB, data: { train: seattleWeather(60) } }));
        },
      },
      'a retrain client for a model that does not exist': {
        expected: 'ApiError|ValidationError|ResourceGoneError',
        run: async () => lastValueFrom(retrainClient$(make({ apiKey: undefined, secretKey: SECRET_KEY }), 987_654)),
      },
    };

    it.each(Object.keys(failures))('should print no secret after %s', async (failure) => {
      const client = make({ apiKey: undefined, secretKey: SECRET_KEY });
      // The client holds an exchanged key from here on: it must not print either.
      await lastValueFrom(models$(client).pipe(toArray()));
      const err = await failureOf(failures[failure].run);
      expect(err).toBeInstanceOf(PredictionOneError);
      expect((err as Error).name).toMatch(new RegExp(`^(${failures[failure].expected})$`));
      made.push({ failure: `${factory}: ${failure}`, err });
      const secrets = [API_KEY, SECRET_KEY, ISSUED, SIGNATURE, ...client.credentials.secrets(), resultUrl.split('?')[1]];
      expect(leaks(err, secrets)).toEqual([]);
      expect(leaks(client, secrets)).toEqual([]);
    });

    it('should print a client made with keys, and one holding an exchanged key, without them', async () => {
      const withKey = make();
      const exchanging = make({ apiKey: undefined, secretKey: SECRET_KEY, headers: { authorization: `Bearer ${API_KEY}`, 'x-trace': 'ok' } });
      await lastValueFrom(models$(exchanging).pipe(toArray()));
      const issued = exchanging.credentials.secrets().filter((s) => s !== SECRET_KEY);
      expect(issued).toHaveLength(1);
      const perType = make({ apiKey: undefined, apiKeys: { train: API_KEY, deploy: DEPLOY_KEY } });
      for (const client of [withKey, exchanging, perType]) {
        expect(leaks(client, [API_KEY, SECRET_KEY, DEPLOY_KEY, ...issued])).toEqual([]);
        // Still useful: says where it talks to and how it is set up.
        expect(inspect(client)).toContain(emulator().url);
        expect(JSON.parse(JSON.stringify(client))).toMatchObject({ baseUrl: emulator().url, config: { retry: { maxAttempts: 1 } } });
      }
      expect(JSON.parse(JSON.stringify(exchanging)).config).toMatchObject({
        secretKey: '[REDACTED]',
        headers: { authorization: '[REDACTED]', 'x-trace': 'ok' },
      });
      expect(String(withKey)).toBe(`PredictionOneClient(${emulator().url})`);
    });

    it('should print a retrain client (holding a retrain key) without its key', async () => {
      const base = make({ apiKey: undefined, secretKey: SECRET_KEY });
      const [model] = await lastValueFrom(models$(base).pipe(toArray()));
      const retrain = await lastValueFrom(retrainClient$(base, model.model_id));
      const retrainKey = retrain.config.apiKeys?.retrain ?? '';
      expect(retrainKey.length).toBeGreaterThan(5);
      expect(leaks(retrain, [retrainKey, SECRET_KEY])).toEqual([]);
    });
  });

  it('should print every exported error class without secrets, made from secret-laden input', () => {
    const body = `<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>${ACCESS_KEY_ID}</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/ap-northeast-1/s3/aws4_request\n${SIGNATURE}</StringToSign><SignatureProvided>${SIGNATURE}</SignatureProvided><CanonicalRequest>GET\n/x\nX-Amz-Credential=${ACCESS_KEY_ID}%2F20260101%2Fap-northeast-1%2Fs3%2Faws4_request&amp;X-Amz-Signature=${SIGNATURE}</CanonicalRequest></Error>`;
    const cause = new TypeError(`fetch failed: ${PRESIGNED} (x-api-key: ${API_KEY})`);
    const api = { httpStatus: 403, method: 'GET', url: PRESIGNED, body, apiMessage: `key ${API_KEY}` };
    const keys = [API_KEY];
    const recipes: Record<string, () => unknown> = {
      PredictionOneError: () => new PredictionOneError(`failed at ${PRESIGNED}`, { cause }),
      ApiError: () => new ApiError(api, keys),
      AuthError: () => new core.AuthError(api, keys),
      RateLimitError: () => new core.RateLimitError(api, keys),
      ServerError: () => new core.ServerError(api, keys),
      ResourceGoneError: () => new core.ResourceGoneError('model', api, keys),
      AbortError: () => new core.AbortError(`stopped while fetching ${PRESIGNED}`),
      InferenceError: () => new deploy.InferenceError({ ...api, reason: 'accessDenied' }, keys),
      NetworkError: () => new core.NetworkError('GET', PRESIGNED, cause, keys),
      RequestTimeoutError: () => new core.RequestTimeoutError('GET', PRESIGNED, 100),
      DecodeError: () =>
        new DecodeError('ApiKeyResponse', [`api_key: expected string, got "${API_KEY}"`], JSON.stringify({ api_key: API_KEY, url: PRESIGNED }), keys),
      ResponseTooLargeError: () => new core.ResponseTooLargeError(`GET ${PRESIGNED}`, 10),
      ValidationError: () =>
        new core.ValidationError('client configuration', [`baseUrl must be an http(s) URL, got 'ftp://u:${API_KEY}@h/?X-Amz-Signature=${SIGNATURE}'`]),
      StatusFailedError: () => new core.StatusFailedError('retrainJob', 'r-1', 'failed', `Retraining r-1 failed: Signature=${SIGNATURE}`),
      TrainingFailedError: () => new core.TrainingFailedError('job-1', 'failed'),
      PollTimeoutError: () => new core.PollTimeoutError('job-1', 10, { status: 'running' }),
      ResultArchiveError: () => new core.ResultArchiveError(`bad entry in ${PRESIGNED}`, { cause }),
      TrainingStartUnknownError: () => new core.TrainingStartUnknownError('job-1', cause),
      JobRecordVersionError: () => new core.JobRecordVersionError('job-1', { v: 99, note: cause.message }),
      RetrainFailedError: () => new deploy.RetrainFailedError('r-1', 'failed', `Signature=${SIGNATURE}`),
      ClassifierFailedError: () => new deploy.ClassifierFailedError('c-1', 'failed'),
      UploadUrlSpentError: () => new core.UploadUrlSpentError(new ApiError(api, keys)),
      StorageError: () => new core.StorageError({ ...api, error: 'SignatureDoesNotMatch', apiMessage: `The signature ${SIGNATURE} does not match` }, keys),
      SpoolLimitError: () => new core.SpoolLimitError(1024),
      // Says where the file is broken, never what the line holds (records keep pre-signed URLs).
      DeadlineExceededError: () => new core.DeadlineExceededError(`GET ${PRESIGNED}`, 1_000, 3, cause),
      // Made as the exchange makes it: from a 307 whose Location is another pre-signed URL.
      RedirectError: () =>
        redirectErrorFrom(
          { method: 'PUT', url: PRESIGNED, presigned: true },
          { status: 307, headers: { get: (h) => (h === 'location' ? `${PRESIGNED}&moved=1` : null) }, body: null, arrayBuffer: async () => new ArrayBuffer(0) },
        ),
      CheckpointError: () => new node.CheckpointError('/tmp/out/.p1rx-checkpoint.jsonl line 3: not JSON (the file was not written by p1rx, or was edited)'),
      // The cause is the file system's error (it quotes no data: a record holds no key anyway).
      CheckpointWriteError: () =>
        new node.CheckpointWriteError(
          '/tmp/out/.p1rx-checkpoint.jsonl',
          'ENOSPC',
          Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
        ),
      CheckpointLockedError: () =>
        new node.CheckpointLockedError('/tmp/out/.p1rx-checkpoint.jsonl', { pid: 4242, host: 'build-1', since: '2026-12-06T07:00:00.000Z' }),
    };
    const exported = [...Object.entries(core), ...Object.entries(deploy), ...Object.entries(node)]
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name);
    // A new error class needs a recipe here, so it is checked too.
    expect(exported.filter((name) => !(name in recipes))).toEqual([]);
    for (const name of exported) {
      const err = recipes[name]();
      expect([name, leaks(err, keys)]).toEqual([name, []]);
    }
    // The errors made by real failures above are all of exported classes.
    expect(made.map(({ err }) => (err as Error).constructor.name).filter((n) => !exported.includes(n))).toEqual([]);
  });
});
