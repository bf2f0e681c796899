module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+/node_modules/@angular/.+\\.m?js$': '<rootDir>/spec/angular/esmTransform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  moduleNameMapper: {
    '^prediction-one-rx$': '<rootDir>/lib/index.ts',
    '^prediction-one-rx/(node|emulator|angular)$': '<rootDir>/lib/$1/index.ts',
  },
  testTimeout: 30000,
};
