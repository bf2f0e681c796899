/** A training problem built from a table and its config: features, target and rows. */
import type { CsvTable } from '../csv';
import type { Dataset } from '../dataset';
import { isMissing, parseNumber } from '../dataTypes';
import type { TrainingConfig } from '../trainingConfig';
import { planEvaluation, type EvaluationPlan } from './crossValidation';
import type { FeatureSource } from './features';
import { TrainingFailure } from './trainingFailure';

/** Fewer labelled rows than this and training fails (no honest evaluation is possible). @internal */
export const MIN_ROWS = 10;

/**
 * A learning problem: examples as string cells, targets as numbers, and how to evaluate.
 * @internal
 */
export interface Problem {
  kind: 'classification' | 'regression';
  sources: FeatureSource[];
  cells: string[][];
  /** Class index (classification) or value (regression) of each example. */
  y: number[];
  /** Original cells of each example, written to `evaluation_raw_data.csv`. */
  display: string[][];
  displayColumns: string[];
  /** Sorted class labels (classification only). */
  classes: string[];
  /** Index of `tv` in `classes` (binary only). */
  positive?: number;
  plan: EvaluationPlan;
}

/**
 * Builds the (non-time-series) problem: rows with a missing target are dropped; text and ignore
 * columns and the target are not features. With an evaluation CSV the model trains on all learn
 * rows and is scored on the evaluation rows; otherwise `cv` decides (see `planEvaluation`).
 *
 * ## Example
 * ```ts
 * buildProblem(dataset, { tc: 'y', tt: 'regression', cv: 0, im: false, tsm: false, tsin: false, tsine: [] }, 42).plan.scheme;
 * // '5-fold cross-validation'
 * ```
 * @internal
 */
export function buildProblem(dataset: Dataset, config: TrainingConfig, seed: number): Problem {
  const kind = config.tt === 'regression' ? 'regression' : 'classification';
  const targetIndex = dataset.table.columns.indexOf(config.tc);
  const sources = featureSources(dataset, config);
  const learn = labelled(dataset.table.rows, targetIndex, kind);
  if (learn.length < MIN_ROWS) {
    throw new TrainingFailure(`Only ${learn.length} rows have a target value in '${config.tc}'; at least ${MIN_ROWS} are needed.`);
  }
  const evalRows = dataset.evaluation === undefined ? [] : labelled(alignEvaluation(dataset.evaluation, dataset.table.columns, config.tc), targetIndex, kind);
  if (dataset.evaluation !== undefined && evalRows.length === 0) {
    throw new TrainingFailure(`The evaluation data has no row with a value in target column '${config.tc}'.`);
  }
  const rows = [...learn, ...evalRows];
  const label = classLabeler(
    config,
    rows.map((r) => r[targetIndex]),
  );
  const classes = kind === 'classification' ? [...new Set(rows.map((r) => label(r[targetIndex])))].sort() : [];
  const y = rows.map((r) => (kind === 'classification' ? classes.indexOf(label(r[targetIndex])) : (parseNumber(r[targetIndex]) ?? NaN)));
  const plan: EvaluationPlan =
    evalRows.length > 0
      ? { splits: [{ train: learn.map((_, i) => i), test: evalRows.map((_, i) => learn.length + i) }], scheme: 'uploaded evaluation data' }
      : planEvaluation(learn.length, config.cv, seed, kind === 'classification' ? y : undefined);
  return {
    kind,
    sources,
    cells: rows,
    y,
    display: rows,
    displayColumns: dataset.table.columns,
    classes,
    positive: config.tv === undefined || config.tt !== 'binary_classification' ? undefined : classes.indexOf(config.tv),
    plan,
  };
}

/**
 * The class of a (non-missing) target cell. Multi-class: the trimmed value. Binary (a gap
 * choice, see docs/CONTRACT.md): `tv` is the positive class and every other value the negative
 * one, named after that value when there is only one, else `not_<tv>`.
 *
 * ## Example
 * ```ts
 * classLabeler({ tt: 'binary_classification', tv: 'yes', ... }, ['yes', 'no', 'maybe'])('maybe'); // 'not_yes'
 * ```
 * @internal
 */
export function classLabeler(config: TrainingConfig, targets: readonly string[]): (cell: string) => string {
  if (config.tt !== 'binary_classification' || config.tv === undefined) return (cell) => cell.trim();
  const tv = config.tv;
  const others = new Set<string>();
  for (const cell of targets) if (!isMissing(cell) && cell.trim() !== tv) others.add(cell.trim());
  const negative = others.size === 1 ? [...others][0] : `not_${tv}`;
  return (cell) => (cell.trim() === tv ? tv : negative);
}

/**
 * Feature columns: every column but the target, text and ignore; fails when none is left.
 * @internal
 */
export function featureSources(dataset: Dataset, config: TrainingConfig): FeatureSource[] {
  const sources = dataset.columns
    .filter((c) => c.name !== config.tc && c.type !== 'text' && c.type !== 'ignore')
    .map((c) => ({ name: c.name, index: c.index, type: c.type }));
  if (sources.length === 0) {
    throw new TrainingFailure('No feature column is left to learn from: every column but the target is ignore or text.');
  }
  return sources;
}

function labelled(rows: string[][], targetIndex: number, kind: Problem['kind']): string[][] {
  return rows.filter((r) => !isMissing(r[targetIndex]) && (kind === 'classification' || parseNumber(r[targetIndex]) !== undefined));
}

/**
 * Reorders an evaluation CSV's cells into the learn CSV's column order (by name); columns it
 * lacks become missing. Fails when it lacks the target column.
 * @internal
 */
export function alignEvaluation(evaluation: CsvTable, learnColumns: readonly string[], target: string): string[][] {
  if (!evaluation.columns.includes(target)) {
    throw new TrainingFailure(`The evaluation data has no target column '${target}'.`);
  }
  const positions = learnColumns.map((name) => evaluation.columns.indexOf(name));
  return evaluation.rows.map((row) => positions.map((p) => (p < 0 ? '' : row[p])));
}
