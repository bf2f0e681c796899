import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '../..');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('the angular entry', () => {
  it('should bundle for the browser without Node built-ins, lib/node, lib/emulator or the Angular compiler', async () => {
    const imported: string[] = [];
    const result = await build({
      entryPoints: [path.join(root, 'lib/angular/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // As the tsup entry: Angular and rxjs come from the app.
      external: ['rxjs', '@angular/core', '@angular/common', '@angular/common/http'],
      alias: { 'prediction-one-rx': path.join(root, 'lib/index.ts') },
      plugins: [
        {
          name: 'record-builtins',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (nodeBuiltins.has(args.path)) imported.push(`${args.path} (from ${path.relative(root, args.importer)})`);
              return undefined;
            });
          },
        },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(imported).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /^lib\/(node|emulator|cli)\/|@angular\/compiler/.test(i))).toEqual([]);
    // No decorators survive: the entry must not need the Angular compiler (JIT) at run time.
    expect(result.outputFiles[0].text).not.toMatch(/__decorate|ɵɵngDeclare/);
  });
});
