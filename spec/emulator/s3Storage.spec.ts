/** Specs: the emulator's pre-signed storage behaves like S3. */
/**
 * The emulator's pre-signed storage routes behave like S3's query-string-authenticated PUT and
 * GET, with S3's documented XML errors: a PUT must declare its length (chunked: 501
 * NotImplemented; none: 411 MissingContentLength; fewer bytes than declared: 400
 * IncompleteBody), a URL past its expiry is 403 AccessDenied "Request has expired", a changed
 * query is 403 SignatureDoesNotMatch. Every request goes over real HTTP (raw sockets where a
 * client library would not send what S3 refuses).
 */
import { connect } from 'node:net';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { until } from '../helpers/wait';
import { call, seattle, type UploadUrls } from './support';

const KEY = 'api-key';
const CSV = 'a,b\n1,2\n3,4\n';

interface RawReply {
  status: number;
  headers: string;
  body: string;
}

/**
 * Sends `head` (request line and headers, without the blank line) and then `body` parts on a raw
 * socket, optionally half-closing after them, and reads the reply until the server closes.
 */
function raw(url: string, method: string, headers: readonly string[], parts: readonly string[], opts: { halfClose?: boolean } = {}): Promise<RawReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => {
      socket.write([`${method} ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, 'Connection: close', ...headers, '', ''].join('\r\n'));
      for (const part of parts) socket.write(part);
      if (opts.halfClose) socket.end();
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const at = text.indexOf('\r\n\r\n');
      const head = text.slice(0, at);
      let body = text.slice(at + 4);
      // A chunked reply: join its chunks.
      if (/transfer-encoding: chunked/i.test(head)) {
        let out = '';
        for (let rest = body; ;) {
          const nl = rest.indexOf('\r\n');
          const size = parseInt(rest.slice(0, nl), 16);
          if (!(size > 0)) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        body = out;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: Buffer.from(body, 'latin1').toString('utf8') });
    });
  });
}

/** The `<Code>` and `<Message>` of an S3 XML error body. */
function s3Error(body: string): { code?: string; message?: string } {
  return { code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1] };
}

async function uploadUrls(emulator: Emulator): Promise<UploadUrls> {
  const res = await call(emulator, KEY, '/v1/external/data-sets/upload-url?extension=csv');
  expect(res.status).toBe(200);
  return res.body as unknown as UploadUrls;
}

describe('emulator storage: S3 rules for pre-signed PUT and GET', () => {
  let emulator: Emulator;
  let clock = Date.UTC(2026, 11, 7, 4, 0, 0);
  const lines: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], now: () => clock, presignedUrlTtlMs: 600_000, log: (l) => lines.push(l) });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.clearLog());

  it('should sign URLs S3-style: algorithm, credential scope, date, expiry, signed headers and an HMAC signature', async () => {
    const urls = await uploadUrls(emulator);
    const q = new URL(urls.learn_data_set_upload_url).searchParams;
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKIA[A-Z0-9]{16}\/20261207\/ap-northeast-1\/s3\/aws4_request$/);
    expect(q.get('X-Amz-Date')).toBe('20261207T040000Z');
    expect(q.get('X-Amz-Expires')).toBe('600');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should store a PUT with Content-Length, and log its length and no transfer encoding', async () => {
    const urls = await uploadUrls(emulator);
    const res = await raw(urls.learn_data_set_upload_url, 'PUT', [`Content-Length: ${CSV.length}`], [CSV]);
    expect(res.status).toBe(200);
    const put = emulator.expectOne('PUT /storage/upload');
    expect(put).toMatchObject({ status: 200, contentLength: CSV.length });
    expect(put.transferEncoding).toBeUndefined();
    expect(lines.some((l) => l.startsWith('PUT /storage/upload/') && l.includes(`[content-length ${CSV.length}] -> 200`))).toBe(true);
  });

  it('should answer a chunked PUT without a length 501 NotImplemented, store nothing, and log the encoding', async () => {
    const urls = await uploadUrls(emulator);
    const res = await raw(urls.learn_data_set_upload_url, 'PUT', ['Transfer-Encoding: chunked'], [`${CSV.length.toString(16)}\r\n${CSV}\r\n0\r\n\r\n`]);
    expect(res.status).toBe(501);
    expect(res.headers).toMatch(/content-type: application\/xml/i);
    expect(s3Error(res.body)).toEqual({ code: 'NotImplemented', message: 'A header you provided implies functionality that is not implemented' });
    expect(res.body).toContain('<Header>Transfer-Encoding</Header>');
    expect(emulator.expectOne('PUT /storage/upload')).toMatchObject({ status: 501, transferEncoding: 'chunked' });
    expect(emulator.expectOne('PUT /storage/upload').contentLength).toBeUndefined();
    expect(lines.some((l) => l.includes('[transfer-encoding chunked] -> 501'))).toBe(true);
    // Nothing was stored: the URL still takes its one upload.
    expect((await raw(urls.learn_data_set_upload_url, 'PUT', [`Content-Length: ${CSV.length}`], [CSV])).status).toBe(200);
  });

  it('should answer a PUT with no length at all 411 MissingContentLength', async () => {
    const urls = await uploadUrls(emulator);
    const res = await raw(urls.column_info_upload_url, 'PUT', [], []);
    expect(res.status).toBe(411);
    expect(s3Error(res.body)).toEqual({ code: 'MissingContentLength', message: 'You must provide the Content-Length HTTP header.' });
    expect(emulator.expectOne('PUT /storage/upload')).toMatchObject({ status: 411 });
  });

  it('should answer a body shorter than its Content-Length 400 IncompleteBody and store nothing', async () => {
    const urls = await uploadUrls(emulator);
    const res = await raw(urls.learn_data_set_upload_url, 'PUT', [`Content-Length: ${CSV.length + 10}`], [CSV], { halfClose: true });
    expect(res.status).toBe(400);
    expect(s3Error(res.body)).toEqual({
      code: 'IncompleteBody',
      message: 'You did not provide the number of bytes specified by the Content-Length HTTP header',
    });
    expect(emulator.expectOne('PUT /storage/upload')).toMatchObject({ status: 400, contentLength: CSV.length + 10 });
    expect((await raw(urls.learn_data_set_upload_url, 'PUT', [`Content-Length: ${CSV.length}`], [CSV])).status).toBe(200);
  });

  it('should answer a URL past its expiry 403 AccessDenied "Request has expired", on the emulator clock', async () => {
    const urls = await uploadUrls(emulator);
    clock += 600_000;
    // Exactly at the expiry it still works (S3 refuses only after it).
    expect((await raw(urls.column_info_upload_url, 'PUT', ['Content-Length: 2'], ['a\n'])).status).toBe(200);
    clock += 1_000;
    const res = await raw(urls.learn_data_set_upload_url, 'PUT', [`Content-Length: ${CSV.length}`], [CSV]);
    expect(res.status).toBe(403);
    expect(s3Error(res.body)).toEqual({ code: 'AccessDenied', message: 'Request has expired' });
    expect(res.body).toContain('<X-Amz-Expires>600</X-Amz-Expires>');
    expect(res.body).toContain('<Expires>2026-12-07T04:10:00Z</Expires>');
  });

  it('should answer a changed query 403 SignatureDoesNotMatch (an added parameter, a longer expiry, another signature)', async () => {
    const urls = await uploadUrls(emulator);
    const url = urls.learn_data_set_upload_url;
    const changed = [
      `${url}&x-id=PutObject`,
      url.replace('X-Amz-Expires=600', 'X-Amz-Expires=604800'),
      url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`),
      url.replace(/learn\.csv\?/, 'eval.csv?'),
    ];
    for (const wrong of changed) {
      const res = await raw(wrong, 'PUT', [`Content-Length: ${CSV.length}`], [CSV]);
      expect(res.status).toBe(403);
      expect(s3Error(res.body).code).toBe('SignatureDoesNotMatch');
    }
    // The URL as issued still works.
    expect((await raw(url, 'PUT', [`Content-Length: ${CSV.length}`], [CSV])).status).toBe(200);
  });

  it('should apply expiry and signature to result downloads, and sign result_url anew with each status answer', async () => {
    const urls = await uploadUrls(emulator);
    const data = seattle(60);
    expect((await raw(urls.learn_data_set_upload_url, 'PUT', [`Content-Length: ${Buffer.byteLength(data)}`], [data])).status).toBe(200);
    const id = urls.external_process_id;
    const created = await call(emulator, KEY, '/v1/external/models', {
      method: 'POST',
      body: JSON.stringify({ external_process_id: id, name: 'm', config: { tc: 'weather', tt: 'multi_classification', cv: 2 } }),
    });
    expect(created.status).toBe(200);
    let status = await call(emulator, KEY, `/v1/external/models/results?external_process_id=${id}`);
    await until(
      async () => {
        status = await call(emulator, KEY, `/v1/external/models/results?external_process_id=${id}`);
        return status.body.status === 'finished';
      },
      'the training',
      60_000,
    );
    const first = String(status.body.result_url);
    expect((await fetch(first)).status).toBe(200);
    expect(s3Error(await (await fetch(`${first}&response-content-type=text/plain`)).text()).code).toBe('SignatureDoesNotMatch');
    clock += 601_000;
    const expired = await fetch(first);
    expect(expired.status).toBe(403);
    expect(s3Error(await expired.text())).toEqual({ code: 'AccessDenied', message: 'Request has expired' });
    const again = await call(emulator, KEY, `/v1/external/models/results?external_process_id=${id}`);
    expect(again.body.result_url).not.toBe(first);
    expect((await fetch(String(again.body.result_url))).status).toBe(200);
  });
});

describe('emulator storage: the allowChunkedUploads leniency', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], allowChunkedUploads: true, maxUploadBytes: 10_000 });
  });
  afterAll(() => emulator.close());

  it('should store a chunked PUT without a length, and log it chunked', async () => {
    const urls = await uploadUrls(emulator);
    const res = await raw(urls.learn_data_set_upload_url, 'PUT', ['Transfer-Encoding: chunked'], [`${CSV.length.toString(16)}\r\n${CSV}\r\n0\r\n\r\n`]);
    expect(res.status).toBe(200);
    expect(emulator.expectOne('PUT /storage/upload')).toMatchObject({ status: 200, transferEncoding: 'chunked' });
  });

  it('should still answer 411 without any length, and 400 EntityTooLarge for a chunked body past maxUploadBytes', async () => {
    const urls = await uploadUrls(emulator);
    expect((await raw(urls.column_info_upload_url, 'PUT', [], [])).status).toBe(411);
    const chunk = 'y'.repeat(4_000);
    const parts = Array.from({ length: 5 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).concat('0\r\n\r\n');
    const tooLarge = await raw(urls.learn_data_set_upload_url, 'PUT', ['Transfer-Encoding: chunked'], parts);
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body).toContain('<Code>EntityTooLarge</Code>');
    expect(tooLarge.body).toContain('<MaxSizeAllowed>10000</MaxSizeAllowed>');
    expect(tooLarge.body).not.toContain('<ProposedSize>');
  });
});
