/** A trained model as the emulator's prediction API serves it. */
import type { CsvTable } from '../csv';
import type { Dataset } from '../dataset';
import { isMissing, parseNumber } from '../dataTypes';
import type { TrainingConfig } from '../trainingConfig';
import { FeatureEncoder, type FeatureSource } from './features';
import { argmax, Forest } from './forest';
import { classificationMetrics, regressionMetrics, type Metric } from './metrics';
import { buildProblem } from './problem';
import { TrainingFailure } from './trainingFailure';

/**
 * Predictions for a table of rows, in row order.
 * @internal
 */
export interface ServedPredictions {
  /** Class label (classification) or value (regression) per row. */
  labels: (string | number)[];
  /** Class probabilities per row (classification only), in {@link ServingModel.classes} order. */
  proba?: number[][];
}

/**
 * A model fitted on all of its labelled rows, kept in memory to answer inference and to be
 * compared with its retrained successor. Rows are matched to the training columns by name;
 * a column the input lacks reads as missing, extra columns are ignored.
 *
 * ## Example
 * ```ts
 * const model = await ServingModel.fit(dataset, config, 42, signal);
 * model.predict({ columns: ['temp_max'], rows: [['12.2']] }).labels; // ['rain']
 * ```
 * @internal
 */
export class ServingModel {
  private constructor(
    readonly config: TrainingConfig,
    readonly columns: readonly string[],
    readonly sources: readonly FeatureSource[],
    readonly classes: readonly string[],
    readonly positive: number | undefined,
    private readonly encoder: FeatureEncoder,
    private readonly forest: Forest,
  ) {}

  /** Fits the encoder and a forest on every labelled row of `dataset` (learn and evaluation rows). */
  static async fit(dataset: Dataset, config: TrainingConfig, seed: number, signal: AbortSignal, trees?: number): Promise<ServingModel> {
    if (config.tsm) throw new TrainingFailure('The emulator cannot serve time-series models (tsm: true).');
    const problem = buildProblem(dataset, config, seed);
    const encoder = FeatureEncoder.fit(problem.cells, problem.sources);
    const forest = await Forest.train(encoder.encode(problem.cells), problem.y, {
      kind: problem.kind,
      classCount: problem.classes.length,
      seed,
      signal,
      trees,
    });
    return new ServingModel(config, dataset.table.columns, problem.sources, problem.classes, problem.positive, encoder, forest);
  }

  get kind(): 'classification' | 'regression' {
    return this.config.tt === 'regression' ? 'regression' : 'classification';
  }

  /** The cells of `table`'s rows in training column order. */
  align(table: CsvTable): string[][] {
    const positions = this.columns.map((name) => table.columns.indexOf(name));
    return table.rows.map((row) => positions.map((p) => (p < 0 ? '' : (row[p] ?? ''))));
  }

  /** Predicts aligned cells. */
  predictCells(cells: string[][]): ServedPredictions {
    if (cells.length === 0) return { labels: [], proba: this.kind === 'classification' ? [] : undefined };
    const X = this.encoder.encode(cells);
    if (this.kind === 'regression') return { labels: this.forest.predict(X).map(round) };
    const proba = this.forest.predictProba(X);
    return { labels: proba.map((p) => this.classes[argmax(p)]), proba };
  }

  /** Predicts the rows of a table. */
  predict(table: CsvTable): ServedPredictions {
    return this.predictCells(this.align(table));
  }

  /**
   * Per-row reason for each feature: how much the prediction moves when the feature is blanked
   * (the predicted class's probability, or the predicted value). A cheap, honest stand-in for
   * the service's undocumented analysis.
   */
  contributions(cells: string[][]): number[][] {
    const base = this.predictCells(cells);
    const perFeature = this.sources.map((s) => {
      const blanked = cells.map((row) => row.map((c, i) => (i === s.index ? '' : c)));
      return this.predictCells(blanked);
    });
    return cells.map((_, r) =>
      perFeature.map((p) => {
        if (this.kind === 'regression') return round(Number(base.labels[r]) - Number(p.labels[r]));
        const k = this.classes.indexOf(String(base.labels[r]));
        return round((base.proba?.[r][k] ?? 0) - (p.proba?.[r][k] ?? 0));
      }),
    );
  }

  /** Metrics of this model on the labelled rows of `table` (rows with an unknown class are skipped). */
  evaluate(table: CsvTable): Metric[] {
    const cells = this.align(table);
    const target = this.columns.indexOf(this.config.tc);
    const binary = this.config.tt === 'binary_classification' && this.positive !== undefined;
    // Binary: tv is the positive class, every other value the negative one (see classLabeler).
    const label = (y: string): string => (binary ? (y.trim() === this.config.tv ? this.config.tv : this.classes[1 - (this.positive as number)]) : y.trim());
    const kept = cells.filter((row) => {
      const y = row[target] ?? '';
      if (isMissing(y)) return false;
      return this.kind === 'regression' ? parseNumber(y) !== undefined : this.classes.includes(label(y));
    });
    if (kept.length === 0) return [];
    const predicted = this.predictCells(kept);
    if (this.kind === 'regression') {
      return regressionMetrics(
        kept.map((row) => parseNumber(row[target]) ?? NaN),
        predicted.labels.map(Number),
      );
    }
    const actual = kept.map((row) => this.classes.indexOf(label(row[target])));
    const labels = predicted.labels.map((l) => this.classes.indexOf(String(l)));
    return classificationMetrics(actual, labels, predicted.proba ?? [], this.classes.length, this.positive);
  }
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
