/** A module loaded on demand, once: the dynamic `import()` of a lazily loaded chunk, cached. */

/**
 * Wraps the dynamic `import()` of a module loaded on demand so it runs once: later calls share
 * its promise. Under a loader with module hooks (tsx, ts-node, Node's off-thread `--import`
 * hooks) every `import()` goes through the hooks even for a module already loaded, a message
 * to another thread per call; cached, a training pays it once per process. A failed load (a
 * chunk that could not be fetched) is not cached: the next call tries again.
 *
 * @param load - The `import()` call, written literally so bundlers see the chunk.
 * @returns A function that loads the module the first time and returns the same promise after.
 *
 * ## Example
 * ```ts
 * const archiveReader = onDemand(() => import('./readArchive'));
 * const { readArchive } = await archiveReader();
 * ```
 *
 * @internal
 */
export function onDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((err: unknown) => {
      loaded = undefined;
      throw err;
    }));
}
