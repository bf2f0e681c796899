/** Specs: every PUT to a pre-signed URL declares its length, as S3 requires. */
/**
 * Issue 20 item 1, the client's side: every PUT to a pre-signed URL declares its length, as S3
 * requires (a file from stat, a Blob from its size, bytes from their length; a source of unknown
 * length is spooled first), and S3's XML errors come back as a typed, redacted StorageError.
 * Everything over real HTTP against the strict emulator, whose request log shows how each PUT
 * was framed.
 */
import { mkdtemp, readdir, rm, writeFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { lastValueFrom, of, toArray } from 'rxjs';
import {
  createClient,
  SpoolLimitError,
  StorageError,
  upload$,
  type ClientConfig,
  type FetchLike,
  type FetchResponse,
  type PredictionOneClient,
} from '../../lib';
import { createNodeClient, createNodeFetch, createUndiciFetch, fileSource, tempFileSpool } from '../../lib/node';
import type { RecordedRequest } from '../../lib/emulator';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';

const PUT = 'PUT /storage/upload';

/** Seattle weather rows repeated past `bytes` (more than the 1 MiB head, so uploads stream). */
function bigCsv(bytes: number): string {
  const [header, ...rows] = seattleWeather(1400).trim().split('\n');
  const body = rows.join('\n');
  return `${header}\n${Array.from({ length: Math.ceil(bytes / body.length) }, () => body).join('\n')}\n`;
}

async function* chunked(text: string, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('uploads declare Content-Length on every PUT', () => {
  const { emulator } = useEmulator();
  let dir: string;
  const undici = createUndiciFetch();
  afterAll(() => undici.close());
  beforeEach(async () => {
    emulator().clearLog();
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-s3-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const puts = (): RecordedRequest[] => emulator().requests.filter((r) => r.route === PUT);
  const expectFramed = (sizes: number[]): void => {
    expect(puts().map((r) => ({ status: r.status, te: r.transferEncoding, length: r.contentLength }))).toEqual(
      sizes.map((length) => ({ status: 200, te: undefined, length })),
    );
  };
  const config = (extra: ClientConfig = {}): ClientConfig => ({
    baseUrl: emulator().url,
    apiKey: API_KEY,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...extra,
  });
  const columnInfoBytes = (): number => puts()[0].contentLength!;

  it.each<[string, () => PredictionOneClient]>([
    ['createNodeClient (undici)', () => createNodeClient(config())],
    ['undici', () => createClient(config({ fetch: undici, streamUploads: true }))],
    ['node-fetch (the fallback without undici)', () => createClient(config({ fetch: createNodeFetch(), streamUploads: true }))],
    ["Node's own fetch", () => createClient(config({ fetch: globalThis.fetch as unknown as FetchLike, streamUploads: true }))],
  ])('should stream a 3 MiB file with its length from stat through %s', async (_name, make) => {
    const file = path.join(dir, 'big.csv');
    await writeFile(file, bigCsv(3 * 1024 * 1024));
    const { size } = await stat(file);
    const events = await lastValueFrom(of({ train: fileSource(file) }).pipe(upload$(make()), toArray()));
    expect(events[events.length - 1].type).toBe('uploaded');
    expectFramed([columnInfoBytes(), size]);
  });

  it('should stream a Blob with its size', async () => {
    const blob = new Blob([bigCsv(2 * 1024 * 1024)]);
    await lastValueFrom(of({ train: blob }).pipe(upload$(createClient(config({ fetch: undici, streamUploads: true })))));
    expectFramed([columnInfoBytes(), blob.size]);
  });

  it('should send bytes and text with their length (a client that does not stream)', async () => {
    const text = seattleWeather(100);
    await lastValueFrom(of({ train: text, evaluation: new TextEncoder().encode(seattleWeather(30)) }).pipe(upload$(createClient(config()))));
    const sizes = puts().map((r) => r.contentLength);
    expect(sizes).toContain(Buffer.byteLength(text));
    expect(sizes).toContain(Buffer.byteLength(seattleWeather(30)));
    expect(puts().every((r) => r.transferEncoding === undefined && r.status === 200)).toBe(true);
  });

  it('should spool a stream of unknown length to a temporary file, send it with its length, then remove the file', async () => {
    const text = bigCsv(3 * 1024 * 1024);
    const spoolDir = path.join(dir, 'spool');
    await (await import('node:fs/promises')).mkdir(spoolDir);
    const seen: string[] = [];
    const client = createNodeClient(config({ spool: tempFileSpool({ dir: spoolDir }) }));
    await lastValueFrom(
      of({ train: chunked(text) }).pipe(
        upload$(client, {
          // Before the first PUT the copy is on disk, 0600, in its own folder.
          beforeSend: async () => {
            for (const sub of await readdir(spoolDir))
              for (const f of await readdir(path.join(spoolDir, sub)))
                seen.push(`${sub.replace(/-\w+$/, '')}/${f} ${((await stat(path.join(spoolDir, sub, f))).mode & 0o777).toString(8)}`);
          },
        }),
      ),
    );
    expect(seen).toEqual(['p1rx-spool/upload.csv 600']);
    expectFramed([columnInfoBytes(), Buffer.byteLength(text)]);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('should remove the spooled file when the upload fails before its PUT', async () => {
    const spoolDir = path.join(dir, 'spool');
    await (await import('node:fs/promises')).mkdir(spoolDir);
    emulator().failNext('GET /v1/external/data-sets/upload-url', 400);
    const client = createNodeClient(config({ spool: tempFileSpool({ dir: spoolDir }) }));
    await expect(lastValueFrom(of({ train: chunked(bigCsv(2 * 1024 * 1024)) }).pipe(upload$(client)))).rejects.toMatchObject({ httpStatus: 400 });
    expect(puts()).toEqual([]);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('should hold a stream of unknown length in memory without a spool, and send it with its length', async () => {
    const text = bigCsv(2 * 1024 * 1024);
    await lastValueFrom(of({ train: chunked(text) }).pipe(upload$(createClient(config({ fetch: undici, streamUploads: true })))));
    expectFramed([columnInfoBytes(), Buffer.byteLength(text)]);
  });

  it('should refuse with SpoolLimitError past maxSpoolBytes, sending nothing and releasing the source', async () => {
    let released = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield* chunked(bigCsv(3 * 1024 * 1024));
      } finally {
        released = true;
      }
    }
    const client = createClient(config({ maxSpoolBytes: 2 * 1024 * 1024 }));
    const err = await lastValueFrom(of({ train: source() }).pipe(upload$(client))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolLimitError);
    expect((err as SpoolLimitError).limitBytes).toBe(2 * 1024 * 1024);
    expect(released).toBe(true);
    expect(emulator().requests).toEqual([]);
  });
});

/**
 * A fetch for PUTs that a fetch would never send, on a raw socket: `'no-length'` sends no body
 * and no `Content-Length`; `'short'` declares ten bytes more than it sends, then half-closes.
 * Other requests go to the platform fetch.
 */
function rawPutFetch(mode: 'no-length' | 'short'): FetchLike {
  return async (url, init) => {
    if (init.method !== 'PUT') return fetch(url, init as RequestInit) as Promise<FetchResponse>;
    const body = init.body instanceof Uint8Array ? init.body : new TextEncoder().encode(String(init.body ?? ''));
    const target = new URL(url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname, () => {
        const headers = mode === 'short' ? [`Content-Length: ${body.byteLength + 10}`] : [];
        socket.write([`PUT ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, 'Connection: close', ...headers, '', ''].join('\r\n'));
        if (mode === 'short') socket.write(body);
        socket.end();
      });
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => resolve(got));
    });
    const [head, rest = ''] = text.split('\r\n\r\n');
    const lines = head.split('\r\n');
    const fields = new Map(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    // The emulator's error replies carry a Content-Length: the body is the rest.
    const bytes = new TextEncoder().encode(rest);
    return {
      status: Number(lines[0].split(' ')[1]),
      headers: { get: (name: string) => fields.get(name.toLowerCase()) ?? null },
      body: (async function* () {
        yield bytes;
      })(),
      arrayBuffer: async () => bytes.buffer as ArrayBuffer,
    };
  };
}

/** A fetch that changes something S3 rules on before handing the request to `inner`. */
function tampering(inner: FetchLike, change: (url: string, init: Parameters<FetchLike>[1]) => [string, Parameters<FetchLike>[1]]): FetchLike {
  return (url, init) => (url.includes('/storage/') ? inner(...change(url, init)) : inner(url, init));
}

describe("S3's XML errors on an upload are a typed, redacted StorageError", () => {
  let clock = Date.UTC(2026, 11, 7, 4, 0, 0);
  const { emulator } = useEmulator({ now: () => clock });
  beforeEach(() => emulator().clearLog());

  const client = (extra: ClientConfig = {}) => createClient({ baseUrl: emulator().url, apiKey: API_KEY, retry: { baseDelayMs: 10, maxDelayMs: 50 }, ...extra });
  /** Uploads `train` and returns the error, checking it leaks nothing of the pre-signed URL's query. */
  async function failure(c: PredictionOneClient, train: unknown = seattleWeather(30), options = {}): Promise<StorageError> {
    const urls: string[] = [];
    const err = await lastValueFrom(of({ train: train as string }).pipe(upload$(c, options))).catch((e: unknown) => e);
    for (const r of emulator().requests) if (r.route === 'GET /v1/external/data-sets/upload-url') urls.push(r.path);
    expect(err).toBeInstanceOf(StorageError);
    const printed = [String(err), (err as Error).message, JSON.stringify(err), (err as Error).stack ?? ''].join('\n');
    expect(printed).not.toMatch(/X-Amz-Signature=[0-9a-f]|X-Amz-Credential=AKIA|AKIAP1RX|[0-9a-f]{64}/);
    expect((err as StorageError).url).toMatch(/\/storage\/upload\/[^?]+\?\[REDACTED\]$/);
    expect((err as StorageError).retryable).toBe(false);
    return err as StorageError;
  }

  it('should map 501 NotImplemented (a chunked PUT), without retrying it', async () => {
    const chunkedFetch = tampering(createNodeFetch(), (url, init) => [
      url,
      { ...init, headers: Object.fromEntries(Object.entries(init.headers).filter(([n]) => n !== 'content-length')) },
    ]);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-s3-'));
    const file = path.join(dir, 'big.csv');
    await writeFile(file, bigCsv(2 * 1024 * 1024));
    const err = await failure(client({ fetch: chunkedFetch, streamUploads: true }), fileSource(file)).finally(() => rm(dir, { recursive: true, force: true }));
    expect(err).toMatchObject({
      httpStatus: 501,
      storageCode: 'NotImplemented',
      apiMessage: 'A header you provided implies functionality that is not implemented',
      expired: false,
    });
    expect(err.message).toMatch(
      /^PUT http:\/\/127\.0\.0\.1:\d+\/storage\/upload\/[\w-]+\/\w+\.csv\?\[REDACTED\] failed with HTTP 501: NotImplemented A header/,
    );
    expect(emulator().requests.filter((r) => r.route === PUT && r.status === 501)).toHaveLength(1);
  });

  it('should map 411 MissingContentLength', async () => {
    const err = await failure(client({ fetch: rawPutFetch('no-length') }));
    expect(err).toMatchObject({ httpStatus: 411, storageCode: 'MissingContentLength', apiMessage: 'You must provide the Content-Length HTTP header.' });
  });

  it('should map 400 IncompleteBody', async () => {
    const err = await failure(client({ fetch: rawPutFetch('short') }));
    expect(err).toMatchObject({ httpStatus: 400, storageCode: 'IncompleteBody' });
  });

  it('should map 403 AccessDenied "Request has expired" as expired', async () => {
    // The URLs expire between Get Upload URL and the first PUT.
    const err = await failure(client(), seattleWeather(30), { beforeSend: () => ((clock += 3_601_000), []) });
    expect(err).toMatchObject({ httpStatus: 403, storageCode: 'AccessDenied', apiMessage: 'Request has expired', expired: true });
  });

  it('should map 403 SignatureDoesNotMatch for a changed query, keeping none of the signing details S3 quotes', async () => {
    const err = await failure(client({ fetch: tampering(createNodeFetch(), (url, init) => [`${url}&x-id=PutObject`, init]) }));
    expect(err).toMatchObject({ httpStatus: 403, storageCode: 'SignatureDoesNotMatch', expired: false });
    expect(err.body).toContain('<CanonicalRequest>[REDACTED]');
  });
});

describe("S3's 400 EntityTooLarge: an upload over the storage's limit", () => {
  const { emulator } = useEmulator({ maxUploadBytes: 64 * 1024 });
  beforeEach(() => emulator().clearLog());

  it.each([
    ['createNodeClient (undici)', (baseUrl: string) => createNodeClient({ baseUrl, apiKey: API_KEY, retry: { baseDelayMs: 10, maxDelayMs: 50 } })],
    ['createClient (cross-fetch)', (baseUrl: string) => createClient({ baseUrl, apiKey: API_KEY, retry: { baseDelayMs: 10, maxDelayMs: 50 } })],
  ])('should fail once with a typed StorageError through %s, never sending the PUT again', async (_name, make) => {
    const err = await lastValueFrom(of({ train: bigCsv(512 * 1024) }).pipe(upload$(make(emulator().url)))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({
      httpStatus: 400,
      storageCode: 'EntityTooLarge',
      apiMessage: 'Your proposed upload exceeds the maximum allowed size',
      retryable: false,
    });
    expect((err as Error).message).not.toMatch(/X-Amz-Signature=[0-9a-f]/);
    expect(emulator().requests.filter((r) => r.route === PUT && r.path.includes('learn'))).toHaveLength(1);
  });
});
