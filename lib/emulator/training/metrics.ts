/** The metrics of the emulator's training results. */
/**
 * A named metric value, one row of `metrics.csv`.
 * @internal
 */
export type Metric = [name: string, value: number];

const EPS = 1e-15;

/**
 * Classification metrics on held-out predictions. Binary (`positive` given): accuracy, auc (ROC
 * AUC of the positive class's probability), log_loss, and precision/recall/f1 of the positive
 * class. Multi-class: accuracy, log_loss and macro-averaged precision_macro/recall_macro/f1_macro.
 *
 * ## Example
 * ```ts
 * classificationMetrics([0, 1], [0, 1], [[0.9, 0.1], [0.2, 0.8]], 2, 1)[0]; // ['accuracy', 1]
 * ```
 * @internal
 */
export function classificationMetrics(
  actual: readonly number[],
  predicted: readonly number[],
  proba: readonly number[][],
  classCount: number,
  positive?: number,
): Metric[] {
  const n = actual.length;
  const accuracy = actual.filter((a, i) => a === predicted[i]).length / n;
  const logLoss = -actual.reduce((s, a, i) => s + Math.log(Math.min(1 - EPS, Math.max(EPS, proba[i][a] ?? 0))), 0) / n;
  if (positive !== undefined) {
    const { precision, recall, f1 } = classScores(actual, predicted, positive);
    const auc = rocAuc(
      actual.map((a) => a === positive),
      proba.map((p) => p[positive]),
    );
    return [
      ['accuracy', accuracy],
      ['auc', auc],
      ['log_loss', logLoss],
      ['precision', precision],
      ['recall', recall],
      ['f1', f1],
    ];
  }
  const scores = Array.from({ length: classCount }, (_, c) => classScores(actual, predicted, c));
  const macro = (key: 'precision' | 'recall' | 'f1'): number => scores.reduce((s, x) => s + x[key], 0) / classCount;
  return [
    ['accuracy', accuracy],
    ['log_loss', logLoss],
    ['precision_macro', macro('precision')],
    ['recall_macro', macro('recall')],
    ['f1_macro', macro('f1')],
  ];
}

function classScores(actual: readonly number[], predicted: readonly number[], c: number): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  actual.forEach((a, i) => {
    if (predicted[i] === c && a === c) tp++;
    else if (predicted[i] === c) fp++;
    else if (a === c) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * ROC AUC by the rank-sum (Mann–Whitney) formula, ties sharing their average rank. NaN when
 * only one class is present (AUC is undefined then).
 *
 * ## Example
 * ```ts
 * rocAuc([false, true], [0.1, 0.9]); // 1
 * ```
 * @internal
 */
export function rocAuc(isPositive: readonly boolean[], score: readonly number[]): number {
  const order = score.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(score.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const pos = isPositive.filter(Boolean).length;
  const neg = isPositive.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  const rankSum = isPositive.reduce((s, p, i) => (p ? s + ranks[i] : s), 0);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Regression metrics: rmse, mae and r2 (1 - SSE/SST; NaN when the actual values are constant).
 *
 * ## Example
 * ```ts
 * regressionMetrics([1, 2, 3], [1, 2, 3]); // [['rmse', 0], ['mae', 0], ['r2', 1]]
 * ```
 * @internal
 */
export function regressionMetrics(actual: readonly number[], predicted: readonly number[]): Metric[] {
  const n = actual.length;
  const mean = actual.reduce((s, v) => s + v, 0) / n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  actual.forEach((a, i) => {
    sse += (a - predicted[i]) ** 2;
    sae += Math.abs(a - predicted[i]);
    sst += (a - mean) ** 2;
  });
  return [
    ['rmse', Math.sqrt(sse / n)],
    ['mae', sae / n],
    ['r2', sst === 0 ? NaN : 1 - sse / sst],
  ];
}

/**
 * Counts `matrix[actual][predicted]`.
 *
 * ## Example
 * ```ts
 * confusionMatrix([0, 1], [0, 0], 2); // [[1, 0], [1, 0]]
 * ```
 * @internal
 */
export function confusionMatrix(actual: readonly number[], predicted: readonly number[], classCount: number): number[][] {
  const m = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  actual.forEach((a, i) => m[a][predicted[i]]++);
  return m;
}
