#!/usr/bin/env node
/** Size budget of the browser-safe core: what loading the root entry costs, minified and gzipped. */
// Our own code only: the peer and runtime dependencies are left out (they are shared with the app
// and measured by their authors). The root is bundled split, as the published build is, and the
// budget applies to its initial load: the entry and every chunk it imports statically. Code the
// root loads only on a path an app may never take (a dynamic `import()`: the result archive
// reader, stream sources) is printed beside it, chunk by chunk, so nothing is hidden from the
// measure (docs/PERFORMANCE.md, section 6).
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

// Split, as the published build is: the root's entry, the chunks it imports statically (its
// initial load), and the chunks it loads with a dynamic `import()` (on demand).
const split = await build({ ...common, entryPoints, splitting: true, outdir: path.join(root, 'size-check.out') });
const outputs = split.metafile.outputs;
const contents = new Map(split.outputFiles.map((f) => [path.relative(root, f.path), f.contents]));
const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint === 'lib/index.ts');
const initial = [entry];
for (const file of initial) {
  for (const i of outputs[file].imports) if (!i.external && i.kind === 'import-statement' && !initial.includes(i.path)) initial.push(i.path);
}
const onDemand = Object.keys(outputs).filter((o) => o.endsWith('.js') && !initial.includes(o));

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).byteLength;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
// The initial load gzipped as one stream, as the single bundle was before (an app's bundler
// merges these files into its own chunks, so the cost of gzipping each on its own is left out).
const minified = Buffer.concat(initial.map((f) => contents.get(f)));
const gzipped = gzip(minified);
/** A chunk's source files, largest first: what a reader recognises it by. */
const sources = (file) =>
  Object.entries(outputs[file].inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([name]) => name);
const lazyLines = onDemand.map((f) => {
  const names = sources(f);
  const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? ', ...' : '');
  return `  + loaded on demand: ${kib(contents.get(f).byteLength)} minified, ${kib(gzip(contents.get(f)))} gzipped (${shown})`;
});
const line =
  `core size: initial load ${kib(minified.byteLength)} minified, ${kib(gzipped)} gzipped ` +
  `(the entry and ${initial.length - 1} chunk${initial.length === 2 ? '' : 's'} it imports; budget ${(BUDGET_BYTES / 1024).toFixed(0)} KiB gzipped)`;

if (process.argv.includes('--files')) {
  const rows = initial.flatMap((f) => Object.entries(outputs[f].inputs).map(([name, v]) => [name, v.bytesInOutput]));
  for (const [name, bytes] of rows.sort((a, b) => b[1] - a[1])) if (bytes > 0) console.log(String(bytes).padStart(7), name);
}
if (gzipped > BUDGET_BYTES) {
  console.error([`${line}: OVER BUDGET`, ...lazyLines].join('\n'));
  process.exit(1);
}
console.log([line, ...lazyLines].join('\n'));
