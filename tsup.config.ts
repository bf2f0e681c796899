import { defineConfig } from 'tsup';

// Source maps are opt-in (P1RX_SOURCEMAP=1 npm run build): they were 1.66 MB of the tarball.
const sourcemap = process.env.P1RX_SOURCEMAP === '1';

export default defineConfig([
  {
    // The browser-safe entries: shared chunks (one copy of the client and the errors for the
    // root, /engine, /deploy and /data) and no Node shims (tsup's ESM shims import `path` and `url`).
    entry: {
      index: 'lib/index.ts',
      'angular/index': 'lib/angular/index.ts',
      'otel/index': 'lib/otel/index.ts',
      'engine/index': 'lib/engine/index.ts',
      'deploy/index': 'lib/deploy/index.ts',
      'data/index': 'lib/data/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap,
    clean: true,
    target: 'es2022',
    outDir: 'dist',
    splitting: true,
    shims: false,
    external: ['rxjs', 'prediction-one-rx', /^prediction-one-rx\//, /^@angular\//, 'bullmq', 'ioredis'],
  },
  {
    // The Node-only entries: each bundled on its own, with the ESM shims for `__dirname`; they
    // reach the browser-safe API through the package's own name (external).
    entry: {
      'node/index': 'lib/node/index.ts',
      'emulator/index': 'lib/emulator/index.ts',
      'bullmq/index': 'lib/bullmq/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap,
    target: 'es2022',
    outDir: 'dist',
    splitting: false,
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
