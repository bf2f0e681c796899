// ESLint for this repository: a few rules that catch bugs or enforce the project's own rules
// (no `any`, RxJS's public API only), syntactic only (no type information) so `npm run lint`
// stays fast. Formatting is Prettier's job (.prettierrc), not ESLint's.
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
      globals: {
        // Node and browser globals the code uses; TypeScript already checks that names exist.
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    rules: {
      // tsc (noUnusedLocals, noUnusedParameters) reports these already, with the same meaning.
      '@typescript-eslint/no-unused-vars': 'off',
      // TypeScript checks undefined names itself (and knows DOM and Node types), better than ESLint.
      'no-undef': 'off',
      // The project's rules: RxJS's public API only, never its internals.
      'no-restricted-imports': ['error', { patterns: [{ group: ['rxjs/internal', 'rxjs/internal/*'], message: "RxJS's public API only." }] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // CommonJS files (Jest's Angular transform, scripts) may require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
