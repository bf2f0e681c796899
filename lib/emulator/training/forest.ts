/** The random forest the emulator trains. */
import type { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';
import { seededRandom, shuffled, yieldToLoop } from './random';
import { MissingPeerError, isModuleNotFound } from '../../core/optionalPeers';

/**
 * Size knobs of the forest. Defaults keep a 1,500-row × 5-column fold well under a second.
 * @internal
 */
export interface ForestOptions {
  kind: 'classification' | 'regression';
  /** Number of classes (labels are 0…classCount-1); classification only. */
  classCount?: number;
  seed: number;
  signal: AbortSignal;
  /** Trees in all; default 20. */
  trees?: number;
  /** Trees per ml-random-forest batch (the event loop runs between batches); default 5. */
  batchSize?: number;
  /** Rows each batch learns from (a seeded random subset when the data is bigger); default 400. */
  maxRowsPerBatch?: number;
}

type Batch = RandomForestClassifier | RandomForestRegression;
type ForestLibrary = typeof import('ml-random-forest');

let library: Promise<ForestLibrary> | undefined;

/**
 * Loads ml-random-forest, an optional peer dependency of the package (only the emulator trains
 * models, so a browser app or a plain client does not install it). Loaded once, on first use.
 *
 * **Errors**: rejects with an `Error` naming the package to install when it is missing.
 *
 * ## Example
 * ```ts
 * await loadForestLibrary(); // resolves once ml-random-forest is installed
 * ```
 * @internal
 */
export function loadForestLibrary(): Promise<ForestLibrary> {
  library ??= import('ml-random-forest').catch((err: unknown) => {
    library = undefined;
    if (!isModuleNotFound(err)) throw err;
    // The emulator trains its models with ml-random-forest; a test tool, so a dev dependency.
    throw new MissingPeerError('The Prediction One emulator (prediction-one-rx/emulator)', ['ml-random-forest'], true, { cause: err });
  });
  return library;
}

/**
 * A random forest made of several small ml-random-forest forests ("batches"), each trained on
 * its own seeded random subset of the rows.
 *
 * Why batches and subsets: ml-cart evaluates every split point with a full pass over the node's
 * rows (quadratic per feature), so one forest on all the rows blocks the event loop for seconds;
 * on subsets it is many times faster with nearly the same accuracy (figures in
 * docs/PERFORMANCE.md), and yielding between batches keeps the HTTP server responsive. Why votes are counted here: the library's
 * `predictProbability` seeds its sum with the first tree's label (a bug in 2.1.0), so class
 * probabilities are the share of trees voting for each class, computed from `predictionValues`.
 *
 * ## Example
 * ```ts
 * const forest = await Forest.train(X, y, { kind: 'regression', seed: 42, signal });
 * forest.predict(X.slice(0, 3));
 * ```
 * @internal
 */
export class Forest {
  private constructor(
    private readonly batches: Batch[],
    private readonly kind: ForestOptions['kind'],
    private readonly classCount: number,
  ) {}

  /** Trains the forest, yielding to the event loop between batches. */
  static async train(X: number[][], y: number[], opts: ForestOptions): Promise<Forest> {
    const { RandomForestClassifier, RandomForestRegression } = await loadForestLibrary();
    const trees = opts.trees ?? 20;
    const batchSize = opts.batchSize ?? 5;
    const cap = opts.maxRowsPerBatch ?? 400;
    const rng = seededRandom(opts.seed);
    const all = X.map((_, i) => i);
    const batches: Batch[] = [];
    for (let done = 0; done < trees; done += batchSize) {
      const rows = X.length > cap ? shuffled(all, rng).slice(0, cap) : all;
      const options = {
        nEstimators: Math.min(batchSize, trees - done),
        // An integer count: a fraction of one column would floor to zero features.
        maxFeatures: Math.max(1, Math.round(X[0].length * 0.8)),
        replacement: false,
        useSampleBagging: true,
        noOOB: true,
        seed: Math.floor(rng() * 2 ** 31),
        treeOptions: { maxDepth: 12, minNumSamples: 3 },
      };
      const batch = opts.kind === 'classification' ? new RandomForestClassifier(options) : new RandomForestRegression(options);
      batch.train(
        rows.map((i) => X[i]),
        rows.map((i) => y[i]),
      );
      batches.push(batch);
      await yieldToLoop(opts.signal);
    }
    return new Forest(batches, opts.kind, opts.classCount ?? 0);
  }

  /** Every tree's prediction for every row: `votes[row][tree]`. */
  private votes(X: number[][]): number[][] {
    const perBatch = this.batches.map((b) => b.predictionValues(X));
    return X.map((_, i) => perBatch.flatMap((m) => m.getRow(i)));
  }

  /** Regression: mean of the trees. Classification: the most probable class. */
  predict(X: number[][]): number[] {
    if (this.kind === 'regression') return this.votes(X).map((v) => v.reduce((s, x) => s + x, 0) / v.length);
    return this.predictProba(X).map(argmax);
  }

  /**
   * Classification: share of trees voting for each class, `proba[row][class]`, smoothed by half a
   * vote per class so no class gets probability 0 (a 20-tree vote would otherwise make log loss
   * explode on a single miss).
   */
  predictProba(X: number[][]): number[][] {
    const k = this.classCount;
    return this.votes(X).map((v) => {
      const p = new Array<number>(k).fill(0.5 / (v.length + 0.5 * k));
      for (const label of v) p[label] += 1 / (v.length + 0.5 * k);
      return p;
    });
  }
}

/**
 * Index of the largest value (first on ties).
 *
 * ## Example
 * ```ts
 * argmax([0.2, 0.5, 0.3]); // 1
 * ```
 * @internal
 */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
