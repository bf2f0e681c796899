import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The packed package (`npm pack`), installed into fresh folders the way each kind of user
 * installs it. Needs `npm run build` first (`npm test` runs it as `pretest`). npm may reach the
 * registry for rxjs and the optional packages; `--prefer-offline` uses its cache when it can.
 */
const root = path.resolve(__dirname, '../..');
const TOOL_ONLY = /^(ml-.*|undici|commander|cli-progress|bullmq|ioredis)$/;

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

describe('the packed package, installed as a browser app does', () => {
  let tmp: string;
  let tarball: string;
  let app: string;
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });

  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/cli/p1rx.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'p1rx-pack-'));
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], root)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, packed.filename);
    writeFileSync(path.join(tmp, 'files.json'), JSON.stringify(packed.files.map((f) => f.path)));
    app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), '{ "name": "browser-app", "private": true }');
    npm(['install', '--ignore-scripts', tarball, 'rxjs@^7.8.0'], app);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('should ship a LICENSE and no source maps', () => {
    const files = JSON.parse(readFileSync(path.join(tmp, 'files.json'), 'utf8')) as string[];
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
    expect(node(['--input-type=module', '-e', script])).toMatch(/ml-random-forest, an optional peer dependency that is not installed\. .*npm install --save-dev ml-random-forest/);
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
    expect(stderr).toContain("npm install --save-dev 'commander@^13.1.0' 'cli-progress@^3.12.0' 'ml-random-forest@^2.1.0'");
    expect(stderr).toContain("npx -y -p prediction-one-rx -p 'commander@^13.1.0' -p 'cli-progress@^3.12.0' -p 'ml-random-forest@^2.1.0' p1rx emulator --port 0");
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
});
