#!/usr/bin/env node
/** Size budget of the browser-safe core. */
// Size budget of the browser-safe core: our own code, minified and gzipped, with the peer and
// runtime dependencies left out (they are shared with the app and measured by their authors).
// Part of `npm run build`: the build fails past the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

export const BUDGET_BYTES = 28 * 1024;

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];

const result = await build({
  entryPoints: [new URL('../lib/index.ts', import.meta.url).pathname],
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'esm',
  write: false,
  external: [...external, ...external.map((e) => `${e}/*`)],
  logLevel: 'silent',
});
const minified = result.outputFiles[0].contents;
const gzipped = gzipSync(minified, { level: 9 }).byteLength;
const line = `core size: ${(minified.byteLength / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped (budget ${(BUDGET_BYTES / 1024).toFixed(0)} KiB gzipped)`;
if (gzipped > BUDGET_BYTES) {
  console.error(`${line}: OVER BUDGET`);
  process.exit(1);
}
console.log(line);
