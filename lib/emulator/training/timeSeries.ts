/** Time-series regression problems with lag features. */
import type { Dataset } from '../dataset';
import { isMissing, parseDate, parseNumber } from '../dataTypes';
import type { TrainingConfig } from '../trainingConfig';
import type { FeatureSource } from './features';
import { alignEvaluation, featureSources, MIN_ROWS, type Problem } from './problem';
import { TrainingFailure } from './trainingFailure';

interface TimedRow {
  cells: string[];
  t: number;
  y: number;
  isEval: boolean;
}

/**
 * Builds a time-series regression problem (`tsm: true`). The emulator's approach, which is a
 * simple honest baseline and not Prediction One's undocumented method:
 *
 * 1. Rows are grouped by the series column `tss` (one group without it) and sorted by `tsc`.
 *    Rows are assumed evenly spaced; `tsu`/`tsi` are validated but not used to resample.
 * 2. One model serves the whole window `tsf…tst`: its lag features are the target at
 *    `t - tst`, `t - tst - 1`, `t - tst - 2`, values already known `tst` steps before `t`, so no
 *    horizon in the window sees the future. Rows without those lags are dropped.
 * 3. Other columns known in the forecast window (`tsin` true: all but `tsine`; false: only
 *    `tsine`) are used as they are; the rest are used as their value at `t - tst`. The time and
 *    series columns are always known.
 * 4. Evaluation is time-ordered: the last 20% of time points are held out (`cv` is ignored), or
 *    the uploaded evaluation rows, which are appended to their series so their lags reach back
 *    into the learn data.
 *
 * ## Example
 * ```ts
 * buildTimeSeriesProblem(dataset, { ...config, tsm: true, tsc: 'date', tsf: 1, tst: 1 }).plan.scheme;
 * // 'time-ordered holdout (last 20%)'
 * ```
 * @internal
 */
export function buildTimeSeriesProblem(dataset: Dataset, config: TrainingConfig): Problem {
  const columns = dataset.table.columns;
  const yIdx = columns.indexOf(config.tc);
  const tIdx = columns.indexOf(config.tsc ?? '');
  const sIdx = config.tss === undefined ? -1 : columns.indexOf(config.tss);
  const timeType = dataset.columns[tIdx].type;
  const tst = config.tst ?? 1;
  const lags = [tst, tst + 1, tst + 2];
  const timeOf = (cell: string): number | undefined => (timeType === 'date' ? parseDate(cell) : parseNumber(cell));

  const toRecords = (rows: string[][], isEval: boolean): TimedRow[] =>
    rows.flatMap((cells) => {
      const t = timeOf(cells[tIdx]);
      const y = parseNumber(cells[yIdx]);
      return t === undefined || y === undefined || isMissing(cells[yIdx]) ? [] : [{ cells, t, y, isEval }];
    });
  const records = [
    ...toRecords(dataset.table.rows, false),
    ...(dataset.evaluation === undefined ? [] : toRecords(alignEvaluation(dataset.evaluation, columns, config.tc), true)),
  ];

  const base = featureSources(dataset, config);
  const knownInWindow = (s: FeatureSource): boolean =>
    s.index === tIdx || s.index === sIdx || (config.tsin ? !config.tsine.includes(s.name) : config.tsine.includes(s.name));
  const known = base.filter(knownInWindow);
  const lagged = base.filter((s) => !knownInWindow(s));
  const width = columns.length;
  const sources: FeatureSource[] = [
    ...known,
    ...lagged.map((s, j) => ({ name: `${s.name} (t-${tst})`, index: width + j, type: s.type })),
    ...lags.map((L, j) => ({ name: `${config.tc} (t-${L})`, index: width + lagged.length + j, type: 'float' as const })),
  ];

  const groups = new Map<string, TimedRow[]>();
  for (const r of records) {
    const key = sIdx < 0 ? '' : r.cells[sIdx].trim();
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const examples: { record: TimedRow; cells: string[] }[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.t - b.t);
    for (let i = lags[lags.length - 1]; i < group.length; i++) {
      const cells = [...group[i].cells, ...lagged.map((s) => group[i - tst].cells[s.index]), ...lags.map((L) => String(group[i - L].y))];
      examples.push({ record: group[i], cells });
    }
  }
  if (examples.length < MIN_ROWS) {
    throw new TrainingFailure(
      `Time-series mode: only ${examples.length} rows have ${lags[2]} earlier values of '${config.tc}' in their series; at least ${MIN_ROWS} are needed.`,
    );
  }
  examples.sort((a, b) => a.record.t - b.record.t);
  const indices = examples.map((_, i) => i);
  const hasEval = examples.some((e) => e.record.isEval);
  const cut = examples[Math.floor(examples.length * 0.8)].record.t;
  const isTest = (i: number): boolean => (hasEval ? examples[i].record.isEval : examples[i].record.t >= cut);
  const split = { train: indices.filter((i) => !isTest(i) && !examples[i].record.isEval), test: indices.filter(isTest) };
  if (split.train.length < MIN_ROWS || split.test.length === 0) {
    throw new TrainingFailure(`Time-series mode: the time-ordered split left ${split.train.length} training and ${split.test.length} test rows.`);
  }
  return {
    kind: 'regression',
    sources,
    cells: examples.map((e) => e.cells),
    y: examples.map((e) => e.record.y),
    display: examples.map((e) => e.record.cells),
    displayColumns: columns,
    classes: [],
    plan: { splits: [split], scheme: hasEval ? 'uploaded evaluation data (time-ordered)' : 'time-ordered holdout (last 20%)' },
  };
}
