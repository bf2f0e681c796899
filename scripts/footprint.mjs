#!/usr/bin/env node
/** Measures the install footprint of each kind of user. */
// Install footprint of each kind of user: packs the package (npm pack), installs it into a fresh
// folder per profile with what that user adds, and counts the packages and bytes under
// node_modules. The baseline is what every user installed before the optional peers (the old
// dependency list). Needs `npm run build` first (`npm run footprint` does it). npm may reach the
// registry; --prefer-offline uses its cache.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'p1rx-footprint-'));
const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], { cwd, encoding: 'utf8' });

const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], root));
const tarball = path.join(tmp, packed.filename);

const profiles = [
  ['browser app', []],
  ['Node batch (createNodeClient)', []],
  ['Node batch + undici (faster transport)', ['undici@^7.30.2']],
  ['CLI user (p1rx train/batch/status)', ['commander@^13.1.0', 'cli-progress@^3.12.0']],
  ['emulator user (p1rx emulator / prediction-one-rx/emulator)', ['commander@^13.1.0', 'cli-progress@^3.12.0', 'ml-random-forest@^2.1.0']],
  [
    'before: every user (old dependencies)',
    ['cli-progress@^3.12.0', 'commander@^13.1.0', 'ml-cart@^2.1.1', 'ml-logistic-regression@^2.0.0', 'ml-random-forest@^2.1.0', 'undici@^7.30.2'],
  ],
];

function measure(dir) {
  let packages = 0;
  let bytes = 0;
  const walk = (p, isPackageRoot) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (!st.isDirectory()) return void (bytes += st.size);
    if (isPackageRoot) packages += 1;
    for (const entry of readdirSync(p)) {
      const child = path.join(p, entry);
      const parent = path.basename(p);
      // A package root is a folder directly in node_modules (or in an @scope inside it).
      const pkgRoot =
        (parent === 'node_modules' && !entry.startsWith('.') && !entry.startsWith('@')) ||
        (path.basename(path.dirname(p)) === 'node_modules' && parent.startsWith('@'));
      walk(child, pkgRoot);
    }
  };
  walk(path.join(dir, 'node_modules'), false);
  return { packages, mb: bytes / 1e6 };
}

const rows = [];
for (const [name, extra] of profiles) {
  const app = path.join(tmp, `app-${rows.length}`);
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }');
  npm(['install', tarball, 'rxjs@^7.8.0', ...extra], app);
  const m = measure(app);
  rows.push({ name, ...m, extra: extra.map((e) => e.replace(/@[^@]*$/, '')).join(' ') || '-' });
}
console.log(
  `tarball: ${packed.filename} ${(packed.size / 1e3).toFixed(0)} kB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${packed.files.length} files`,
);
console.log('| user | adds | packages | MB on disk |');
console.log('| --- | --- | ---: | ---: |');
for (const r of rows) console.log(`| ${r.name} | ${r.extra} | ${r.packages} | ${r.mb.toFixed(1)} |`);
rmSync(tmp, { recursive: true, force: true });
