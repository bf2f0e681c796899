/** Specs: the emulator's uploads and Train Data Set Info. */
import { DATA_TYPE_IDS, startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, seattle, upload } from './support';

const KEY = 'api-key';

describe('uploads and Train Data Set Info', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], maxUploadBytes: 10_000 });
  });
  afterAll(() => emulator.close());

  describe('GET /v1/external/data-sets/upload-url', () => {
    it('should answer three pre-signed URLs on the emulator and an external_process_id', async () => {
      const res = await call(emulator, KEY, '/v1/external/data-sets/upload-url?extension=csv');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['column_info_upload_url', 'eval_data_set_upload_url', 'external_process_id', 'learn_data_set_upload_url']);
      for (const key of ['learn_data_set_upload_url', 'eval_data_set_upload_url', 'column_info_upload_url']) {
        expect(String(res.body[key])).toMatch(new RegExp(`^${emulator.url}/storage/upload/[0-9a-f-]{36}/\\w+\\.csv\\?.*X-Amz-Signature=[0-9a-f]{64}$`));
      }
      expect(typeof res.body.external_process_id).toBe('string');
    });

    it('should reject an extension it cannot read', async () => {
      expect(await call(emulator, KEY, '/v1/external/data-sets/upload-url?extension=xlsx')).toMatchObject({ status: 400, body: badRequest(/extension/) });
    });
  });

  describe('PUT <upload url>', () => {
    it('should accept raw bytes once, then answer 403', async () => {
      const urls = await upload(emulator, KEY, {});
      const first = await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: 'a,b\n1,2\n' });
      expect(first.status).toBe(200);
      expect(await first.text()).toBe('');
      const second = await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: 'a,b\n1,2\n' });
      expect(second.status).toBe(403);
      expect(await second.text()).toContain('<Code>AccessDenied</Code>');
      expect(emulator.count('PUT /storage/upload')).toBeGreaterThanOrEqual(2);
    });

    it('should answer 403 SignatureDoesNotMatch for a wrong or missing signature', async () => {
      const urls = await upload(emulator, KEY, {});
      const wrong = urls.learn_data_set_upload_url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
      const res = await fetch(wrong, { method: 'PUT', body: 'x\n1\n' });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
      const missing = await fetch(urls.learn_data_set_upload_url.split('?')[0], { method: 'PUT', body: 'x\n1\n' });
      expect(missing.status).toBe(403);
      // The URL was never used successfully, so the real signature still works.
      expect((await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: 'x\n1\n' })).status).toBe(200);
    });

    it("should answer S3's 400 EntityTooLarge (XML, proposed size and limit) above maxUploadBytes, and store nothing", async () => {
      const urls = await upload(emulator, KEY, {});
      const res = await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: 'x'.repeat(20_000) });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/xml');
      const xml = await res.text();
      expect(xml).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>EntityTooLarge<\/Code><Message>Your proposed upload exceeds the maximum allowed size<\/Message>/,
      );
      expect(xml).toContain('<ProposedSize>20000</ProposedSize><MaxSizeAllowed>10000</MaxSizeAllowed>');
      // Nothing stored: the URL is still unused, and takes a body within the limit.
      expect((await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: 'x\n1\n' })).status).toBe(200);
    });

    it("should refuse a maxUploadBytes above S3's 5 GiB for one PUT", async () => {
      await expect(startEmulator({ port: 0, maxUploadBytes: 5 * 1024 ** 3 + 1 })).rejects.toThrow(/maxUploadBytes must be at most 5368709120/);
    });

    it('should answer a streamed (chunked) body 501 NotImplemented, as S3 does (EntityTooLarge past the limit: s3Storage.spec.ts)', async () => {
      const urls = await upload(emulator, KEY, {});
      const chunk = new TextEncoder().encode('y'.repeat(4_000));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 5) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(501);
      expect(await res.text()).toContain('<Code>NotImplemented</Code>');
    });
  });

  describe('GET /v1/external/data-sets/column-info', () => {
    it('should describe the learn CSV typed by a BOM-prefixed column info file', async () => {
      const learn = seattle(40)
        .replace('date,', 'row_id,date,')
        .replace(/\n(\d{4})/g, (_, y: string, offset: number) => `\nid${offset},${y}`);
      const { external_process_id: id } = await upload(emulator, KEY, {
        learn,
        columnInfo: '\uFEFFcolumn_name,column_type\r\ndate,date\r\nweather,string\r\nwind,ignore\r\n',
      });
      const res = await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`);
      expect(res.status).toBe(200);
      const info = res.body as {
        raw_column_names: string[];
        raw_training_data: { row_data: string }[];
        training_data_columns: Record<string, unknown>[];
        useless_column_list: string[];
        trainingdata_row_count: number;
      };
      expect(info.raw_column_names).toEqual(['row_id', 'date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
      expect(info.trainingdata_row_count).toBe(40);
      expect(info.raw_training_data).toHaveLength(5);
      expect(info.raw_training_data[0].row_data).toMatch(/^id\d+,2012-01-01,0\.0,12\.8,5\.0,4\.7,drizzle$/);
      const byName = Object.fromEntries(info.training_data_columns.map((c) => [c.name, c]));
      expect(byName.date).toMatchObject({ column_id: 1, initial_data_type: DATA_TYPE_IDS.date, data_count: 40, missing_count: 0, unique_count: 40 });
      expect(byName.date.range_pick_info).toMatchObject({ numeric: null, date: { min_epoc_sec: 1325376000, time_unit_id: 3 } });
      expect(byName.wind).toMatchObject({ initial_data_type: DATA_TYPE_IDS.ignore, available_data_types: [3, 1, 6] });
      expect(byName.temp_max).toMatchObject({ initial_data_type: 3, classify_value: [], cor_score: null });
      expect(byName.temp_max.numerical_value).toEqual([
        { max_value: expect.any(Number), min_value: expect.any(Number), avg_value: expect.any(Number), median_value: expect.any(Number) },
      ]);
      expect(byName.weather).toMatchObject({ initial_data_type: DATA_TYPE_IDS.string, numerical_value: [], range_pick_info: null });
      const classes = byName.weather.classify_value as { name: string; value: number }[];
      expect(classes.reduce((s, c) => s + c.value, 0)).toBe(40);
      expect(classes[0].value).toBeGreaterThanOrEqual(classes[classes.length - 1].value);
      expect(info.useless_column_list).toEqual(['row_id']);
    });

    it.each([
      ['semicolons', 'n;s;y\n1;a;0\n2;b;1\n', 'n;s;y'],
      ['tabs', 'n\ts\ty\n1\ta\t0\n2\tb\t1\n', 'n\ts\ty'],
      ['pipes', 'n|s|y\n1|a|0\n2|b|1\n', 'n|s|y'],
    ])('should read a file separated by %s as one column: a CSV upload is comma-separated, never guessed', async (_name, learn, column) => {
      const { external_process_id: id } = await upload(emulator, KEY, { learn });
      const { body } = await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`);
      expect((body as { raw_column_names: string[] }).raw_column_names).toEqual([column]);
    });

    it('should infer types, count missing values and flag constant columns without a column info file', async () => {
      const learn = 'n,f,s,d,k\n1,1.5,a,2020-01-01,same\n2,,b,2020-02-01,same\n3,2.5,a,,same\n';
      const { external_process_id: id } = await upload(emulator, KEY, { learn });
      const { body } = await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`);
      const cols = body.training_data_columns as Record<string, unknown>[];
      expect(cols.map((c) => c.initial_data_type)).toEqual([2, 3, 1, 4, 1]);
      expect(cols[1]).toMatchObject({ data_count: 2, missing_count: 1, numerical_value: [{ max_value: 2.5, min_value: 1.5, avg_value: 2, median_value: 2 }] });
      expect(cols[3].range_pick_info).toMatchObject({ date: { time_unit_id: 2 } });
      expect(body.useless_column_list).toEqual(['k']);
    });

    it('should answer 400 before the learn CSV is uploaded, and for an unknown id', async () => {
      const { external_process_id: id } = await upload(emulator, KEY, {});
      expect(await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`)).toMatchObject({
        status: 400,
        body: badRequest(/has not been uploaded/),
      });
      expect(await call(emulator, KEY, '/v1/external/data-sets/column-info?external_process_id=nope')).toMatchObject({
        status: 400,
        body: badRequest("Unknown external_process_id 'nope'."),
      });
      expect(await call(emulator, KEY, '/v1/external/data-sets/column-info')).toMatchObject({ status: 400, body: badRequest(/external_process_id/) });
    });

    it.each([
      ['a wrong header', 'name,type\na,float\n', /column_name,column_type/],
      ['an unknown type', 'column_name,column_type\na,decimal\n', /unknown column_type 'decimal'/],
      ['a column the data lacks', 'column_name,column_type\nzzz,float\n', /names column 'zzz'/],
      ['a type the values cannot take', 'column_name,column_type\nb,float\n', /declared 'float'.*read as string/],
    ])('should answer 400 for a column info file with %s', async (_, columnInfo, message) => {
      const { external_process_id: id } = await upload(emulator, KEY, { learn: 'a,b\n1,x\n2,y\n', columnInfo });
      expect(await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`)).toMatchObject({
        status: 400,
        body: badRequest(message),
      });
    });
  });
});
