import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^prediction-one-rx$': '<rootDir>/lib/index.ts',
    '^prediction-one-rx/(node|emulator)$': '<rootDir>/lib/$1/index.ts',
  },
  // Endpoint tests talk to a real emulator over loopback; a slow CI core must not flake them.
  testTimeout: 30_000,
  detectOpenHandles: false,
};

export default config;
