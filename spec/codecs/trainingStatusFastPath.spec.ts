/** Specs: the Train Status Check decoder's fast path yields exactly what the TrainingStatus codec yields, on well-formed and hostile bodies. */
import { TrainingStatus, TrainingStatusResponse, wellFormedTrainingStatus } from '../../lib/codecs/trainingStatus';
import { decodeOrThrow, reportIssues } from '../../lib/codecs/decode';
import { DecodeError } from '../../lib/core/errors';

/** What a decoding says: the value, or the issues named as a DecodeError names them. */
function outcome(decoded: ReturnType<typeof TrainingStatus.decode>): unknown {
  return decoded._tag === 'Right' ? { value: decoded.right, keys: Object.keys(decoded.right) } : { issues: reportIssues(decoded.left) };
}

const ABSENT = Symbol('absent');
const statuses: unknown[] = [ABSENT, 'waiting', 'running', 'finished', 'failed', '', 'FINISHED', 0, 1, null, true, {}, ['finished']];
const fields: unknown[] = [ABSENT, null, undefined, '', 'x', '2026-11-27T07:00:00Z', 0, 12, 1.5, NaN, true, false, {}, [], ['a']];

/** Every combination of the values above for the four fields (absent ones left out). */
function* bodies(): Generator<Record<string, unknown>> {
  for (const status of statuses)
    for (const created of fields)
      for (const updated of [ABSENT, null, 'u', 7])
        for (const url of fields) {
          const body: Record<string, unknown> = {};
          if (status !== ABSENT) body.status = status;
          if (created !== ABSENT) body.created_datetime = created;
          if (updated !== ABSENT) body.updated_datetime = updated;
          if (url !== ABSENT) body.result_url = url;
          yield body;
        }
}

const wellFormed = [
  { status: 'waiting' },
  { status: 'waiting', created_datetime: '2026-11-27T07:00:00Z', updated_datetime: '2026-11-27T07:00:01Z' },
  { status: 'running', created_datetime: 'a', updated_datetime: 'b', result_url: null },
  { status: 'finished', created_datetime: 'a', updated_datetime: 'b', result_url: 'https://bucket.example/r.zip?X-Amz-Signature=s' },
  { status: 'an undocumented status', extra: { nested: [1, 2] }, result_url: '' },
  { status: '実行中', created_datetime: '2026年', updated_datetime: null },
];

const hostile: unknown[] = [
  null,
  undefined,
  'waiting',
  42,
  true,
  [],
  [{ status: 'waiting' }],
  {},
  { status: null },
  { status: 7 },
  { status: 'finished' },
  { status: 'finished', result_url: '' },
  { status: 'finished', result_url: null },
  { status: 'finished', result_url: 42 },
  { status: 'waiting', created_datetime: 20261127 },
  { status: 'waiting', created_datetime: Infinity },
  { status: 'waiting', updated_datetime: { toString: () => 'x' } },
  JSON.parse('{"__proto__": {"status": "finished"}, "status": "waiting"}'),
  JSON.parse('{"status": "waiting", "constructor": 1, "__proto__": null}'),
  Object.assign(Object.create({ status: 'inherited' }), { created_datetime: 'a' }),
  Object.assign(Object.create(null), { status: 'waiting', result_url: 'u' }),
  { status: 'x'.repeat(100_000) },
];

describe('the Train Status Check fast path (wellFormedTrainingStatus)', () => {
  it('should yield what the TrainingStatus codec yields for every combination of field values', () => {
    let fast = 0;
    let total = 0;
    for (const body of bodies()) {
      total++;
      if (wellFormedTrainingStatus(body) !== undefined) fast++;
      expect({ body, ...(outcome(TrainingStatusResponse.decode(body)) as object) }).toEqual({ body, ...(outcome(TrainingStatus.decode(body)) as object) });
    }
    // Both paths are exercised: the fast one is no dead code, the codec still decodes the rest.
    expect(fast).toBeGreaterThan(100);
    expect(total - fast).toBeGreaterThan(1000);
  });

  it.each(wellFormed.map((body) => [JSON.stringify(body), body]))('should take a well-formed body %s itself, with the codec’s value', (_name, body) => {
    const value = wellFormedTrainingStatus(body);
    expect(value).toBeDefined();
    expect(value).not.toBe(body);
    expect(outcome(TrainingStatusResponse.decode(body))).toEqual(outcome(TrainingStatus.decode(body)));
    expect(Object.keys(value!)).toEqual(Object.keys((TrainingStatus.decode(body) as { right: object }).right));
  });

  it.each(hostile.map((body, i) => [i, body]))('should leave hostile body #%s to the codec, with the same outcome', (_i, body) => {
    expect(outcome(TrainingStatusResponse.decode(body))).toEqual(outcome(TrainingStatus.decode(body)));
    const throwsOf = (codec: typeof TrainingStatus): unknown => {
      try {
        return { value: decodeOrThrow(codec, body, 'raw') };
      } catch (err) {
        return { error: err instanceof DecodeError ? [err.name, err.message] : err };
      }
    };
    expect(throwsOf(TrainingStatusResponse)).toEqual(throwsOf(TrainingStatus));
  });

  it('should name the failing field in the DecodeError as the codec does (decodeOrThrow reports from a root naming the value)', () => {
    expect(() => decodeOrThrow(TrainingStatusResponse, { status: 'finished', created_datetime: true }, '{}')).toThrow(
      expect.objectContaining({ issues: expect.arrayContaining([expect.stringMatching(/^created_datetime: expected string, got true/)]) }),
    );
  });
});
