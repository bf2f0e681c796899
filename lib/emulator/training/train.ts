/** The emulator's training: data in, result archive out. */
import { writeCsv } from '../csv';
import type { Dataset } from '../dataset';
import type { TrainingConfig } from '../trainingConfig';
import { oversample } from './crossValidation';
import { FeatureEncoder } from './features';
import { argmax, Forest } from './forest';
import { permutationImportance } from './importance';
import { classificationMetrics, confusionMatrix, regressionMetrics, type Metric } from './metrics';
import { buildProblem, type Problem } from './problem';
import { yieldToLoop } from './random';
import { buildTimeSeriesProblem } from './timeSeries';
import { TrainingFailure } from './trainingFailure';

/**
 * The outcome of a training: result CSVs by file name, plus the metrics for logging.
 * @internal
 */
export interface TrainingOutcome {
  files: Record<string, string>;
  metrics: Metric[];
  scheme: string;
}

interface Evaluated {
  predicted: number;
  proba?: number[];
}

/**
 * Really trains: builds the problem, then for each evaluation split fits the encoder and a
 * random forest on the training part only and predicts the held-out part. Metrics, the
 * confusion matrix and permutation importance are computed on held-out predictions (pooled
 * out-of-fold predictions for k-fold). Throws {@link TrainingFailure} when the data cannot be
 * trained on; yields to the event loop between folds and tree batches.
 *
 * ## Example
 * ```ts
 * const { files } = await runTraining(dataset, config, 42, new AbortController().signal);
 * Object.keys(files); // ['metrics.csv', 'analysis_summary.csv', 'evaluation_raw_data.csv', 'confusion_matrix.csv']
 * ```
 * @internal
 */
export async function runTraining(dataset: Dataset, config: TrainingConfig, seed: number, signal: AbortSignal, trees?: number): Promise<TrainingOutcome> {
  const problem = config.tsm ? buildTimeSeriesProblem(dataset, config) : buildProblem(dataset, config, seed);
  const classification = problem.kind === 'classification';
  const evaluated = new Map<number, Evaluated>();
  const importance = new Map<string, number>();
  let weight = 0;

  for (const [f, split] of problem.plan.splits.entries()) {
    const train = classification && config.im ? oversample(split.train, problem.y, seed + f) : split.train;
    if (classification) {
      const present = new Set(train.map((i) => problem.y[i]));
      if (present.size < 2) {
        const only = problem.classes[problem.y[train[0]]];
        throw new TrainingFailure(
          `Evaluation split ${f + 1} (${problem.plan.scheme}): its training part has only one class ('${only}'); a classifier needs two.`,
        );
      }
    }
    const encoder = FeatureEncoder.fit(
      train.map((i) => problem.cells[i]),
      problem.sources,
    );
    const Xtrain = encoder.encode(train.map((i) => problem.cells[i]));
    const Xtest = encoder.encode(split.test.map((i) => problem.cells[i]));
    const ytest = split.test.map((i) => problem.y[i]);
    const forest = await Forest.train(
      Xtrain,
      train.map((i) => problem.y[i]),
      {
        kind: problem.kind,
        classCount: problem.classes.length,
        seed: seed + 1000 * f,
        signal,
        trees,
      },
    );
    if (classification) {
      const proba = forest.predictProba(Xtest);
      split.test.forEach((i, k) => evaluated.set(i, { predicted: argmax(proba[k]), proba: proba[k] }));
    } else {
      const predicted = forest.predict(Xtest);
      split.test.forEach((i, k) => evaluated.set(i, { predicted: predicted[k] }));
    }
    const score = classification
      ? (X: number[][]): number => forest.predict(X).filter((p, k) => p === ytest[k]).length / X.length
      : (X: number[][]): number => -Math.sqrt(forest.predict(X).reduce((s, p, k) => s + (p - ytest[k]) ** 2, 0) / X.length);
    for (const [name, drop] of permutationImportance(Xtest, encoder.groups, score, seed + f)) {
      importance.set(name, (importance.get(name) ?? 0) + drop * split.test.length);
    }
    weight += split.test.length;
    await yieldToLoop(signal);
  }
  return writeOutcome(problem, evaluated, importance, weight);
}

function writeOutcome(problem: Problem, evaluated: Map<number, Evaluated>, importance: Map<string, number>, weight: number): TrainingOutcome {
  const indices = [...evaluated.keys()].sort((a, b) => a - b);
  const actual = indices.map((i) => problem.y[i]);
  const predicted = indices.map((i) => evaluated.get(i)?.predicted ?? NaN);
  const classification = problem.kind === 'classification';
  const k = problem.classes.length;
  const metrics = classification
    ? classificationMetrics(
        actual,
        predicted,
        indices.map((i) => evaluated.get(i)?.proba ?? []),
        k,
        problem.positive,
      )
    : regressionMetrics(actual, predicted);
  const label = (v: number): string | number => (classification ? problem.classes[v] : round(v));

  const files: Record<string, string> = {
    'metrics.csv': writeCsv(['metric', 'value'], metrics),
    'analysis_summary.csv': writeCsv(
      ['column_name', 'contribution'],
      [...importance.entries()].map(([name, sum]) => [name, round(sum / weight)] as [string, number]).sort((a, b) => b[1] - a[1]),
    ),
    'evaluation_raw_data.csv': writeCsv(
      [...problem.displayColumns, 'actual', 'predicted', ...problem.classes.map((c) => `probability_${c}`)],
      indices.map((i, n) => [...problem.display[i], label(actual[n]), label(predicted[n]), ...(evaluated.get(i)?.proba ?? []).map(round)]),
    ),
  };
  if (classification) {
    const matrix = confusionMatrix(actual, predicted, k);
    files['confusion_matrix.csv'] = writeCsv(
      ['actual\\predicted', ...problem.classes],
      matrix.map((row, a) => [problem.classes[a], ...row]),
    );
  }
  return { files, metrics, scheme: problem.plan.scheme };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
