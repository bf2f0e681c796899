/** The package's exports: every entry resolves in ESM and CommonJS with types, and no any. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import ts from 'typescript';

/**
 * The built package, imported the way users import it: from a consumer folder that has it in
 * node_modules, as CommonJS, as ESM, and type-checked with moduleResolution node16 and
 * bundler. Needs `npm run build` first (`npm test` runs it as `pretest`).
 */
const root = path.resolve(__dirname, '../..');
const entries = [
  'prediction-one-rx',
  'prediction-one-rx/node',
  'prediction-one-rx/emulator',
  'prediction-one-rx/bullmq',
  'prediction-one-rx/engine',
  'prediction-one-rx/deploy',
  'prediction-one-rx/otel',
  'prediction-one-rx/data',
];

describe('the published package', () => {
  let consumer: string;

  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    consumer = mkdtempSync(path.join(os.tmpdir(), 'p1rx-consumer-'));
    mkdirSync(path.join(consumer, 'node_modules'));
    symlinkSync(root, path.join(consumer, 'node_modules', 'prediction-one-rx'), 'dir');
    writeFileSync(path.join(consumer, 'package.json'), '{ "name": "consumer", "private": true }');
  });
  afterAll(() => rmSync(consumer, { recursive: true, force: true }));

  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: consumer, encoding: 'utf8' });

  it('should load every entry with require()', () => {
    const out = node(['-e', `console.log(JSON.stringify(${JSON.stringify(entries)}.map((e) => Object.keys(require(e)).length)))`]);
    expect(JSON.parse(out).every((n: number) => n > 0)).toBe(true);
  });

  it('should load every entry with import, sharing one copy of the core', () => {
    const script = `
      const core = await import('prediction-one-rx');
      const nodeEntry = await import('prediction-one-rx/node');
      const emulator = await import('prediction-one-rx/emulator');
      const client = nodeEntry.createNodeClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
      console.log(JSON.stringify([client instanceof core.PredictionOneClient, typeof emulator.startEmulator]));`;
    expect(JSON.parse(node(['--input-type=module', '-e', script]))).toEqual([true, 'function']);
  });

  // The browser-safe entries are built from shared chunks: an error made by /deploy or judged by
  // /engine is the core's class, not a second copy (a copy would fail `instanceof`).
  it.each([
    [
      'import',
      '--input-type=module',
      "await import('prediction-one-rx')",
      "await import('prediction-one-rx/deploy')",
      "await import('prediction-one-rx/engine')",
    ],
    ['require', '--input-type=commonjs', "require('prediction-one-rx')", "require('prediction-one-rx/deploy')", "require('prediction-one-rx/engine')"],
  ])('should share one copy of the core with /deploy and /engine (%s)', (_how, type, core, deploy, engine) => {
    const script = `
      (async () => {
        const core = ${core}; const deploy = ${deploy}; const engine = ${engine};
        const client = core.createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
        const thrown = await new Promise((resolve) => {
          try { deploy.models$(client, { pageSize: 0 }).subscribe({ error: resolve, complete: () => resolve(undefined) }); } catch (e) { resolve(e); }
        });
        const unknown = new core.ApiError({ httpStatus: 404, method: 'GET', url: 'http://127.0.0.1:1/x' });
        console.log(JSON.stringify([thrown instanceof core.ValidationError, engine.isUnknownTraining(unknown)]));
      })();`;
    expect(JSON.parse(node([type, '-e', script]))).toEqual([true, true]);
  });

  // downloadResult$ loads its archive reader with a dynamic import(): a chunk of its own in dist/,
  // which the published ESM imports and the published CommonJS requires when a download starts.
  it.each([
    ['import', '--input-type=module', "await import('prediction-one-rx')", "await import('prediction-one-rx/data')"],
    ['require', '--input-type=commonjs', "require('prediction-one-rx')", "require('prediction-one-rx/data')"],
  ])('should load the result archive reader on demand and read a result (%s)', (_how, type, core, data) => {
    const archive = Buffer.from(zipSync({ 'metrics.csv': strToU8('metric,value\naccuracy,0.875\n') })).toString('base64');
    const script = `
      (async () => {
        const http = require('node:http');
        const core = ${core}; const data = ${data};
        // rxjs is the package's peer: resolved from where the package is, as an app's would be.
        const rxjs = require(require.resolve('rxjs', { paths: [require.resolve('prediction-one-rx')] }));
        const server = http.createServer((req, res) => res.end(Buffer.from('${archive}', 'base64'))).listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        try {
          const client = core.createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
          const resultUrl = 'http://127.0.0.1:' + server.address().port + '/result.zip';
          const events = await new Promise((resolve, reject) => {
            const seen = [];
            core.downloadResult$(client)(rxjs.of({ resultUrl })).subscribe({ next: (e) => seen.push(e), error: reject, complete: () => resolve(seen) });
          });
          const result = events.find((e) => e.type === 'completed').result;
          console.log(JSON.stringify(data.headlineMetric(result.metrics)));
        } finally {
          server.close();
        }
      })();`;
    const run =
      type === '--input-type=module' ? `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${script}` : script;
    expect(JSON.parse(node([type, '-e', run]))).toEqual({ name: 'accuracy', value: 0.875, raw: '0.875' });
  });

  it('should mark the package side-effect free', () => {
    const pkg = JSON.parse(node(['-p', "JSON.stringify(require('prediction-one-rx/package.json'))"]));
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.peerDependencies.rxjs).toMatch(/^\^7/);
  });

  it.each([
    ['node16', 'consumer.mts'],
    ['node16', 'consumer.cts'],
    ['bundler', 'consumer.ts'],
  ])('should type-check with moduleResolution %s (%s)', (resolution, file) => {
    const source = `
      import { createClient, trainModel$, type TrainingEvent } from 'prediction-one-rx';
      import { createNodeClient } from 'prediction-one-rx/node';
      import { startEmulator, type Emulator } from 'prediction-one-rx/emulator';
      import { models$, RetrainFailedError, type ModelSummary } from 'prediction-one-rx/deploy';
      import { trainEachFrom$, type KeyedTrainingJob } from 'prediction-one-rx/engine';
      import { type PredictionOneError } from 'prediction-one-rx';
      const c = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
      const n = createNodeClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
      const e: Promise<Emulator> = startEmulator({ port: 0 });
      const events = trainModel$(c, { data: { train: 'a,b\\n1,2\\n' }, name: 'x', config: { tt: 'regression', tc: 'b' } });
      events.subscribe((ev: TrainingEvent) => ev.type === 'status' && ev.status.toUpperCase());
      // One client type across the entries (the core's class, private members and all).
      const listed = models$(n).subscribe((m: ModelSummary) => m.model_id.toFixed());
      const job: KeyedTrainingJob<number> = { key: 1, data: { train: 'a,b\\n1,2\\n' }, name: 'x', config: { tt: 'regression', tc: 'b' } };
      const batch = trainEachFrom$(c, [job]);
      const isCoreError: InstanceType<typeof RetrainFailedError> extends PredictionOneError ? true : never = true;
      export { c, n, e, listed, batch, isCoreError };`;
    const fileName = path.join(consumer, file);
    writeFileSync(fileName, source);
    const options: ts.CompilerOptions =
      resolution === 'node16'
        ? { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }
        : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
    const compilerOptions: ts.CompilerOptions = {
      ...options,
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    };
    const program = ts.createProgram({ rootNames: [fileName], options: compilerOptions, host: sharedDeclarationsHost(compilerOptions) });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});

describe('the published types', () => {
  it.each(['index', 'node/index', 'emulator/index', 'angular/index', 'bullmq/index', 'engine/index', 'deploy/index', 'otel/index', 'data/index'])(
    'should have no `any` in dist/%s.d.ts',
    (entry) => {
      const file = path.join(root, 'dist', `${entry}.d.ts`);
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
      expect(anyIn(file)).toEqual([]);
    },
  );

  // The entries' shared declarations live in chunks beside them (dist/errors-….d.ts …).
  it('should have no `any` in the shared declaration chunks', () => {
    const chunks = readdirSync(path.join(root, 'dist')).filter((f) => /^[\w-]+-[\w-]{8}\.d\.ts$/.test(f));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.flatMap((f) => anyIn(path.join(root, 'dist', f)))).toEqual([]);
  });
});

/**
 * The parsed declaration files (TypeScript's lib.*.d.ts, dist/, rxjs) shared by the programs of
 * this file, per module format and target, as `tsc --build` shares them among the projects of a
 * build: each program parsed them all again. Every program still checks them itself.
 */
const declarations = new Map<string, ts.SourceFile>();
function sharedDeclarationsHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, fresh) => {
    if (!/\.d\.[cm]?ts$/.test(fileName)) return parse(fileName, languageVersionOrOptions, onError, fresh);
    const format = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions.impliedNodeFormat : undefined;
    const target = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions.languageVersion : languageVersionOrOptions;
    const key = `${format}:${target}:${fileName}`;
    let source = fresh ? undefined : declarations.get(key);
    if (!source) {
      source = parse(fileName, languageVersionOrOptions, onError, fresh);
      if (source) declarations.set(key, source);
    }
    return source;
  };
  return host;
}

/** Each `any` keyword of a declaration file, as `file:line: context`. */
function anyIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${path.relative(root, file)}:${line + 1}: ${node.parent.getText().slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
