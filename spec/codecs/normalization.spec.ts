/** Specs: the codecs read each documented body and its variants with one meaning. */
import { DecodeError } from '../../lib';
import { decodeOrThrow, reportIssues } from '../../lib/codecs/decode';
import { DOCUMENTED_SAMPLES, type DocumentedSample } from './documentedSamples';

type Json = unknown;

/** Applies `fn` to every value at `path` (`a.*.b`: `*` is every item of an array); returns a copy. */
function atPath(value: Json, path: string, fn: (v: Json, parent: Record<string, Json>, key: string) => void): Json {
  const copy = structuredClone(value);
  const walk = (node: Json, parts: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    const [head, ...rest] = parts;
    if (head === '*') {
      if (Array.isArray(node)) node.forEach((item) => walk(item, rest));
      return;
    }
    const obj = node as Record<string, Json>;
    if (!(head in obj)) return;
    if (rest.length === 0) fn(obj[head], obj, head);
    else walk(obj[head], rest);
  };
  walk(copy, path.split('.'));
  return copy;
}

function isRawPath(path: string[], raw: readonly string[]): boolean {
  const p = path.map((s) => (/^\d+$/.test(s) ? '*' : s)).join('.');
  return raw.some((r) => p === r || p.startsWith(`${r}.`));
}

/** Rewrites every scalar (outside the raw paths) with `fn`. */
function everyScalar(value: Json, raw: readonly string[], fn: (v: Json) => Json): Json {
  const walk = (node: Json, path: string[]): Json => {
    if (isRawPath(path, raw)) return node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, String(i)]));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    return fn(node);
  };
  return walk(value, []);
}

/** Adds fields nobody documented to every object (outside the raw paths). */
function withExtraFields(value: Json, raw: readonly string[]): Json {
  const walk = (node: Json, path: string[]): Json => {
    if (isRawPath(path, raw)) return node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, String(i)]));
    if (node !== null && typeof node === 'object') {
      const fields = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
      return { ...fields, x_new_field: { nested: [1, 'two', null] }, x_flag: null };
    }
    return node;
  };
  return walk(value, []);
}

const nulled = (s: DocumentedSample): Json => s.optional.reduce((v, p) => atPath(v, p, (_, parent, key) => (parent[key] = null)), s.sample);
const absent = (s: DocumentedSample): Json => s.optional.reduce((v, p) => atPath(v, p, (_, parent, key) => delete parent[key]), s.sample);
const stringNumbers = (s: DocumentedSample, v: Json = s.sample): Json => everyScalar(v, s.raw ?? [], (x) => (typeof x === 'number' ? ` ${String(x)} ` : x));
const stringBooleans = (s: DocumentedSample, v: Json = s.sample): Json => everyScalar(v, s.raw ?? [], (x) => (typeof x === 'boolean' ? String(x) : x));
const numericIds = (s: DocumentedSample, v: Json = s.sample): Json =>
  s.ids.reduce((acc, p) => atPath(acc, p, (x, parent, key) => (parent[key] = Number(x))), v);
/** What the value is without its optional fields: absent and null both leave them out. */
const withoutOptional = (s: DocumentedSample): Json => s.optional.reduce((v, p) => atPath(v, p, (_, parent, key) => delete parent[key]), s.normalized);

function decode(s: DocumentedSample, body: Json): Json {
  return decodeOrThrow(s.codec, body, JSON.stringify(body));
}

function issuesOf(s: DocumentedSample, body: Json): string[] {
  const r = s.codec.decode(body);
  return r._tag === 'Left' ? reportIssues(r.left) : [];
}

describe.each(DOCUMENTED_SAMPLES.map((s) => [s.endpoint, s] as const))('%s: tolerant decoding', (_, s) => {
  it(`should decode the documented body of ${s.page} to the normalized value`, () => {
    expect(decode(s, s.sample)).toStrictEqual(s.normalized);
  });

  const hasNumbers = JSON.stringify(stringNumbers(s)) !== JSON.stringify(s.sample);
  if (hasNumbers) {
    it('should normalize numbers sent as numeric strings to the same value', () => {
      expect(decode(s, stringNumbers(s))).toStrictEqual(s.normalized);
    });

    it('should fail on a number that does not parse', () => {
      let replaced = false;
      const broken = everyScalar(s.sample, s.raw ?? [], (x) => {
        if (typeof x !== 'number' || replaced) return x;
        replaced = true;
        return '12abc';
      });
      expect(issuesOf(s, broken)).toEqual([expect.stringMatching(/expected (integer|number|ModelId|DataSetId), got "12abc"$/)]);
    });
  }

  it('should normalize booleans sent as "true"/"false" to the same value', () => {
    expect(decode(s, stringBooleans(s))).toStrictEqual(s.normalized);
  });

  if (s.ids.length > 0) {
    it('should normalize ids sent as numbers to the same value', () => {
      expect(decode(s, numericIds(s))).toStrictEqual(s.normalized);
    });
  }

  it('should drop fields nobody documented and keep the same value', () => {
    expect(decode(s, withExtraFields(s.sample, s.raw ?? []))).toStrictEqual(s.normalized);
  });

  if (s.optional.length > 0) {
    it('should read null optional fields as absent: one value for both', () => {
      const fromNull = decode(s, nulled(s));
      expect(fromNull).toStrictEqual(withoutOptional(s));
      expect(decode(s, absent(s))).toStrictEqual(fromNull);
    });
  }

  const status = s.status;
  if (status !== undefined) {
    it('should keep an unknown status as it is', () => {
      const body = atPath(s.sample, status, (_, parent, key) => (parent[key] = 'queued_for_gpu'));
      const expected = atPath(s.normalized, status, (_, parent, key) => (parent[key] = 'queued_for_gpu'));
      expect(decode(s, body)).toStrictEqual(expected);
    });
  }

  it('should normalize every variant at once to the same value', () => {
    const all = numericIds(s, stringBooleans(s, stringNumbers(s, withExtraFields(s.sample, s.raw ?? []))));
    expect(decode(s, all)).toStrictEqual(s.normalized);
  });

  const required = Object.keys(s.sample as object).filter((k) => !s.optional.includes(k));
  if (required.length > 0)
    it.each(required)('should fail with a DecodeError naming %s when that required field is missing or null', (field) => {
      for (const body of [atPath(s.sample, field, (_, p, k) => delete p[k]), atPath(s.sample, field, (_, p, k) => (p[k] = null))]) {
        let error: unknown;
        try {
          decode(s, body);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DecodeError);
        expect((error as DecodeError).issues.some((i) => i.startsWith(`${field}`))).toBe(true);
      }
    });

  it('should refuse a body that is not an object', () => {
    for (const body of [null, [], 'text', 42]) expect(issuesOf(s, body)).toEqual([expect.stringMatching(/^\(root\): expected /)]);
  });
});

describe('strict meaning', () => {
  const status = DOCUMENTED_SAMPLES.find((s) => s.endpoint === 'Train Status Check')!;
  const retrain = DOCUMENTED_SAMPLES.find((s) => s.endpoint === 'Retrain Status Check')!;

  it('should refuse a finished training without a result_url (absent, null or empty)', () => {
    for (const resultUrl of [undefined, null, '']) {
      expect(issuesOf(status, { status: 'finished', created_datetime: 'a', updated_datetime: 'b', result_url: resultUrl })).toEqual([
        `result_url: expected string when status is 'finished', got ${resultUrl === '' ? '""' : 'undefined'}`,
      ]);
    }
  });

  it('should accept a running training whose result_url is null (polling goes on)', () => {
    expect(decode(status, { status: 'running', created_datetime: null, updated_datetime: null, result_url: null })).toStrictEqual({ status: 'running' });
  });

  it('should refuse a finished retraining without a download_url', () => {
    expect(issuesOf(retrain, { status: 'job_finished', download_url: null, metadata: { retrain_job_id: 'j' } })).toEqual([
      "download_url: expected string when status is 'job_finished', got undefined",
    ]);
  });

  it('should refuse an id that is not an integer where one is documented', () => {
    const models = DOCUMENTED_SAMPLES.find((s) => s.endpoint === 'Get Model (list)')!;
    expect(issuesOf(models, { models: [{ model_id: '12.5' }, { model_id: true }], metadata: { offset: 0, limit: 30, total: 2 } })).toEqual([
      'models.0.model_id: expected ModelId, got "12.5"',
      'models.1.model_id: expected ModelId, got true',
    ]);
  });

  it('should name the path of a failure deep in lists and nested objects', () => {
    const info = DOCUMENTED_SAMPLES.find((s) => s.endpoint === 'Train Data Set Info')!;
    const body = atPath(info.sample, 'training_data_columns.*.classify_value', (v, parent, key) => {
      if (Array.isArray(v) && v.length === 2) parent[key] = [v[0], { name: 'rain', value: 'lots' }];
    });
    const broken = atPath(body, 'training_data_columns.*.range_pick_info.date', (v, parent, key) => {
      if ((v as { time_unit_id: number }).time_unit_id === 0) parent[key] = { ...(v as object), time_unit_id: 0.5 };
    });
    expect(issuesOf(info, broken)).toEqual([
      'training_data_columns.1.classify_value.1.value: expected number, got "lots"',
      'training_data_columns.1.range_pick_info.date.time_unit_id: expected integer, got 0.5',
    ]);
  });

  it('should refuse an empty string id', () => {
    const urls = DOCUMENTED_SAMPLES.find((s) => s.endpoint === 'Train (Create Model)')!;
    expect(issuesOf(urls, { external_process_id: '' })).toEqual(['external_process_id: expected ExternalProcessId, got ""']);
  });

  it('should name every failing field of a DecodeError, with the codec', () => {
    const models = DOCUMENTED_SAMPLES.find((s) => s.endpoint === 'Get Model (list)')!;
    let error: DecodeError | undefined;
    try {
      decode(models, { models: [{ name: 'no id' }], metadata: { offset: 'zero', limit: 30 } });
    } catch (e) {
      error = e as DecodeError;
    }
    expect(error?.codecName).toBe('ModelListResponse');
    expect(error?.issues).toEqual([
      'models.0.model_id: expected ModelId, got undefined',
      'metadata.offset: expected integer, got "zero"',
      'metadata.total: expected integer, got undefined',
    ]);
  });
});
