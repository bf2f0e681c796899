/** Specs: the encodings of CSVs uploaded to the emulator. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, createModel, pollUntilDone, type UploadUrls } from './support';

const KEY = 'k';
const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.join(__dirname, '..', 'fixtures', 'japanese', name)));
const VENDOR_COLUMNS = ['プレミアムサービス(予測対象)', '入会時期', '年齢', '性別', '顧客ランク', '過去購入額', 'クーポン利用回数', 'メアド登録'];

/** The column-info file exactly as the vendor's Train Data Upload example writes it (`encoding='utf-8-sig'`). */
function vendorColumnInfo(names = VENDOR_COLUMNS): Uint8Array<ArrayBuffer> {
  const types = ['string', 'date', 'float', 'string', 'string', 'float', 'float', 'string'];
  const text = `column_name,column_type\n${names.map((n, i) => `${n},${types[i]}\n`).join('')}`;
  return new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
}

async function uploadBytes(emulator: Emulator, learn: Uint8Array<ArrayBuffer>, columnInfo: Uint8Array<ArrayBuffer>): Promise<string> {
  const { body } = await call(emulator, KEY, '/v1/external/data-sets/upload-url?extension=csv');
  const urls = body as unknown as UploadUrls;
  for (const [url, bytes] of [
    [urls.learn_data_set_upload_url, learn],
    [urls.column_info_upload_url, columnInfo],
  ] as const) {
    const res = await fetch(url, { method: 'PUT', body: bytes });
    if (res.status !== 200) throw new Error(`upload failed: ${res.status}`);
  }
  return urls.external_process_id;
}

describe('emulator: the encodings of uploaded CSVs (issue 20 item 4)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY] });
  });
  afterAll(() => emulator.close());

  it.each(['premium.utf8.csv', 'premium.utf8bom.csv', 'premium.sjis.csv'])(
    'should read the vendor example columns of %s (CRLF) and train on them with the documented config',
    async (file) => {
      const id = await uploadBytes(emulator, fixture(file), vendorColumnInfo());
      const info = await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`);
      expect(info.status).toBe(200);
      expect(info.body.raw_column_names).toEqual(VENDOR_COLUMNS);
      const config = { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' };
      expect((await createModel(emulator, KEY, id, config)).status).toBe(200);
      expect((await pollUntilDone(emulator, KEY, id)).last.status).toBe('finished');
    },
  );

  it('should accept cv and im as the pages write them ("2", "true") and as JSON numbers and booleans', async () => {
    for (const [cv, im] of [
      ['2', 'true'],
      [2, true],
    ] as const) {
      const id = await uploadBytes(emulator, fixture('premium.sjis.csv'), vendorColumnInfo());
      const config = { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv, im };
      expect((await createModel(emulator, KEY, id, config)).status).toBe(200);
      expect((await pollUntilDone(emulator, KEY, id)).last.status).toBe('finished');
    }
  });

  it('should answer 400 to column-info names the Shift_JIS header lacks (names garbled by a UTF-8 reader)', async () => {
    // What a client that read the Shift_JIS file as UTF-8 sent: every non-ASCII name turned to U+FFFD.
    const garbled = new TextDecoder('utf-8').decode(fixture('premium.sjis.csv')).split('\r\n')[0].split(',');
    expect(garbled[0]).toContain('\uFFFD');
    const id = await uploadBytes(emulator, fixture('premium.sjis.csv'), vendorColumnInfo(garbled));
    const info = await call(emulator, KEY, `/v1/external/data-sets/column-info?external_process_id=${id}`);
    expect(info).toMatchObject({ status: 400, body: badRequest(/Column information file names column '.*\uFFFD.*', which the training data does not have/) });
    const created = await createModel(emulator, KEY, id, { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' });
    expect(created).toMatchObject({ status: 400, body: badRequest(/which the training data does not have/) });
  });
});
