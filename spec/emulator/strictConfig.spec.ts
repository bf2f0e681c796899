/** Specs: the emulator's strict Create Model config. */
import { startEmulator, type Emulator } from '../../lib/emulator';
import { badRequest, call, createModel, downloadResult, pollUntilDone, upload } from './support';

const KEY = 'k';

/** 40 rows: numeric x, target t with three values (a, b, c) and some missing targets. */
function threeValued(): string {
  const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 8 === 7 ? '' : ['a', 'b', 'c'][i % 3]}`);
  return ['x,t', ...rows].join('\n') + '\n';
}

describe('emulator: required fields, config strings and binary tv (issue 12 item 6)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY] });
  });
  afterAll(() => emulator.close());

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a missing name', { name: undefined }, /name .* is required/],
    ['an empty name', { name: ' ' }, /name .* is required/],
    ['a missing tc', { config: { tt: 'binary_classification', tv: 'a' } }, /config\.tc \(target column\) is required/],
    ['a missing tt', { config: { tc: 't' } }, /config\.tt must be one of/],
    ['a binary training without tv', { config: { tc: 't', tt: 'binary_classification' } }, /config\.tv \(positive value\) is required/],
    ['cv "two"', { config: { tc: 't', tt: 'multi_classification', cv: 'two' } }, /config\.cv must be an integer/],
  ])('should answer the documented 400 to %s', async (_, change, message) => {
    const { external_process_id: id } = await upload(emulator, KEY, { learn: threeValued() });
    const body = { external_process_id: id, name: 'm', config: { tc: 't', tt: 'binary_classification', tv: 'a' }, ...change };
    const res = await call(emulator, KEY, '/v1/external/models', { method: 'POST', body: JSON.stringify(body) });
    expect(res).toMatchObject({ status: 400, body: badRequest(message) });
  });

  it('should train binary with tv as the positive class and every other value as the negative one, dropping rows without a target', async () => {
    const { external_process_id: id } = await upload(emulator, KEY, { learn: threeValued() });
    const created = await createModel(emulator, KEY, id, { tc: 't', tt: 'binary_classification', tv: 'a', cv: '2', im: 'false' });
    expect(created.status).toBe(200);
    const { last } = await pollUntilDone(emulator, KEY, id);
    expect(last.status).toBe('finished');
    const files = await downloadResult(String(last.result_url));
    const [header, ...rows] = files['evaluation_raw_data.csv'].trim().split('\n');
    expect(header).toContain('probability_a');
    expect(header).toContain('probability_not_a');
    // 40 rows, 5 without a target: those are not trained on, scored, nor a class of their own.
    expect(rows).toHaveLength(35);
    expect(header).not.toMatch(/probability_,|probability_$/);
  });

  it('should name the negative class after the only other value when there is one', async () => {
    const csv = ['x,t', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 2 ? 'yes' : 'no'}`)].join('\n') + '\n';
    const { external_process_id: id } = await upload(emulator, KEY, { learn: csv });
    await createModel(emulator, KEY, id, { tc: 't', tt: 'binary_classification', tv: 'yes', cv: 2 });
    const { last } = await pollUntilDone(emulator, KEY, id);
    const files = await downloadResult(String(last.result_url));
    expect(files['evaluation_raw_data.csv'].split('\n')[0]).toMatch(/probability_no,probability_yes/);
  });
});
