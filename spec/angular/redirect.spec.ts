/** Specs: redirects of pre-signed requests through Angular's HttpClient. */
// First: it loads @angular/compiler, which Angular's partially compiled packages need.
import { rootInjector } from './angularInjector';
import { HttpResponse, HttpHeaders, provideHttpClient, withFetch, withInterceptors, type HttpInterceptorFn } from '@angular/common/http';
import { XhrFactory } from '@angular/common';
import type { EnvironmentInjector } from '@angular/core';
import { lastValueFrom, of, toArray } from 'rxjs';
import { RedirectError } from 'prediction-one-rx';
import { models$ } from 'prediction-one-rx/deploy';
import { PREDICTION_ONE_CLIENT, providePredictionOne, type PredictionOneConfig } from '../../lib/angular';
import { putPresigned$ } from '../../lib/transport/presigned';
import { OTHER_HOST, recordingServer, redirectTo, type RecordingServer } from '../helpers/redirectServers';

// Issue 20 item 2 through Angular's HttpClient: the API host (127.0.0.1) redirects to another
// loopback address (127.0.0.2) that records every request.

const API_KEY = 'api-key-must-stay-home';
const SECRET_KEY = 'secret-key-must-stay-home';

let api: RecordingServer;
let other: RecordingServer;
let injector: EnvironmentInjector | undefined;

beforeEach(async () => {
  other = await recordingServer(OTHER_HOST);
  api = await recordingServer(
    '127.0.0.1',
    redirectTo(302, (req) => `${other.origin}${req.path}`),
  );
});

afterEach(async () => {
  injector?.destroy();
  injector = undefined;
  await api.close();
  await other.close();
});

function clientOf(config: Partial<PredictionOneConfig>, fetchBackend = true, interceptors: HttpInterceptorFn[] = []) {
  injector = rootInjector([
    ...(fetchBackend
      ? [provideHttpClient(withFetch(), withInterceptors(interceptors))]
      : // Node has no XMLHttpRequest: the interceptor below answers before the XHR backend would build one.
        [
          provideHttpClient(withInterceptors(interceptors)),
          {
            provide: XhrFactory,
            useValue: {
              build: () => {
                throw new Error('no XHR in Node');
              },
            },
          },
        ]),
    providePredictionOne({ baseUrl: api.origin, retry: { maxAttempts: 1 }, ...config }),
  ]);
  return injector.get(PREDICTION_ONE_CLIENT);
}

const failure = (run: Promise<unknown>): Promise<unknown> =>
  run.then(
    () => new Error('expected a failure'),
    (err: unknown) => err,
  );

const keyedAtOtherHost = () => other.seen.filter((s) => JSON.stringify(s.headers).includes('must-stay-home'));

describe('HttpClient (fetch backend) and redirects', () => {
  it.each([301, 302, 307, 308])('should refuse HTTP %i of an API call as a RedirectError, the other host seeing nothing', async (status) => {
    api.reply = redirectTo(status, (req) => `${other.origin}${req.path}`);
    const err = await failure(lastValueFrom(models$(clientOf({ apiKey: API_KEY })).pipe(toArray())));
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).target).toBe(other.origin);
    expect(other.seen).toEqual([]);
  });

  it('should never send the secret key of a key exchange to the other host', async () => {
    const err = await failure(lastValueFrom(models$(clientOf({ secretKey: SECRET_KEY, dangerouslyAllowBrowser: true })).pipe(toArray())));
    expect(err).toBeInstanceOf(RedirectError);
    expect(api.seen[0].headers['x-api-key']).toBe(SECRET_KEY);
    expect(keyedAtOtherHost()).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it('should follow a 307 of a pre-signed byte PUT itself, without the key', async () => {
    api.reply = redirectTo(307, () => `${other.origin}/moved?X-Amz-Signature=s`);
    const client = clientOf({ apiKey: API_KEY });
    await lastValueFrom(putPresigned$(client, `${api.origin}/storage/data.csv?X-Amz-Signature=s`, new TextEncoder().encode('a,b\n1,2\n')), {
      defaultValue: 'none',
    });
    expect(other.seen.map((s) => [s.method, s.body.toString()])).toEqual([['PUT', 'a,b\n1,2\n']]);
    expect(keyedAtOtherHost()).toEqual([]);
  });
});

describe('HttpClient with the XHR backend (follows redirects itself)', () => {
  it("should not ask XHR for redirect: 'manual' (Angular would warn on every request), and still fail a call the backend answered from another origin", async () => {
    const asked: (string | undefined)[] = [];
    // Stands in for XHR having followed a redirect: the response's URL is the other host's.
    const followedByXhr: HttpInterceptorFn = (req) => {
      asked.push(req.redirect);
      return of(
        new HttpResponse({
          status: 200,
          body: new TextEncoder().encode('{"models":[],"total":0}').buffer,
          headers: new HttpHeaders(),
          url: `${other.origin}/v1/external/models`,
        }),
      );
    };
    const err = await failure(lastValueFrom(models$(clientOf({ apiKey: API_KEY }, false, [followedByXhr])).pipe(toArray())));
    expect(asked).toEqual([undefined]);
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).followed).toBe(true);
    expect((err as RedirectError).target).toBe(other.origin);
  });

  it("should ask the fetch backend for redirect: 'manual'", async () => {
    const asked: (string | undefined)[] = [];
    const record: HttpInterceptorFn = (req, next) => (asked.push(req.redirect), next(req));
    await failure(lastValueFrom(models$(clientOf({ apiKey: API_KEY }, true, [record])).pipe(toArray())));
    expect(asked).toEqual(['manual']);
  });
});
