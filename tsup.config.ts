import { defineConfig } from 'tsup';

// Source maps are opt-in (P1RX_SOURCEMAP=1 npm run build): they were 1.66 MB of the tarball.
const sourcemap = process.env.P1RX_SOURCEMAP === '1';

export default defineConfig([
  {
    entry: {
      index: 'lib/index.ts',
      'node/index': 'lib/node/index.ts',
      'emulator/index': 'lib/emulator/index.ts',
      'angular/index': 'lib/angular/index.ts',
      'bullmq/index': 'lib/bullmq/index.ts',
      'otel/index': 'lib/otel/index.ts',
      'engine/index': 'lib/engine/index.ts',
      'deploy/index': 'lib/deploy/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap,
    clean: true,
    target: 'es2022',
    outDir: 'dist',
    // The browser-safe entries (index, engine, deploy) share modules (the client, the errors):
    // shared chunks keep one copy of each, so `instanceof` and per-client state hold across entries.
    splitting: true,
    // `__filename` in the ESM build (lib/node/requirePeer.ts loads optional peers synchronously);
    // batchReport finds dist/report/client.js from __dirname, which the ESM build gets from import.meta.url.
    shims: true,
    external: ['rxjs', 'prediction-one-rx', /^prediction-one-rx\//, /^@angular\//, 'bullmq', 'ioredis'],
  },
  {
    // `p1rx` (cli/p1rx.js) checks the optional peer dependencies with Node built-ins only, then
    // loads cli/main.js.
    entry: { 'cli/main': 'lib/cli/main.ts', 'cli/p1rx': 'lib/cli/bin.ts' },
    format: ['cjs'],
    sourcemap,
    target: 'node20',
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    external: ['rxjs', 'prediction-one-rx', /^prediction-one-rx\//, 'bullmq', 'ioredis'],
  },
]);
