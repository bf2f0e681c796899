/** A seeded random number generator. */
/**
 * A seeded PRNG (mulberry32): the same seed gives the same folds, samples and permutations, so
 * results are reproducible run to run.
 *
 * ## Example
 * ```ts
 * const rng = seededRandom(42);
 * rng(); // 0.6011037519201636 (always, for seed 42)
 * ```
 * @internal
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fisher–Yates shuffle of a copy.
 *
 * ## Example
 * ```ts
 * shuffled([1, 2, 3], seededRandom(1)); // a permutation of [1, 2, 3]
 * ```
 * @internal
 */
export function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Yields to the event loop, then throws if training was cancelled (the server is closing).
 * Called between folds and tree batches so HTTP requests are served while a model trains.
 *
 * ## Example
 * ```ts
 * await yieldToLoop(signal);
 * ```
 * @internal
 */
export async function yieldToLoop(signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new Error('Training cancelled: the emulator is closing.');
}
