/** Types of bundleLibrary.mjs (the benches' bundle of the library's sources). */
/** Writes the bundle of `sources` (default: this checkout) as `<name>.cjs` (default: node_modules/.cache/p1rx-bench/library.cjs) and returns its path; `extra`: more export lines. */
export function bundleLibrary(outDir?: string, sources?: string, name?: string, extra?: readonly string[]): Promise<string>;
