import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // Angular ships ES modules only; esbuild makes them CommonJS for this CommonJS Jest run.
    '^.+/node_modules/@angular/.+\\.m?js$': '<rootDir>/spec/angular/esmTransform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  moduleNameMapper: {
    '^prediction-one-rx$': '<rootDir>/lib/index.ts',
    '^prediction-one-rx/(node|emulator|angular|bullmq)$': '<rootDir>/lib/$1/index.ts',
  },
  // Endpoint tests talk to a real emulator over loopback; a slow CI core must not flake them.
  testTimeout: 30_000,
};

export default config;
