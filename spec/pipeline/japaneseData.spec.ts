/** Specs: trainModel$ on Japanese data, end to end. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lastValueFrom, of, toArray } from 'rxjs';
import { trainModel$, type CsvSource, type FetchLike, type FetchResponse, type TrainingConfig, type TrainingEvent } from '../../lib';
import { datasetInfo$, models$, retrainClient$, retrainStatus$, retrainUpload$ } from '../../lib/deploy';
import { createNodeClient, fileSource } from '../../lib/node';
import { API_KEY, SECRET_KEY, useEmulator } from '../helpers/emulator';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'japanese');
const VENDOR_COLUMNS = ['プレミアムサービス(予測対象)', '入会時期', '年齢', '性別', '顧客ランク', '過去購入額', 'クーポン利用回数', 'メアド登録'];
const VENDOR_TYPES = ['string', 'date', 'float', 'string', 'string', 'float', 'float', 'string'];
/** The vendor's Train example config, as its page writes it. */
const CONFIG: TrainingConfig = { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' };
const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(path.join(FIXTURES, file)));

describe('trainModel$ on Japanese data, end to end against the emulator (issue 20 item 4)', () => {
  const { emulator, client } = useEmulator();

  async function train(source: CsvSource, c = client(), encoding?: 'utf-8' | 'shift_jis'): Promise<TrainingEvent[]> {
    return lastValueFrom(trainModel$(c, { data: { train: source, evaluation: source, encoding }, name: 'premium', config: CONFIG }).pipe(toArray()));
  }

  async function expectVendorColumns(events: readonly TrainingEvent[]): Promise<void> {
    const uploaded = events.find((e) => e.type === 'uploaded');
    if (uploaded?.type !== 'uploaded') throw new Error('no uploaded event');
    expect(uploaded.columns).toEqual(VENDOR_COLUMNS.map((name, i) => ({ name, type: VENDOR_TYPES[i] })));
    const info = await lastValueFrom(of(uploaded).pipe(datasetInfo$(client())));
    expect(info.raw_column_names).toEqual(VENDOR_COLUMNS);
    expect(info.training_data_columns.map((c) => c.name)).toEqual(VENDOR_COLUMNS);
    expect(events[events.length - 1].type).toBe('completed');
  }

  it.each(['premium.sjis.csv', 'premium.utf8bom.csv', 'premium.utf8.csv'])('should train on %s as bytes and as a Blob', async (file) => {
    await expectVendorColumns(await train(bytesOf(file)));
    await expectVendorColumns(await train(new Blob([bytesOf(file) as Uint8Array<ArrayBuffer>])));
  });

  it('should PUT the column-info file in UTF-8 with a BOM, as the vendor example writes it, for Shift_JIS data', async () => {
    const columnInfos: Uint8Array[] = [];
    const noting: FetchLike = (url, init) => {
      if (init.method === 'PUT' && new URL(url).pathname.endsWith('/column_info.csv')) columnInfos.push(init.body as Uint8Array);
      return globalThis.fetch(url, init) as Promise<FetchResponse>;
    };
    await expectVendorColumns(await train(bytesOf('premium.sjis.csv'), client({ fetch: noting })));
    expect(columnInfos).toHaveLength(1);
    const expected = `\uFEFFcolumn_name,column_type\n${VENDOR_COLUMNS.map((name, i) => `${name},${VENDOR_TYPES[i]}\n`).join('')}`;
    expect(Buffer.from(columnInfos[0]).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('should stream a Shift_JIS file with the Node client and upload its bytes unchanged', async () => {
    const node = createNodeClient({ baseUrl: emulator().url, apiKey: API_KEY, poll: { minDelayMs: 20, maxDelayMs: 100 } });
    const events = await train(fileSource(path.join(FIXTURES, 'premium.sjis.csv')), node);
    await expectVendorColumns(events);
    // The data set the service keeps (the latest) is the file as it was: Shift_JIS, byte for byte.
    const listing = (await (await fetch(`${emulator().url}/v1/external/data-sets?limit=100`, { headers: { 'x-api-key': API_KEY } })).json()) as {
      data_sets: { data_set_id: number; download_url: string }[];
    };
    const latest = listing.data_sets.reduce((a, b) => (b.data_set_id > a.data_set_id ? b : a));
    const stored = new Uint8Array(await (await fetch(latest.download_url)).arrayBuffer());
    expect(Buffer.from(stored).equals(Buffer.from(bytesOf('premium.sjis.csv')))).toBe(true);
  });

  it('should follow the encoding option over detection', async () => {
    // Read as UTF-8, the Shift_JIS header is U+FFFD soup: the local check refuses it before any request.
    emulator().clearLog();
    await expect(train(bytesOf('premium.sjis.csv'), client(), 'utf-8')).rejects.toThrow(/does not read as UTF-8 or Shift_JIS text/);
    expect(emulator().requests).toEqual([]);
    await expectVendorColumns(await train(bytesOf('premium.sjis.csv'), client(), 'shift_jis'));
  });

  it('should retrain a model trained on UTF-8 data with Shift_JIS data and evaluation data (a zip)', async () => {
    await expectVendorColumns(await train(bytesOf('premium.utf8.csv')));
    const modelId = (await lastValueFrom(models$(client(), { pageSize: 100 }).pipe(toArray()))).at(-1)!.model_id;
    const rc = await lastValueFrom(retrainClient$(client({ apiKey: undefined, secretKey: SECRET_KEY }), modelId));
    const sjis = bytesOf('premium.sjis.csv');
    const events = await lastValueFrom(of({ train: sjis, evaluation: sjis, name: 'sjis' }).pipe(retrainUpload$(rc), retrainStatus$(rc), toArray()));
    // The emulator reads the Shift_JIS names and finds them in the UTF-8 column-info file of the first training.
    expect(events[events.length - 1]).toMatchObject({ type: 'retrainStatus', status: 'job_finished', terminal: true });
  });
});
