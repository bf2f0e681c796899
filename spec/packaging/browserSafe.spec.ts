/** The browser-safe entries import nothing from Node. */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type BuildResult } from 'esbuild';

const root = path.resolve(__dirname, '../..');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Bundles an entry for the browser platform, as an app's bundler would, and records every Node
 * built-in it reaches. Shared by the core and Angular entry checks.
 */
async function bundleForBrowser(
  entry: string,
  external: string[],
): Promise<{ result: BuildResult & { metafile: NonNullable<BuildResult['metafile']> }; builtins: string[]; text: string }> {
  const builtins: string[] = [];
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external,
    alias: { 'prediction-one-rx': path.join(root, 'lib/index.ts') },
    plugins: [
      {
        name: 'record-builtins',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (nodeBuiltins.has(args.path)) builtins.push(`${args.path} (from ${path.relative(root, args.importer)})`);
            return undefined;
          });
        },
      },
    ],
  });
  return { result, builtins, text: result.outputFiles[0].text };
}

const nodeOnly = (inputs: string[]) => inputs.filter((i) => /^lib\/(node|emulator|cli)\//.test(i));

describe.each([
  ['core', 'lib/index.ts'],
  ['engine', 'lib/engine/index.ts'],
  ['deploy', 'lib/deploy/index.ts'],
  ['data', 'lib/data/index.ts'],
])('the %s entry', (_name, entry) => {
  it('should bundle for the browser without any Node built-in or Node-only module', async () => {
    const { result, builtins } = await bundleForBrowser(entry, ['rxjs']);
    expect(result.errors).toEqual([]);
    expect(builtins).toEqual([]);
    expect(nodeOnly(Object.keys(result.metafile.inputs))).toEqual([]);
  });

  it('should not reach the otel entry (an app that traces nothing carries none of it)', async () => {
    const { result } = await bundleForBrowser('lib/index.ts', ['rxjs']);
    expect(Object.keys(result.metafile.inputs).filter((i) => i.startsWith('lib/otel/'))).toEqual([]);
  });
});

describe('the core entry, split as the published build is', () => {
  // What the root loads only on demand (docs/ENTRIES.md, "Why the root is small"): a static import
  // of these from the root would put them back in every app's initial load, and past the size
  // budget of scripts/size-check.mjs.
  it('should load the result archive reader and stream sources on demand only', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'lib/index.ts')],
      bundle: true,
      splitting: true,
      platform: 'browser',
      format: 'esm',
      outdir: path.join(root, 'out'),
      write: false,
      metafile: true,
      logLevel: 'silent',
      packages: 'external',
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint === 'lib/index.ts')!;
    const initial = new Set([entry]);
    for (const file of initial) for (const i of outputs[file].imports) if (i.kind === 'import-statement' && outputs[i.path]) initial.add(i.path);
    const loaded = [...initial].flatMap((file) => Object.keys(outputs[file].inputs));
    const onDemand = [
      'lib/results/unzip.ts',
      'lib/results/webInflate.ts',
      'lib/results/zipDirectory.ts',
      'lib/results/crc32.ts',
      'lib/operators/readArchive.ts',
      'lib/sources/streamSource.ts',
      'lib/sources/spool.ts',
      'lib/sources/trainingDataIssues.ts',
      'lib/core/trainingConfig.ts',
    ];
    expect(loaded.filter((file) => onDemand.includes(file))).toEqual([]);
    expect(Object.values(outputs).flatMap((o) => Object.keys(o.inputs))).toEqual(expect.arrayContaining(onDemand));
  });
});

describe('the otel entry', () => {
  it('should bundle for the browser without any Node built-in, Node-only module or OpenTelemetry package', async () => {
    // Nothing external but rxjs: an import of @opentelemetry/api would be bundled and show as an input.
    const { result, builtins } = await bundleForBrowser('lib/otel/index.ts', ['rxjs']);
    expect(result.errors).toEqual([]);
    expect(builtins).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect([...nodeOnly(inputs), ...inputs.filter((i) => /@opentelemetry/.test(i))]).toEqual([]);
    expect(inputs.filter((i) => i.startsWith('lib/otel/'))).not.toEqual([]);
  });
});

describe('the angular entry', () => {
  it('should bundle for the browser without Node built-ins, Node-only modules or the Angular compiler', async () => {
    // As the tsup entry: Angular and rxjs come from the app.
    const { result, builtins, text } = await bundleForBrowser('lib/angular/index.ts', ['rxjs', '@angular/core', '@angular/common', '@angular/common/http']);
    expect(result.errors).toEqual([]);
    expect(builtins).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect([...nodeOnly(inputs), ...inputs.filter((i) => /@angular\/compiler/.test(i))]).toEqual([]);
    // No decorators survive: the entry must not need the Angular compiler (JIT) at run time.
    expect(text).not.toMatch(/__decorate|ɵɵngDeclare/);
  });
});

describe('the published browser-safe files (dist/, after npm run build)', () => {
  // What an app's bundler reads: the ESM entries and the chunks they share. tsup's ESM shims
  // (`path`, `url`) once reached every entry through a shared chunk; this is where that shows.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../../package.json') as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  const external = [...packages, ...packages.map((p) => `${p}/*`), '@angular/*'];

  it.each(['index.mjs', 'engine/index.mjs', 'deploy/index.mjs', 'data/index.mjs', 'otel/index.mjs', 'angular/index.mjs'])(
    'should bundle dist/%s for the browser without any Node built-in',
    async (file) => {
      const { result, builtins } = await bundleForBrowser(path.join('dist', file), external);
      expect(result.errors).toEqual([]);
      expect(builtins).toEqual([]);
    },
  );
});
