/** "Did you mean": the closest of some names to a mistyped one. */
/**
 * "Did you mean": the closest of some names to a mistyped one.
 *
 * @packageDocumentation
 */

/**
 * Levenshtein distance (insertions, deletions, substitutions), case-insensitive. Small inputs
 * only (column names, values): O(a·b) time, O(b) memory.
 */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length]!;
}

/**
 * The candidate nearest to `name`: the same name in another case first, else the closest by
 * edit distance within a third of the name's length (at least 2), ties to the first. Names
 * longer than 200 characters are not compared.
 *
 * ## Example
 * ```ts
 * nearest('churn', ['id', 'churned']); // 'churned'
 * nearest('Weather', ['date', 'weather']); // 'weather'
 * nearest('price', ['id', 'churned']); // undefined
 * ```
 * @internal
 */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.trim();
  const sameCase = candidates.find((c) => c.toLowerCase() === wanted.toLowerCase());
  if (sameCase !== undefined || wanted.length > 200) return sameCase;
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c.length > 200 || Math.abs(c.length - wanted.length) > limit) continue;
    const d = distance(wanted, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
