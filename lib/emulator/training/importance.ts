/** Permutation importance of the emulator's models. */
import { seededRandom, shuffled } from './random';

/**
 * Permutation importance on held-out data: for each source column, shuffle the matrix columns
 * it encodes to (jointly, so a date's three parts move together) and measure how much the score
 * drops. `score` must grow with quality (accuracy, or minus RMSE), so the result is the drop in
 * accuracy or the increase in RMSE. Averaged over `repeats` seeded shuffles.
 *
 * ## Example
 * ```ts
 * permutationImportance(X, [{ name: 'x', columns: [0] }], (m) => accuracyOf(m), 42);
 * ```
 * @internal
 */
export function permutationImportance(
  X: readonly number[][],
  groups: readonly { name: string; columns: number[] }[],
  score: (X: number[][]) => number,
  seed: number,
  repeats = 2,
): Map<string, number> {
  const rng = seededRandom(seed);
  const baseline = score(X.map((r) => [...r]));
  const result = new Map<string, number>();
  for (const group of groups) {
    let drop = 0;
    for (let r = 0; r < repeats; r++) {
      const order = shuffled(
        X.map((_, i) => i),
        rng,
      );
      const permuted = X.map((row, i) => {
        const copy = [...row];
        for (const c of group.columns) copy[c] = X[order[i]][c];
        return copy;
      });
      drop += baseline - score(permuted);
    }
    result.set(group.name, drop / repeats);
  }
  return result;
}
