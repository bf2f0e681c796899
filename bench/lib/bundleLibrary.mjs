/** Bundles the library's sources the way tsup builds dist/ (esbuild, es2022, no keepNames), with the poller's internal switch exported, for the benches' baseline modes. */
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/**
 * Writes a CommonJS bundle of lib/index.ts, lib/node/index.ts and the poller's `pollerRun`
 * switch (dependencies stay external; `prediction-one-rx` imports resolve to the same sources
 * through tsconfig.json's paths, so there is one copy of the library) and returns its path.
 * Not dist/: dist/ does not export the switch; not tsx: its keepNames gives every named closure
 * of lib/ its own property dictionary, which dist/ does not have. `sources` is another tree of
 * the library's sources (with its tsconfig.json) to bundle instead, written as `<name>.cjs`: a
 * reference version measured beside this one in the same run. `extra` adds export lines (internals a
 * bench measures on their own).
 */
export async function bundleLibrary(outDir = path.join(root, 'node_modules', '.cache', 'p1rx-bench'), sources = root, name = 'library', extra = []) {
  // Inside the checkout, so the bundle's external requires resolve from its node_modules.
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.cjs`);
  await build({
    stdin: {
      contents: [
        "export * from './lib/index';",
        "export { createNodeClient, createNodeFetch } from './lib/node/index';",
        "export { pollerRun } from './lib/operators/poller';",
        // The plain baseline, which no entry ships (versions before it kept it in poller.ts); exported,
        // so the package's `sideEffects: false` does not drop the module that fills `pollerRun.plain`.
        ...(existsSync(path.join(sources, 'lib/operators/pollerPlain.ts')) ? ["export { plainBaseline } from './lib/operators/pollerPlain';"] : []),
        ...extra,
      ].join('\n'),
      resolveDir: sources,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    tsconfig: path.join(sources, 'tsconfig.json'),
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
