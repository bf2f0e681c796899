import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'lib/index.ts',
      'node/index': 'lib/node/index.ts',
      'emulator/index': 'lib/emulator/index.ts',
      'angular/index': 'lib/angular/index.ts',
      'bullmq/index': 'lib/bullmq/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    outDir: 'dist',
    splitting: false,
    external: ['rxjs', 'prediction-one-rx', /^prediction-one-rx\//, /^@angular\//, 'bullmq', 'ioredis'],
  },
  {
    entry: { 'cli/main': 'lib/cli/main.ts' },
    format: ['cjs'],
    sourcemap: true,
    target: 'node20',
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    external: ['rxjs', 'prediction-one-rx', /^prediction-one-rx\//, 'bullmq', 'ioredis'],
  },
]);
