// ESLint for this repository: a few rules that catch bugs or enforce the project's own rules
// (no `any`, RxJS's public API only, no promise left unhandled). Formatting is Prettier's job
// (.prettierrc.json), not ESLint's; unused names and undefined globals are tsc's (tsconfig.json).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'coverage/', 'out/', 'docs/api/', 'docs/examples/angular/', 'e2e/artifacts/', 'bench/results/', '.scratch/'],
  },
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      // tsc reports these already (noUnusedLocals, noUnusedParameters; unknown names).
      '@typescript-eslint/no-unused-vars': 'off',
      'no-undef': 'off',
      // The project's rule: RxJS's public API only, never its internals.
      'no-restricted-imports': ['error', { patterns: [{ group: ['rxjs/internal', 'rxjs/internal/*'], message: "RxJS's public API only." }] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      // A `let` read by a callback that may run before the assignment (a synchronous abort during
      // subscribe) must stay `let`: `const` would throw there.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // With types (tsconfig.json's program): a promise nobody awaits or handles loses its error.
    files: ['**/*.{ts,mts,cts}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // CommonJS files (Jest's Angular transform) may require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
