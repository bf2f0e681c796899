import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '../..');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('the core entry', () => {
  it('should bundle for the browser without any Node built-in', async () => {
    const imported: string[] = [];
    const result = await build({
      entryPoints: [path.join(root, 'lib/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      external: ['rxjs'],
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
  });

  it('should not reach lib/node, lib/emulator or lib/cli', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'lib/index.ts')],
      bundle: true,
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['rxjs'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /^lib\/(node|emulator|cli)\//.test(i))).toEqual([]);
  });
});
