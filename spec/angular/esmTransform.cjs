/** Jest transform that makes Angular's ES modules CommonJS. */
/**
 * Jest transform for the Angular packages, which ship ES modules only (`.mjs`): esbuild turns
 * each file into CommonJS so they load in the repo's CommonJS Jest run (Node < 24.9 cannot
 * `require()` ES modules inside Jest).
 *
 * Wired in jest.config.ts with
 *   transform: { '^.+/node_modules/@angular/.+\\.m?js$': '<rootDir>/spec/angular/esmTransform.cjs' }
 *   transformIgnorePatterns: ['/node_modules/(?!@angular/)']
 */
'use strict';
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      loader: 'js',
      format: 'cjs',
      target: 'es2022',
      sourcemap: 'external',
      sourcefile: sourcePath,
      // Angular reads `ngDevMode` and `ngJitMode` globals; leave them alone (dev mode in tests).
    });
    return { code, map };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha1').update(version).update('\0').update(sourcePath).update('\0').update(sourceText).digest('hex');
  },
};
