/** Specs: the packed package installed and compiled as each kind of user does. */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The packed package (`npm pack`), installed into fresh folders the way each kind of user
 * installs it. Needs `npm run build` first (`npm test` runs it as `pretest`). npm may reach the
 * registry for rxjs and the optional packages; `--prefer-offline` uses its cache when it can.
 */
const root = path.resolve(__dirname, '../..');
const TOOL_ONLY = /^(ml-.*|undici|commander|cli-progress|bullmq|ioredis|@opentelemetry\/.*)$/;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd, encoding: 'utf8' });
}

/** Every package under node_modules (scoped and nested ones too). */
function installed(dir: string): string[] {
  const names: string[] = [];
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(path.join(modules, entry))) {
          names.push(`${entry}/${scoped}`);
          walk(path.join(modules, entry, scoped, 'node_modules'));
        }
      } else {
        names.push(entry);
        walk(path.join(modules, entry, 'node_modules'));
      }
    }
  };
  walk(path.join(dir, 'node_modules'));
  return names;
}

/** The package, packed once for every describe below (the tarball and the files it holds). */
let packed: { tarball: string; files: string[] };
let packDir: string;
beforeAll(() => {
  if (!existsSync(path.join(root, 'dist/cli/p1rx.js')) || !existsSync(path.join(root, 'dist/index.d.ts'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  packDir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-packed-'));
  const [pack] = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], root)) as { filename: string; files: { path: string }[] }[];
  packed = { tarball: path.join(packDir, pack.filename), files: pack.files.map((f) => f.path) };
});
afterAll(() => rmSync(packDir, { recursive: true, force: true }));

describe('the packed package, installed as a browser app does', () => {
  let tmp: string;
  let app: string;
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'p1rx-pack-'));
    app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), '{ "name": "browser-app", "private": true }');
    npm(['install', '--ignore-scripts', packed.tarball, 'rxjs@^7.8.0'], app);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('should ship a LICENSE and no source maps', () => {
    const files = packed.files;
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/cli/p1rx.js');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('should install no emulator, ML, CLI or fleet dependency', () => {
    const names = installed(app);
    expect(names).toContain('prediction-one-rx');
    expect(names.filter((n) => TOOL_ONLY.test(n))).toEqual([]);
  });

  it('should load the core with import and require, and the Node client without undici', async () => {
    expect(node(['-e', "console.log(typeof require('prediction-one-rx').trainModel$)"]).trim()).toBe('function');
    const subpaths = "['engine', 'deploy', 'data'].map((e) => Object.keys(require('prediction-one-rx/' + e)).length > 0).join()";
    expect(node(['-e', `console.log(${subpaths})`]).trim()).toBe('true,true,true');
    // The Node client falls back to cross-fetch with keep-alive agents: a real request on loopback.
    const script = `
      const http = await import('node:http');
      const { createNodeClient } = await import('prediction-one-rx/node');
      const server = http.createServer((req, res) => res.end('ok ' + req.url)).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const url = 'http://127.0.0.1:' + server.address().port;
      const client = createNodeClient({ baseUrl: url, apiKey: 'k' });
      const res = await client.config.fetch(url + '/ping', { method: 'GET', headers: {} });
      console.log(res.status, Buffer.from(await res.arrayBuffer()).toString());
      server.close();
      server.closeAllConnections();`;
    expect(node(['--input-type=module', '-e', script]).trim()).toBe('200 ok /ping');
  });

  it('should load prediction-one-rx/emulator and say which package to install to start it', () => {
    const script = `
      const { startEmulator } = await import('prediction-one-rx/emulator');
      await startEmulator({ port: 0 }).then(() => console.log('started'), (e) => console.log(e.message));`;
    expect(node(['--input-type=module', '-e', script]).trim()).toBe(
      'The Prediction One emulator (prediction-one-rx/emulator) needs ml-random-forest (^2.1.0), an optional peer dependency that is not installed. Install it beside prediction-one-rx: npm install --save-dev ml-random-forest@^2.1.0',
    );
  });

  it('should name bullmq and ioredis with their ranges when prediction-one-rx/bullmq needs them, with import and require', () => {
    const expected =
      "prediction-one-rx/bullmq needs bullmq (^6.7.0) and ioredis (>=5.0.0), optional peer dependencies that are not installed. Install them beside prediction-one-rx: npm install bullmq@^6.7.0 'ioredis@>=5.0.0'";
    const make = `createTrainingWorker(createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' }), { connection: 'redis://127.0.0.1:1' })`;
    const cjs = `const { createClient } = require('prediction-one-rx'); const { createTrainingWorker } = require('prediction-one-rx/bullmq');
      try { ${make}; } catch (e) { console.log(e.name + ': ' + e.message); }`;
    expect(node(['-e', cjs]).trim()).toBe(`MissingPeerError: ${expected}`);
    const esm = `const { createClient } = await import('prediction-one-rx'); const { createTrainingWorker, trainingProcessor } = await import('prediction-one-rx/bullmq');
      try { ${make}; } catch (e) { console.log(e.message); }
      try { trainingProcessor(createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' })); } catch (e) { console.log(e.message); }`;
    expect(node(['--input-type=module', '-e', esm]).trim().split('\n')).toEqual([
      expected,
      'prediction-one-rx/bullmq needs bullmq (^6.7.0), an optional peer dependency that is not installed. Install it beside prediction-one-rx: npm install bullmq@^6.7.0',
    ]);
  });

  it('should load prediction-one-rx/otel without @opentelemetry/api, and do nothing without providers', () => {
    expect(installed(app).filter((n) => n.startsWith('@opentelemetry/'))).toEqual([]);
    const cjs = `const { openTelemetry } = require('prediction-one-rx/otel'); console.log(JSON.stringify(openTelemetry().client));`;
    expect(node(['-e', cjs]).trim()).toBe('{}');
    // With providers of the app's own (any object of the right shape), spans are made: the subpath needs no package for it.
    const esm = `const { openTelemetry } = await import('prediction-one-rx/otel');
      const names = [];
      const span = { setAttribute() {}, addEvent() {}, setStatus() {}, end() { names.push('end'); } };
      const otel = openTelemetry({ tracerProvider: { getTracer: () => ({ startSpan: (name) => (names.push(name), span) }) } });
      otel.client.onRequest({ operation: 'models', attempt: 1, method: 'GET', phase: 'start', call: 1, host: '127.0.0.1:1' });
      otel.client.onCallEnd({ operation: 'models', call: 1, outcome: 'ok', attempts: 1 });
      console.log(names.join(' '));`;
    expect(node(['--input-type=module', '-e', esm]).trim()).toBe('prediction-one models end');
  });

  it('should name undici with its range when createUndiciFetch needs it', () => {
    const script = `
      const { createUndiciFetch } = await import('prediction-one-rx/node');
      await createUndiciFetch()('http://127.0.0.1:1/', { method: 'GET', headers: {} }).catch((e) => console.log(e.message));`;
    expect(node(['--input-type=module', '-e', script]).trim()).toBe(
      'createUndiciFetch (prediction-one-rx/node) needs undici (^7.30.2), an optional peer dependency that is not installed. Install it beside prediction-one-rx: npm install undici@^7.30.2',
    );
  });

  it('should make `p1rx emulator` name what to install, and the one-command npx form', () => {
    const run = () => execFileSync(path.join(app, 'node_modules/.bin/p1rx'), ['emulator', '--port', '0'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    let stderr = '';
    let status: number | null = 0;
    try {
      run();
    } catch (err) {
      ({ stderr, status } = err as { stderr: string; status: number | null });
    }
    expect(status).toBe(1);
    expect(stderr).toContain('npm install --save-dev commander@^13.1.0 cli-progress@^3.12.0 ml-random-forest@^2.1.0');
    expect(stderr).toContain('npx -y -p prediction-one-rx -p commander@^13.1.0 -p cli-progress@^3.12.0 -p ml-random-forest@^2.1.0 p1rx emulator --port 0');
  });

  it('should start `p1rx emulator` in one command once the named packages are installed', async () => {
    npm(['install', '--ignore-scripts', 'commander@^13.1.0', 'cli-progress@^3.12.0', 'ml-random-forest@^2.1.0'], app);
    const child = spawn(path.join(app, 'node_modules/.bin/p1rx'), ['emulator', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Press Ctrl-C to stop.')) resolve();
      });
      child.on('close', () => reject(new Error(`p1rx emulator exited: ${out}`)));
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
    // It answers: an unauthenticated call gets the documented error, over real HTTP.
    const res = await fetch(`${url}/v1/external/models`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    await res.arrayBuffer();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('should run the README\'s first program against `p1rx emulator` (the block after "save this as `first.mjs`")', async () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const program = /save this as `first\.mjs`[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(program).toBeDefined();
    const secret = /--secret-key (\S+?)`/.exec(readme)?.[1];
    expect(secret).toBe('demo-secret');
    writeFileSync(path.join(app, 'first.mjs'), program!);
    const child = spawn(path.join(app, 'node_modules/.bin/p1rx'), ['emulator', '--port', '0', '--secret-key', secret!, '--training-delay', '0'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('close', () => reject(new Error(`p1rx emulator exited: ${out}`)));
      });
      const printed = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['first.mjs'], { cwd: app, env: { ...process.env, P1RX_BASE_URL: url } }, (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
        );
      });
      expect(printed.trim()).toMatch(/^accuracy [01]\.\d{3}$/);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
});

/**
 * The published types, compiled the way users' projects compile them: `skipLibCheck: false`
 * (the compiler's default), no optional peer installed, every subpath, ESM and CommonJS, under
 * TypeScript 5.9 and the registry's 7.x (the native compiler; its binary is still `tsc`).
 */
describe('the packed types, compiled by fresh ESM and CommonJS projects', () => {
  let tmp: string;
  const SOURCE = [
    "import { trainModel$, type TrainingResult } from 'prediction-one-rx';",
    "import { headlineMetric, streamResult$ } from 'prediction-one-rx/data';",
    "import { createNodeClient, createUndiciFetch, type UndiciDispatcherLike } from 'prediction-one-rx/node';",
    "import { startEmulator, type EmulatorOptions } from 'prediction-one-rx/emulator';",
    "import { createTrainingWorker, enqueueTrainings, type RedisLike } from 'prediction-one-rx/bullmq';",
    "import { jobStep$, trainEachFrom$, type JobRecord } from 'prediction-one-rx/engine';",
    "import { predict$, retrainClient$, models$, type Classifier } from 'prediction-one-rx/deploy';",
    "import { openTelemetry, type TracerProviderLike } from 'prediction-one-rx/otel';",
    'export const used = [trainModel$, headlineMetric, streamResult$, createNodeClient, createUndiciFetch, startEmulator, createTrainingWorker, enqueueTrainings, jobStep$, trainEachFrom$, predict$, retrainClient$, models$, openTelemetry];',
    'export type Used = [TrainingResult, UndiciDispatcherLike, EmulatorOptions, RedisLike, JobRecord, Classifier, TracerProviderLike];',
    '',
  ].join('\n');
  const ANGULAR_SOURCE = [
    "import { providePredictionOne, PREDICTION_ONE_CLIENT, PredictionOneService } from 'prediction-one-rx/angular';",
    'export const used = [providePredictionOne, PREDICTION_ONE_CLIENT, PredictionOneService];',
    '',
  ].join('\n');
  // [compiler, package type, module, moduleResolution]. TypeScript 7 removed node10.
  const CASES: readonly (readonly [string, 'module' | 'commonjs', string, string])[] = [
    ['ts59', 'commonjs', 'commonjs', 'node10'],
    ['ts59', 'commonjs', 'node16', 'node16'],
    ['ts59', 'module', 'nodenext', 'nodenext'],
    ['ts59', 'module', 'esnext', 'bundler'],
    ['ts7', 'commonjs', 'node16', 'node16'],
    ['ts7', 'commonjs', 'nodenext', 'nodenext'],
    ['ts7', 'module', 'nodenext', 'nodenext'],
    ['ts7', 'module', 'esnext', 'bundler'],
  ];

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'p1rx-types-'));
    writeFileSync(path.join(tmp, 'package.json'), '{ "name": "types-app", "private": true }');
    // Both compilers under aliases, once per run, beside the package and rxjs only.
    // Angular too, for prediction-one-rx/angular only (the other subpaths are compiled without it).
    npm(
      [
        'install',
        '--ignore-scripts',
        packed.tarball,
        'rxjs@^7.8.0',
        'ts59@npm:typescript@~5.9.3',
        'ts7@npm:typescript@^7',
        '@angular/core@^21',
        '@angular/common@^21',
      ],
      tmp,
    );
    for (const type of ['module', 'commonjs']) {
      mkdirSync(path.join(tmp, type));
      writeFileSync(path.join(tmp, type, 'package.json'), JSON.stringify({ type }));
      writeFileSync(path.join(tmp, type, 'index.ts'), SOURCE);
      writeFileSync(path.join(tmp, type, 'angular.ts'), ANGULAR_SOURCE);
    }
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('should install TypeScript 5.9 and 7', () => {
    const version = (alias: string) => (JSON.parse(readFileSync(path.join(tmp, 'node_modules', alias, 'package.json'), 'utf8')) as { version: string }).version;
    expect(version('ts59')).toMatch(/^5\.9\./);
    expect(version('ts7')).toMatch(/^7\./);
  });

  /** The project file of one case (its compiler options; `files` the sources it compiles). */
  const project = (compiler: string, type: string, module: string, moduleResolution: string): string => {
    const config = path.join(tmp, type, `tsconfig.${compiler}.${moduleResolution}.json`);
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2022', 'dom'], types: [], module, moduleResolution };
    // Angular ships ES modules only: prediction-one-rx/angular is compiled in the ESM projects
    // (nodenext, and bundler as the Angular CLI does), in the same program.
    writeFileSync(config, JSON.stringify({ compilerOptions, files: type === 'module' ? ['index.ts', 'angular.ts'] : ['index.ts'] }));
    return config;
  };

  /** What the compiler printed, and whether it succeeded. */
  const tsc = (compiler: string, args: readonly string[]): { ok: boolean; output: string } => {
    try {
      return {
        ok: true,
        output: execFileSync(process.execPath, [path.join(tmp, 'node_modules', compiler, 'bin', 'tsc'), ...args], {
          cwd: tmp,
          encoding: 'utf8',
          stdio: 'pipe',
        }),
      };
    } catch (err) {
      return { ok: false, output: String((err as { stdout?: string }).stdout ?? err) };
    }
  };

  /**
   * TypeScript 5.9's diagnostics per project, from one `tsc --build` over all its projects: the
   * compiler's build mode parses each declaration file once for the projects that share it (per
   * module format, as it does for users' multi-project builds), where one `tsc -p` per project
   * parsed them all again. `--verbose` names each project before its diagnostics.
   */
  let ts59: Promise<Map<string, string>> | undefined;
  const ts59Diagnostics = (): Promise<Map<string, string>> =>
    (ts59 ??= (async () => {
      const projects = CASES.filter(([compiler]) => compiler === 'ts59').map(([compiler, type, module, moduleResolution]) =>
        project(compiler, type, module, moduleResolution),
      );
      const solution = path.join(tmp, 'tsconfig.ts59.json');
      writeFileSync(solution, JSON.stringify({ files: [], references: projects.map((p) => ({ path: p })) }));
      const { ok, output } = tsc('ts59', ['--build', solution, '--verbose']);
      const byProject = new Map<string, string>(projects.map((p) => [p, '']));
      const sections = output.split(/^.* - Building project '(.+)'\.\.\.$/m);
      for (let i = 1; i < sections.length; i += 2) {
        // What follows a project's name up to the next one: its diagnostics, then the next status line.
        const status = / - (Project '|Building project '|Updating |Skipping )/;
        const diagnostics = sections[i + 1]!.split('\n').filter((line) => line.trim() !== '' && !status.test(line));
        byProject.set(sections[i]!, diagnostics.join('\n'));
      }
      const built = [...byProject.keys()].filter((p) => output.includes(`Building project '${p}'`));
      if (built.length !== projects.length) throw new Error(`tsc --build did not build every project:\n${output}`);
      // A failed build names its errors under some project.
      if (!ok && [...byProject.values()].every((d) => d === '')) throw new Error(`tsc --build failed:\n${output}`);
      return byProject;
    })());

  it.each(CASES)(
    'should compile with %s, "type": "%s", module %s, moduleResolution %s, skipLibCheck false',
    async (compiler, type, module, moduleResolution) => {
      const config = project(compiler, type, module, moduleResolution);
      const diagnostics = compiler === 'ts59' ? (await ts59Diagnostics()).get(config) : tsc(compiler, ['-p', config]).output;
      expect(diagnostics).toBe('');
    },
  );

  it('should run docs/examples/ndjson-trainer.ts as an ES module and as CommonJS', () => {
    for (const type of ['module', 'commonjs']) {
      const example = path.join(tmp, type, 'ndjson-trainer.ts');
      writeFileSync(example, readFileSync(path.join(root, 'docs/examples/ndjson-trainer.ts')));
      const module = type === 'module' ? 'nodenext' : 'node16';
      // Emitted without type checking (no @types/node here): this checks how the program runs.
      execFileSync(
        process.execPath,
        [
          path.join(tmp, 'node_modules/ts7/bin/tsc'),
          '--noCheck',
          '--module',
          module,
          '--moduleResolution',
          module,
          '--target',
          'es2022',
          '--outDir',
          path.join(tmp, type, 'out'),
          example,
        ],
        { cwd: tmp, stdio: 'pipe' },
      );
      // No request on stdin: it reads, trains nothing and exits 0 (a `require.main` test would throw under ESM).
      const run = () =>
        execFileSync(
          process.execPath,
          [path.join(tmp, type, 'out', 'ndjson-trainer.js'), '--base-url', 'http://127.0.0.1:9', '--api-key', 'k', '--out', path.join(tmp, type, 'results')],
          { cwd: tmp, input: '', encoding: 'utf8', stdio: 'pipe' },
        );
      expect(run()).toBe('');
    }
  });

  it('should name no optional peer in any published .d.ts', () => {
    const dist = path.join(tmp, 'node_modules/prediction-one-rx/dist');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => /\.d\.m?ts$/.test(f) && !f.startsWith('angular'));
    expect(files.length).toBeGreaterThan(8);
    // Import statements and import types (doc comments' examples may name them: they are not code).
    const peer =
      /^import .* from '(undici|bullmq|ioredis|commander|cli-progress|ml-random-forest|@angular\/[^']+|@opentelemetry\/[^']+)';$|import\(['"](undici|bullmq|ioredis|ml-random-forest|@opentelemetry\/[^'"]+)['"]\)/m;
    const named = files.filter((f) => peer.test(readFileSync(path.join(dist, f), 'utf8')));
    expect(named).toEqual([]);
  });
});
