/** Cross-validation folds and holdouts of the emulator's training. */
import { seededRandom, shuffled } from './random';

/**
 * One train/test partition of example indices.
 * @internal
 */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * The evaluation plan for `n` examples and the config's `cv`, with a human-readable description.
 * @internal
 */
export interface EvaluationPlan {
  splits: Split[];
  scheme: string;
}

/** Above this many rows `cv: 0` uses a single holdout instead of 5-fold CV. @internal */
export const AUTO_KFOLD_MAX_ROWS = 10_000;

/**
 * Plans the evaluation for `cv`: `0` auto (5-fold up to 10,000 rows, else an 80/20 holdout),
 * `-1` k-fold with auto k (5, or fewer when there are fewer rows), `1` one seeded 80/20 holdout,
 * `k >= 2` k-fold. Folds are stratified by `strata` (class labels) when given, so every fold
 * sees every class that has enough rows.
 *
 * ## Example
 * ```ts
 * planEvaluation(100, 0, 42).splits.length; // 5
 * ```
 * @internal
 */
export function planEvaluation(n: number, cv: number, seed: number, strata?: readonly number[]): EvaluationPlan {
  if (cv === 1 || (cv === 0 && n > AUTO_KFOLD_MAX_ROWS)) {
    // The holdout is fold 0 of a stratified 5-fold split: 20% of each class.
    const folds = assignFolds(n, 5, seed, strata);
    return { splits: [splitFor(folds, 0)], scheme: 'holdout 80/20' };
  }
  const k = cv >= 2 ? cv : Math.min(5, n);
  const folds = assignFolds(n, k, seed, strata);
  return { splits: Array.from({ length: k }, (_, f) => splitFor(folds, f)), scheme: `${k}-fold cross-validation` };
}

/** Fold number of each example: shuffled within each stratum, then dealt round-robin. */
function assignFolds(n: number, k: number, seed: number, strata?: readonly number[]): number[] {
  const rng = seededRandom(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = strata?.[i] ?? 0;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const fold = new Array<number>(n).fill(0);
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    for (const i of shuffled(groups.get(key) ?? [], rng)) fold[i] = next++ % k;
  }
  return fold;
}

function splitFor(folds: readonly number[], f: number): Split {
  const train: number[] = [];
  const test: number[] = [];
  folds.forEach((fold, i) => (fold === f ? test : train).push(i));
  return { train, test };
}

/**
 * Oversamples minority classes of a training part until each matches the largest (seeded), for
 * `im: true`. Only training indices are repeated; held-out rows stay as they are.
 *
 * ## Example
 * ```ts
 * oversample([0, 1, 2], [0, 0, 1], 42); // e.g. [0, 1, 2, 2]
 * ```
 * @internal
 */
export function oversample(indices: readonly number[], labels: readonly number[], seed: number): number[] {
  const rng = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  for (const i of indices) byClass.set(labels[i], [...(byClass.get(labels[i]) ?? []), i]);
  const largest = Math.max(...[...byClass.values()].map((g) => g.length));
  const out = [...indices];
  for (const group of byClass.values()) {
    for (let extra = group.length; extra < largest; extra++) out.push(group[Math.floor(rng() * group.length)]);
  }
  return out;
}
