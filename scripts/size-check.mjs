#!/usr/bin/env node
/** Size budget of the browser-safe core: what loading the root entry costs, minified and gzipped. */
// Our own code only: the peer and runtime dependencies are left out (they are shared with the app
// and measured by their authors). The budget applies to the root's initial load, the entry and
// everything it imports statically, bundled as one file as before. Code the root loads only on a
// path an app may never take (a dynamic `import()`: the result archive reader, the check of an
// upload a resumed record left half done) is printed beside it, chunk by chunk, as the split
// build makes them, so nothing is hidden from the measure (docs/PERFORMANCE.md, section 6).
// Part of `npm run build`: the build fails past the budget. `--files` lists the bytes each
// source file puts into the initial load (esbuild's metafile).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const BUDGET_BYTES = 24 * 1024;

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'esm',
  write: false,
  metafile: true,
  external: [...external, ...external.map((e) => `${e}/*`)],
  logLevel: 'silent',
};
const entryPoints = [path.join(root, 'lib/index.ts')];

// The initial load: the root and its static imports as one bundle, the modules it loads with a
// dynamic `import()` left out (an app's bundler puts those in chunks of their own).
const initial = await build({
  ...common,
  entryPoints,
  plugins: [
    {
      name: 'loaded-on-demand',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
      },
    },
  ],
});
// The same, split: the chunks the root does not import statically are what it loads on demand.
const split = await build({ ...common, entryPoints, splitting: true, outdir: path.join(root, 'size-check.out') });

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).byteLength;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const minified = initial.outputFiles[0].contents;
const gzipped = gzip(minified);

const outputs = split.metafile.outputs;
const contents = new Map(split.outputFiles.map((f) => [path.relative(root, f.path), f.contents]));
const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint === 'lib/index.ts');
const statics = new Set([entry]);
for (const file of statics) {
  for (const i of outputs[file].imports) if (!i.external && i.kind === 'import-statement' && outputs[i.path]) statics.add(i.path);
}
/** A chunk's source files, largest first: what a reader recognises it by. */
const sources = (file) =>
  Object.entries(outputs[file].inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([name]) => name);
const lazyLines = Object.keys(outputs)
  .filter((o) => o.endsWith('.js') && !statics.has(o))
  .map((f) => {
    const names = sources(f);
    const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? ', ...' : '');
    return `  + loaded on demand: ${kib(contents.get(f).byteLength)} minified, ${kib(gzip(contents.get(f)))} gzipped (${shown})`;
  });
const line = `core size: initial load ${kib(minified.byteLength)} minified, ${kib(gzipped)} gzipped (budget ${(BUDGET_BYTES / 1024).toFixed(0)} KiB gzipped)`;

if (process.argv.includes('--files')) {
  const rows = Object.entries(Object.values(initial.metafile.outputs)[0].inputs).map(([name, v]) => [name, v.bytesInOutput]);
  for (const [name, bytes] of rows.sort((a, b) => b[1] - a[1])) if (bytes > 0) console.log(String(bytes).padStart(7), name);
}
if (gzipped > BUDGET_BYTES) {
  console.error([`${line}: OVER BUDGET`, ...lazyLines].join('\n'));
  process.exit(1);
}
console.log([line, ...lazyLines].join('\n'));
