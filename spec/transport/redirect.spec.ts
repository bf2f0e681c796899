/** Specs: API calls through redirects on each transport. */
import { lastValueFrom, toArray } from 'rxjs';
import { PredictionOneError, RedirectError, createClient, type ClientConfig, type FetchLike } from 'prediction-one-rx';
import { models$ } from 'prediction-one-rx/deploy';
import { createNodeClient, createNodeFetch, createUndiciFetch, fileSource } from 'prediction-one-rx/node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getPresigned$, putPresigned$, MAX_PRESIGNED_REDIRECTS } from '../../lib/transport/presigned';
import { bodyChunks } from '../../lib/transport/body';
import { OTHER_HOST, recordingServer, redirectTo, type RecordingServer } from '../helpers/redirectServers';

// Issue 20 item 2 over real HTTP: the API host (127.0.0.1) redirects to another loopback
// address (127.0.0.2), a different origin that records every request. No request carrying a
// key may ever reach it, whatever the transport.

const API_KEY = 'api-key-must-stay-home';
const SECRET_KEY = 'secret-key-must-stay-home';
const SIGNED = 'X-Amz-Signature=sig-must-stay-secret';

let api: RecordingServer;
let other: RecordingServer;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  other = await recordingServer(OTHER_HOST);
  api = await recordingServer(
    '127.0.0.1',
    redirectTo(302, (req) => `${other.origin}${req.path}`),
  );
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await api.close();
  await other.close();
});

/** What reached the other host with a key (any form of it). */
function keyedAtOtherHost(): string[] {
  return other.seen
    .filter((s) => s.headers['x-api-key'] !== undefined || JSON.stringify(s.headers).includes('must-stay-home'))
    .map((s) => `${s.method} ${s.path}`);
}

const undici = (): FetchLike => {
  const fetch = createUndiciFetch();
  closers.push(() => fetch.close());
  return fetch;
};

const transports: ReadonlyArray<readonly [string, (base: ClientConfig) => ReturnType<typeof createClient>]> = [
  ['cross-fetch (createClient default)', (c) => createClient(c)],
  ['the platform fetch (fetch: globalThis.fetch)', (c) => createClient({ ...c, fetch: globalThis.fetch as unknown as FetchLike })],
  ['undici (createUndiciFetch)', (c) => createClient({ ...c, fetch: undici() })],
  ['the Node fallback without undici (createNodeFetch)', (c) => createClient({ ...c, fetch: createNodeFetch() })],
  ['createNodeClient default', (c) => createNodeClient(c)],
];

const failure = async (run: Promise<unknown>): Promise<unknown> =>
  run.then(
    () => new Error('expected a failure'),
    (err: unknown) => err,
  );

describe.each(transports)('API calls through %s', (_name, make) => {
  it.each([301, 302, 303, 307, 308])('should refuse HTTP %i as a RedirectError naming only the target origin, and send no key there', async (status) => {
    api.reply = redirectTo(status, (req) => `${other.origin}${req.path}&${SIGNED}`);
    const client = make({ baseUrl: api.origin, apiKey: API_KEY, retry: { maxAttempts: 3 } });
    const err = await failure(lastValueFrom(models$(client).pipe(toArray())));
    expect(err).toBeInstanceOf(RedirectError);
    const redirect = err as RedirectError;
    expect(redirect.httpStatus).toBe(status);
    expect(redirect.target).toBe(other.origin);
    expect(redirect.followed).toBe(false);
    expect(redirect.retryable).toBe(false);
    // The origin only: never the target's path or query, never a key.
    const printed = `${redirect.message} ${JSON.stringify(redirect)}`;
    expect(printed).toContain(other.origin);
    expect(printed).not.toMatch(/sig-must-stay-secret|must-stay-home|v1\/external\/models&/);
    expect(keyedAtOtherHost()).toEqual([]);
    expect(other.seen).toEqual([]);
    // Not retried: the same request gets the same answer.
    expect(api.seen).toHaveLength(1);
  });

  it('should never send the secret key of a key exchange to the other host', async () => {
    api.reply = redirectTo(307, (req) => `${other.origin}${req.path}`);
    const client = make({ baseUrl: api.origin, secretKey: SECRET_KEY, retry: { maxAttempts: 1 } });
    const err = await failure(lastValueFrom(models$(client).pipe(toArray())));
    expect(err).toBeInstanceOf(RedirectError);
    expect(api.seen.map((s) => s.path)).toEqual([expect.stringMatching(/^\/v1\/external\/api-key\?credential_type=train/)]);
    expect(api.seen[0].headers['x-api-key']).toBe(SECRET_KEY);
    expect(keyedAtOtherHost()).toEqual([]);
    expect(other.seen).toEqual([]);
    expect(String((err as Error).message)).not.toContain(SECRET_KEY);
  });
});

describe('a redirect the transport followed', () => {
  it('should fail the API call as a RedirectError (followed: true) even when the fetch ignores redirect: manual', async () => {
    // A fetch that drops the client's `redirect: 'manual'` (as an XHR would): the client cannot
    // stop the request, but it never takes the other host's answer for the API's.
    const following: FetchLike = (url, init) => globalThis.fetch(url, { ...init, redirect: 'follow' }) as unknown as ReturnType<FetchLike>;
    const client = createClient({ baseUrl: api.origin, apiKey: API_KEY, fetch: following, retry: { maxAttempts: 1 } });
    const err = await failure(lastValueFrom(models$(client).pipe(toArray())));
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).followed).toBe(true);
    expect((err as RedirectError).target).toBe(other.origin);
  });
});

// `streams`: whether the transport sends a streamed body (cross-fetch's node-fetch does not).
describe.each([
  ['cross-fetch', (): FetchLike | undefined => undefined, false],
  ['the platform fetch', (): FetchLike | undefined => globalThis.fetch as unknown as FetchLike, true],
  ['undici', (): FetchLike | undefined => undici(), true],
  ['the Node fallback', (): FetchLike | undefined => createNodeFetch(), true],
])('pre-signed transfers through %s', (_name, fetchOf, streams) => {
  const client = (extra: ClientConfig = {}) => createClient({ baseUrl: api.origin, apiKey: API_KEY, fetch: fetchOf(), retry: { maxAttempts: 1 }, ...extra });
  const storageUrl = () => `${api.origin}/storage/data.csv?${SIGNED}`;
  const body = () => new TextEncoder().encode('a,b\n1,2\n');

  it.each([301, 307, 308])('should follow HTTP %i of a byte PUT to the new host, without any key, and complete only after its 2xx', async (status) => {
    api.reply = redirectTo(status, () => `${other.origin}/moved/data.csv?${SIGNED}`);
    await lastValueFrom(putPresigned$(client(), storageUrl(), body()), { defaultValue: 'none' });
    expect(other.seen.map((s) => [s.method, s.path, s.body.toString()])).toEqual([['PUT', `/moved/data.csv?${SIGNED}`, 'a,b\n1,2\n']]);
    expect(keyedAtOtherHost()).toEqual([]);
  });

  // Only where the transport sends a streamed body: node-fetch gets the file as bytes anyway.
  if (streams)
    it('should follow a rereadable file source (fileSource) again from its start', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-redirect-'));
      closers.push(() => rm(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'data.csv');
      await writeFile(file, 'a,b\n1,2\n3,4\n');
      api.reply = redirectTo(307, () => `${other.origin}/moved`);
      await lastValueFrom(putPresigned$(client(), storageUrl(), fileSource(file), 12), { defaultValue: 'none' });
      expect(other.seen.map((s) => s.body.toString())).toEqual(['a,b\n1,2\n3,4\n']);
    });

  it('should not report a one-shot stream as uploaded when the storage answers 307: a RedirectError, nothing sent to the new host', async () => {
    api.reply = redirectTo(307, () => `${other.origin}/moved?${SIGNED}`);
    async function* once(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode('a,b\n');
      yield new TextEncoder().encode('1,2\n');
    }
    const err = await failure(lastValueFrom(putPresigned$(client(), storageUrl(), once(), 8)));
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).message).toMatch(/one-shot stream/);
    expect((err as RedirectError).message).not.toMatch(/sig-must-stay-secret|\/moved/);
    expect(other.seen).toEqual([]);
  });

  it.each([302, 303])('should refuse HTTP %i to a PUT (it would turn the upload into a GET)', async (status) => {
    api.reply = redirectTo(status, () => `${other.origin}/moved`);
    const err = await failure(lastValueFrom(putPresigned$(client(), storageUrl(), body())));
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).httpStatus).toBe(status);
    expect(other.seen).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])('should follow HTTP %i of a result GET, without any key', async (status) => {
    api.reply = redirectTo(status, () => `${other.origin}/result.zip?${SIGNED}`);
    other.reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.end('PK-bytes');
    };
    const text = await lastValueFrom(
      getPresigned$<string>(client(), storageUrl(), async (response, emit) => {
        let out = '';
        for await (const chunk of bodyChunks(response)) out += new TextDecoder().decode(chunk);
        emit(out);
      }),
    );
    expect(text).toBe('PK-bytes');
    expect(other.seen.map((s) => `${s.method} ${s.path}`)).toEqual([`GET /result.zip?${SIGNED}`]);
    expect(keyedAtOtherHost()).toEqual([]);
  });

  it(`should stop after ${MAX_PRESIGNED_REDIRECTS} redirects`, async () => {
    other.reply = redirectTo(307, (req) => `${api.origin}${req.path}`);
    api.reply = redirectTo(307, (req) => `${other.origin}${req.path}`);
    const err = await failure(lastValueFrom(getPresigned$<never>(client(), storageUrl(), async () => undefined)));
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as Error).message).toMatch(/more than 5 redirects/);
    expect(api.seen.length + other.seen.length).toBe(MAX_PRESIGNED_REDIRECTS + 1);
  });
});

describe('RedirectError', () => {
  it('is a PredictionOneError', () => {
    expect(RedirectError.prototype).toBeInstanceOf(PredictionOneError);
  });
});
