/** Specs: a pre-signed transfer never follows a redirect from https to http or to a non-HTTP scheme. */
import { lastValueFrom } from 'rxjs';
import { RedirectError, createClient, type FetchLike } from 'prediction-one-rx';
import { createUndiciFetch } from 'prediction-one-rx/node';
import { getPresigned$, putPresigned$ } from '../../lib/transport/presigned';
import { bodyChunks } from '../../lib/transport/body';
import { OTHER_HOST, recordingServer, redirectTo, type RecordingServer } from '../helpers/redirectServers';

// The storage is reached at an https URL. Its TLS is terminated by the injected fetch, which
// sends the request on to a loopback HTTP server (no certificate to make, nothing off the
// machine); the library sees only https URLs and the storage's redirects. A redirect from an
// https storage URL to plain http would send the pre-signed transfer (the data, or the result
// the caller trusts) in clear: it is refused, as is any scheme other than http(s).

const SIGNED = 'X-Amz-Signature=sig-must-stay-secret';

let storage: RecordingServer;
let other: RecordingServer;
let undici: ReturnType<typeof createUndiciFetch>;
/** Every URL the injected fetch was asked for, as the library gave it. */
let asked: string[];

beforeEach(async () => {
  storage = await recordingServer('127.0.0.1');
  other = await recordingServer(OTHER_HOST);
  undici = createUndiciFetch();
  asked = [];
});

afterEach(async () => {
  await undici.close();
  await storage.close();
  await other.close();
});

/** The TLS terminator: `https://` goes on to the same host and port over loopback HTTP. */
const terminating: FetchLike = (url, init) => {
  asked.push(url);
  return undici(url.replace(/^https:/i, 'http:'), init);
};

const client = () => createClient({ baseUrl: 'https://127.0.0.1:1', apiKey: 'k', fetch: terminating, retry: { maxAttempts: 1 } });
/** The storage's pre-signed URL, as https. */
const storageUrl = () => `${storage.origin.replace(/^http:/, 'https:')}/bucket/data.csv?${SIGNED}`;
const body = () => new TextEncoder().encode('a,b\n1,2\n');

const failure = async (run: Promise<unknown>): Promise<unknown> =>
  run.then(
    () => undefined,
    (err: unknown) => err,
  );

const download = () =>
  lastValueFrom(
    getPresigned$<string>(client(), storageUrl(), async (response, emit) => {
      let out = '';
      for await (const chunk of bodyChunks(response)) out += new TextDecoder().decode(chunk);
      emit(out);
    }),
  );

describe('a pre-signed transfer from an https URL', () => {
  it.each([301, 302, 307, 308])('should refuse HTTP %i of a result GET to plain http: a RedirectError, nothing sent there', async (status) => {
    storage.reply = redirectTo(status, () => `${other.origin}/result.zip?${SIGNED}`);
    const err = await failure(download());
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).message).toMatch(/from https to http/);
    expect((err as RedirectError).message).not.toMatch(/sig-must-stay-secret|result\.zip/);
    expect(other.seen).toEqual([]);
    expect(asked).toHaveLength(1);
  });

  it.each([301, 307, 308])('should refuse HTTP %i of a PUT to plain http: the data is never sent in clear', async (status) => {
    storage.reply = redirectTo(status, () => `${other.origin}/moved/data.csv?${SIGNED}`);
    const err = await failure(lastValueFrom(putPresigned$(client(), storageUrl(), body()), { defaultValue: 'none' }));
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).message).toMatch(/from https to http/);
    expect(other.seen).toEqual([]);
    expect(asked).toHaveLength(1);
  });

  it.each(['ftp://127.0.0.2/result.zip', 'file:///etc/passwd', 'data:application/zip;base64,UEsFBg=='])('should refuse a redirect to %s', async (location) => {
    storage.reply = redirectTo(302, () => location);
    const err = await failure(download());
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).message).toMatch(/not to an http\(s\) URL/);
    expect(asked).toHaveLength(1);
  });

  it('should still follow a redirect that stays on https', async () => {
    storage.reply = redirectTo(307, () => `${other.origin.replace(/^http:/, 'https:')}/result.zip?${SIGNED}`);
    other.reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.end('PK-bytes');
    };
    await expect(download()).resolves.toBe('PK-bytes');
    expect(asked.map((u) => new URL(u).protocol)).toEqual(['https:', 'https:']);
    expect(other.seen.map((s) => `${s.method} ${s.path}`)).toEqual([`GET /result.zip?${SIGNED}`]);
  });
});
