/** Types of bundleLibrary.mjs (the benches' bundle of the library's sources). */
/** Writes the bundle (default: node_modules/.cache/p1rx-bench/library.cjs) and returns its path. */
export function bundleLibrary(outDir?: string): Promise<string>;
