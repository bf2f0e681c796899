/** Specs: the local validation of trainModel$. */
import { Readable } from 'node:stream';
import { lastValueFrom } from 'rxjs';
import { ValidationError, trainModel$, type TrainingConfig, type TrainingJob } from '../../lib';
import { trainingDataIssues } from '../../lib/data';
import { createNodeClient } from '../../lib/node';
import { API_KEY, seattleRain, seattleWeather, useEmulator } from '../helpers/emulator';

/**
 * Mistakes found before the first byte is uploaded: trainModel$ fails with one
 * ValidationError listing every problem, and the emulator sees no request at all.
 */
describe('trainModel$ local validation', () => {
  const { emulator, client } = useEmulator();
  beforeEach(() => emulator().clearLog());

  async function failure(job: Omit<TrainingJob, 'name'>, c = client()): Promise<ValidationError> {
    const err = await lastValueFrom(trainModel$(c, { name: 'm', ...job })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(emulator().requests).toEqual([]);
    return err as ValidationError;
  }

  const rain = seattleRain(60);

  it.each<[string, string, TrainingConfig, RegExp]>([
    [
      'a misspelt target column',
      rain,
      { tt: 'binary_classification', tc: 'Rain', tv: 'yes' },
      /target column \(tc\) 'Rain' is not in the header of the training data \(did you mean 'rain'\?/,
    ],
    [
      'a positive value the target does not hold',
      rain,
      { tt: 'binary_classification', tc: 'rain', tv: 'true' },
      /positive value \(tv\) 'true' is not a value of 'rain' \(values: 'no', 'yes'\)/,
    ],
    [
      'a regression on a string column',
      seattleWeather(60),
      { tt: 'regression', tc: 'weather' },
      /regression needs a numeric target, but 'weather' holds text \(e\.g\. '\w+'\)/,
    ],
    [
      'a binary task on a many-valued target',
      seattleWeather(200),
      { tt: 'binary_classification', tc: 'weather', tv: 'rain' },
      /binary_classification needs exactly 2 values in 'weather', found [3-5]/,
    ],
    ['a header-only CSV', 'date,temp,rain\n', { tt: 'binary_classification', tc: 'rain', tv: 'yes' }, /the CSV has a header but no data rows/],
    ['an empty file', '', { tt: 'regression', tc: 'temp' }, /the CSV is empty/],
    [
      'a JSON file named .csv',
      '[{"date":"2012-01-01","rain":"yes"},{"date":"2012-01-02","rain":"no"}]\n',
      { tt: 'binary_classification', tc: 'rain', tv: 'yes' },
      /training data: it is a JSON document, not CSV/,
    ],
    [
      'a missing time-series column',
      seattleWeather(60),
      { tt: 'regression', tc: 'temp_max', tsm: true, tsc: 'day', tsf: 1, tst: 3 },
      /time column \(tsc\) 'day' is not in the header of the training data/,
    ],
  ])('should refuse %s with no request sent', async (_what, csv, config, message) => {
    const err = await failure({ data: { train: csv }, config });
    expect(err.issues.some((i) => message.test(i))).toBe(true);
  });

  it('should refuse a binary file (a zip named .csv) with no request sent', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, ...new TextEncoder().encode('xl/workbook.xml'), 0, 0, 0xff, 0xfe]);
    const err = await failure({ data: { train: zip }, config: { tt: 'regression', tc: 'y' } });
    expect(err.issues).toEqual(['training data: it holds binary data, not CSV text']);
  });

  it('should list every problem at once: config, data and evaluation data', async () => {
    const err = await failure({
      data: { train: rain, evaluation: 'date,precipitation\n2012-01-01,0\n' },
      config: { tt: 'binary_classification', tc: 'Rain', tv: 'yes', cv: -7 } as TrainingConfig,
    });
    expect(err.issues).toEqual([
      expect.stringMatching(/^cv must be an integer/),
      expect.stringMatching(/^target column \(tc\) 'Rain' is not in/),
      expect.stringMatching(/^evaluation data: missing columns .*temp_max/),
    ]);
    expect(err.message).toMatch(/^Invalid training job: cv must be/);
  });

  it('should refuse column types that make the target unpredictable, with the header problems', async () => {
    const err = await failure({
      data: { train: 'a,b\n1,x\n2,y\n', columns: { a: 'float', b: 'ignore', c: 'float' } },
      config: { tt: 'multi_classification', tc: 'b' },
    });
    expect(err.issues).toEqual(["target column 'b' is given the type 'ignore', which cannot be predicted", "'c' not in the data's header"]);
  });

  it('should check a streamed file from its head and release the stream when refusing it', async () => {
    const rows = seattleWeather(1460).split('\n').slice(1).join('\n');
    let chunksRead = 0;
    const big = Readable.from(
      (function* () {
        yield Buffer.from('date,precipitation,temp_max,temp_min,wind,weather\n');
        for (let i = 0; i < 40; i += 1) {
          chunksRead += 1;
          yield Buffer.from(`${rows}\n`);
        }
      })(),
    );
    const c = createNodeClient({ baseUrl: emulator().url, apiKey: API_KEY });
    const err = await failure({ data: { train: big }, config: { tt: 'regression', tc: 'weather' } }, c);
    expect(err.issues).toEqual([expect.stringMatching(/regression needs a numeric target, but 'weather' holds text/)]);
    // Only the sampled head was read (each chunk is ~45 KB, the head 1 MiB), then the file let go.
    expect(chunksRead).toBeLessThan(40);
    expect(big.destroyed).toBe(true);
  });

  it('should accept a valid job and train it (the checks do not refuse good data)', async () => {
    const events = await lastValueFrom(
      trainModel$(client(), { name: 'ok', data: { train: rain }, config: { tt: 'binary_classification', tc: 'rain', tv: 'yes' } }),
    );
    expect(events.type).toBe('completed');
  });
});

describe('trainingDataIssues', () => {
  it('should report from a head sample only what the sample proves', () => {
    // tv unseen in a head holding one value: the rest of the file may hold it.
    expect(trainingDataIssues('x,y\n1,no\n2,no\n3,n', { tt: 'binary_classification', tc: 'y', tv: 'yes' }, { complete: false })).toEqual([]);
    // The same data, complete: tv is proven absent, and one value is not a binary target.
    expect(trainingDataIssues('x,y\n1,no\n2,no\n', { tt: 'binary_classification', tc: 'y', tv: 'yes' })).toEqual([
      "binary_classification needs exactly 2 values in 'y', found 1 ('no')",
      "positive value (tv) 'yes' is not a value of 'y' (values: 'no')",
    ]);
    // Two other values already in the head: tv is proven absent, and the message says it was sampled.
    expect(trainingDataIssues('x,y\n1,no\n2,maybe\n3,n', { tt: 'binary_classification', tc: 'y', tv: 'yes' }, { complete: false })).toEqual([
      "positive value (tv) 'yes' is not a value of 'y' in the first 2 rows sampled (values: 'no', 'maybe')",
    ]);
  });

  it('should accept numbers, a BOM and quoted fields', () => {
    expect(trainingDataIssues('\uFEFF"a","b, c"\n1,"2.5"\n-3,1e3\n', { tt: 'regression', tc: 'b, c' })).toEqual([]);
  });

  it.each([
    ['semicolons', 'x;weather;y\n1,5;rain;2\n2,5;sun;3\n', 'x;weather;y'],
    ['tabs', 'x\tweather\ty\n1\train\t2\n2\tsun\t3\n', 'x\tweather\ty'],
    ['vertical bars', 'x|weather|y\n1|rain|2\n2|sun|3\n', 'x|weather|y'],
  ])('should refuse data separated by %s: it is read with commas, as the service reads it, and the message says why', (separator, csv, header) => {
    expect(trainingDataIssues(csv, { tt: 'regression', tc: 'y' })).toEqual([
      `training data: its header is one column ('${header}'): the data must be comma-separated, and this file seems separated by ${separator}; save it as CSV with commas`,
    ]);
  });

  it('should not take a quoted semicolon or a one-column header without one for another separator', () => {
    expect(trainingDataIssues('"a;b",y\n1,2\n3,4\n', { tt: 'regression', tc: 'y' })).toEqual([]);
    expect(trainingDataIssues('y\n1\n2\n', { tt: 'regression', tc: 'y' })).toEqual([]);
  });
});
