/**
 * ts-node reads this file without type-checking it (`npm run typecheck` does): a second less at
 * each Jest start. Jest loads it as CommonJS, hence the node10 resolution.
 *
 * @jest-config-loader-options {"transpileOnly": true, "compilerOptions": {"moduleResolution": "node10"}}
 */
import type { Config } from 'jest';

/**
 * Jest for this repository: specs in spec/, TypeScript through SWC (transpile only; types are
 * checked by `npm run typecheck`), parallel workers, and an open-handle check per spec file
 * (spec/helpers/openHandlesEnvironment.ts) in place of `--detectOpenHandles`, which forced one
 * worker. `npm run test:unit` runs the `unit` project only (see UNIT below); `npm test` runs `unit` and
 * `integration`; `npm run test:packaging` the `packaging` project (PACKAGING below).
 */

/**
 * The fast tier (`npm run test:unit`): marble, codec and pure specs that start no server and no
 * child process and run no TypeScript compiler (a temporary folder is allowed). Everything else
 * is the `integration` project: endpoint specs against the emulator, the CLI in child processes
 * and a terminal, the fleet with redis-server, chaos, crash, kill, bounded memory, packaging and
 * the type-level specs. A new spec file is integration until it is listed here.
 */
const UNIT = [
  'spec/helpers/marbles.spec.ts',
  'spec/helpers/byteEquality.spec.ts',
  'spec/index.spec.ts',
  'spec/angular/types.spec.ts',
  'spec/angular/httpClientFetch.spec.ts',
  'spec/cli/conformanceShapes.spec.ts',
  'spec/cli/emulatorCommand.spec.ts',
  'spec/cli/main.spec.ts',
  'spec/cli/manifest.spec.ts',
  'spec/cli/manifestLines.spec.ts',
  'spec/cli/usage.spec.ts',
  'spec/codecs/ids.spec.ts',
  'spec/codecs/normalization.spec.ts',
  'spec/core/base64.spec.ts',
  'spec/core/cidr.spec.ts',
  'spec/core/errors.spec.ts',
  'spec/core/onDemand.spec.ts',
  'spec/core/trainingConfig.spec.ts',
  'spec/core/trainingRules.spec.ts',
  'spec/docs/comments.spec.ts',
  'spec/docs/contract.spec.ts',
  'spec/emulator/faultSpec.spec.ts',
  'spec/emulator/training/metrics.spec.ts',
  'spec/node/checkpoint.spec.ts',
  'spec/node/ndjson.spec.ts',
  'spec/node/writeResult.spec.ts',
  'spec/operators/abortOn.spec.ts',
  'spec/operators/paginate.spec.ts',
  'spec/operators/poller.spec.ts',
  'spec/packaging/defaults.spec.ts',
  'spec/packaging/rawConfig.spec.ts',
  'spec/pipeline/deadline.spec.ts',
  'spec/pipeline/engine.spec.ts',
  'spec/pipeline/trainModelTiming.spec.ts',
  'spec/pipeline/jobQueue.spec.ts',
  'spec/results/unzip.spec.ts',
  'spec/results/webInflate.spec.ts',
  'spec/sources/columns.spec.ts',
  'spec/transport/exchange.spec.ts',
  'spec/transport/limiter.spec.ts',
  'spec/transport/retryPolicy.spec.ts',
  'spec/transport/url.spec.ts',
];

/**
 * The packaging tier (`npm run test:packaging`, which CI runs right after `npm test`): the
 * type-level checks of what is published, each a TypeScript compiler run: the packed package
 * installed by npm into fresh folders and compiled by TypeScript 5.9 and 7, the built dist/
 * imported and type-checked by a consumer, and the public types' spec files, with the two specs
 * that read dist/ (its files bundled for the browser, the docs' example run by package name). It
 * builds dist/ first (`pretest:packaging`); `npm test` runs from the sources and builds nothing
 * (see docs/PERFORMANCE.md "Test suite").
 */
const PACKAGING = [
  'spec/packaging/install.spec.ts',
  'spec/packaging/exports.spec.ts',
  'spec/types/types.spec.ts',
  // The built dist/ bundled for the browser, and the docs' example run by package name (dist/).
  'spec/packaging/browserSafe.spec.ts',
  'spec/examples/ndjsonTrainer.spec.ts',
];

const escaped = (file: string) => `<rootDir>/${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;

const shared: Config = {
  testEnvironment: '<rootDir>/spec/helpers/openHandlesEnvironment.ts',
  setupFilesAfterEnv: ['<rootDir>/spec/helpers/byteEquality.ts'],
  roots: ['<rootDir>/spec'],
  transform: {
    // Transpile only, like tsc with isolatedModules (tsconfig.json): no decorators in lib/ or spec/.
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', transform: { useDefineForClassFields: true } },
        module: { type: 'commonjs' },
      },
    ],
    // Angular ships ES modules only; esbuild makes them CommonJS for this CommonJS Jest run.
    '^.+/node_modules/@angular/.+\\.m?js$': '<rootDir>/spec/angular/esmTransform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  moduleNameMapper: {
    '^prediction-one-rx$': '<rootDir>/lib/index.ts',
    '^prediction-one-rx/(node|emulator|angular|bullmq|engine|deploy|data)$': '<rootDir>/lib/$1/index.ts',
  },
};

const config: Config = {
  // One worker per core (2 in CI). Three on two cores was faster with a warm transform cache
  // but, on a clean clone, starved the integration specs into timeouts and resets
  // (docs/PERFORMANCE.md, "Test suite").
  maxWorkers: '100%',
  // The child-process programs (the p1rx CLI, spec helpers) bundled once from the current sources.
  globalSetup: '<rootDir>/spec/helpers/globalSetup.ts',
  // The longest files first, also on a clean clone (Jest's own order needs a previous run's times).
  testSequencer: '<rootDir>/spec/helpers/testSequencer.cjs',
  // Endpoint tests talk to a real emulator over loopback; a slow CI core must not flake them.
  // A guard against a hang, not a speed requirement: beside a CPU hog on a machine already
  // loaded 10x, trainings end to end took over 30 s.
  testTimeout: 120_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: UNIT.map((file) => `<rootDir>/${file}`) },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/spec/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...[...UNIT, ...PACKAGING].map(escaped)],
    },
    { ...shared, displayName: 'packaging', testMatch: PACKAGING.map((file) => `<rootDir>/${file}`) },
  ],
};

export default config;
