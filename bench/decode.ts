/** Benchmark: decode cost of the tolerant codecs against the io-ts codecs they replaced. */
/**
 * Decode cost of the tolerant codecs (lib/codecs/lenient.ts: normalizing, dropping unknown
 * fields, a new object per value) against the io-ts codecs they replaced (t.type / t.partial /
 * t.intersection, which pass the input through), on the documented bodies the client decodes
 * most: a Train Status Check per poll, a page of 30 models, the column statistics of a 20-column
 * upload. Same process, rounds interleaved; reports the time per decode and the ratio.
 *
 * Run: npm run bench:decode  (env: ROUNDS, MS_PER_ROUND)
 */
import * as t from 'io-ts';
// The codecs are internal (not in the public barrel since issue 14): read from the source.
import { ColumnInfoResponse } from '../lib/codecs/columnInfo';
import { ModelListResponse } from '../lib/codecs/model';
import { TrainingStatus } from '../lib/codecs/trainingStatus';
import { machine, report, round } from './lib/common';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const MS_PER_ROUND = Number(process.env.MS_PER_ROUND ?? 400);

// The codecs as they were before the tolerant ones (same fields, io-ts combinators).
const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);
const ModelId = t.brand(t.number, (n): n is t.Branded<number, { readonly ModelId: unique symbol }> => Number.isInteger(n), 'ModelId');
const OldStatus = t.intersection([t.type({ status: t.string }), t.partial({ created_datetime: t.string, updated_datetime: t.string, result_url: t.string })]);
const OldModel = t.intersection([
  t.type({ model_id: ModelId }),
  t.partial({
    owner_user_id: t.string,
    target_type: nullable(t.string),
    name: nullable(t.string),
    version: nullable(t.string),
    config: t.UnknownRecord,
    is_api_option: t.boolean,
    updated_date: t.string,
    created_date: t.string,
  }),
]);
const OldModels = t.type({ models: t.array(OldModel), metadata: t.type({ offset: t.number, limit: t.number, total: t.number }) });
const OldColumn = t.intersection([
  t.type({ column_id: t.number, name: t.string, unique_count: t.number, data_count: t.number, missing_count: t.number }),
  t.partial({
    initial_data_type: t.number,
    available_data_types: t.array(t.number),
    cor_score: nullable(t.number),
    classify_value: t.array(nullable(t.type({ name: t.string, value: t.number }))),
    numerical_value: t.array(nullable(t.type({ max_value: t.number, min_value: t.number, avg_value: t.number, median_value: t.number }))),
  }),
]);
const OldColumnInfo = t.intersection([
  t.type({ raw_column_names: t.array(t.string), training_data_columns: t.array(OldColumn), trainingdata_row_count: t.number }),
  t.partial({ raw_training_data: t.array(t.type({ row_data: t.string })), useless_column_list: t.array(nullable(t.string)) }),
]);

const status = { status: 'running', created_datetime: '2026-11-28T07:00:00Z', updated_datetime: '2026-11-28T07:01:00Z' };
const models = {
  models: Array.from({ length: 30 }, (_, i) => ({
    model_id: i + 1,
    owner_user_id: 'u',
    target_type: 'binary_classification',
    name: `m${i}`,
    version: '1',
    config: { tc: 'y', tt: 'binary_classification', tv: 'yes', cv: '2' },
    is_api_option: true,
    updated_date: 'u',
    created_date: 'c',
  })),
  metadata: { offset: 0, limit: 30, total: 30 },
};
const columnInfo = {
  raw_column_names: Array.from({ length: 20 }, (_, i) => `c${i}`),
  raw_training_data: [{ row_data: 'a,b' }],
  training_data_columns: Array.from({ length: 20 }, (_, i) => ({
    column_id: i,
    name: `c${i}`,
    initial_data_type: 1,
    available_data_types: [1, 2],
    unique_count: 10,
    data_count: 100,
    missing_count: 0,
    cor_score: 0.1,
    classify_value: [
      { name: 'a', value: 60 },
      { name: 'b', value: 40 },
    ],
    numerical_value: [null],
  })),
  useless_column_list: [null],
  trainingdata_row_count: 100,
};

/** Nanoseconds per decode of `body` with `codec`, over about `ms`. */
function timePerDecode(codec: t.Mixed, body: unknown, ms: number): number {
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 200; i++) if (codec.decode(body)._tag === 'Right') sink++;
    n += 200;
    now = process.hrtime.bigint();
  }
  if (sink !== n) throw new Error('a decode failed');
  return Number(now - start) / n;
}

const cases: { name: string; body: unknown; old: t.Mixed; current: t.Mixed }[] = [
  { name: 'Train Status Check (per poll)', body: status, old: OldStatus, current: TrainingStatus },
  { name: 'Get Model, 30 models', body: models, old: OldModels, current: ModelListResponse },
  { name: 'Train Data Set Info, 20 columns', body: columnInfo, old: OldColumnInfo, current: ColumnInfoResponse },
];

const rows = cases.map((c) => {
  const old: number[] = [];
  const current: number[] = [];
  timePerDecode(c.old, c.body, 200);
  timePerDecode(c.current, c.body, 200);
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, order alternating, so drift and load hit both alike.
    if (r % 2 === 0) {
      old.push(timePerDecode(c.old, c.body, MS_PER_ROUND));
      current.push(timePerDecode(c.current, c.body, MS_PER_ROUND));
    } else {
      current.push(timePerDecode(c.current, c.body, MS_PER_ROUND));
      old.push(timePerDecode(c.old, c.body, MS_PER_ROUND));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratios = old.map((o, i) => current[i] / o);
  return {
    body: c.name,
    'io-ts before (µs)': round(median(old) / 1000, 2),
    'tolerant (µs)': round(median(current) / 1000, 2),
    'ratio (median of rounds)': round(median(ratios), 2),
  };
});
report('decode', rows, { machine: machine(), rounds: ROUNDS, msPerRound: MS_PER_ROUND });
