/** End-to-end test of the Angular example app in headless Chromium. */
/**
 * End-to-end test of the Angular example (docs/examples/angular) in headless Chromium.
 *
 * Builds the example with `ng build`, serves it from 127.0.0.1 with a tiny server that is also
 * the app's backend proxy (`/p1` is the guide's recipe, docs/examples/angular/p1-proxy.ts: it
 * forwards the app's routes to the emulator and adds the API key server-side; the page holds no key), starts the emulator in-process
 * on another 127.0.0.1 port (so the uploads to and downloads from its pre-signed URLs are
 * cross-origin and need CORS), then drives the page with playwright-core:
 *
 *   1. train: pick a real CSV, start, wait for the metrics table and the contribution chart,
 *      check the HttpClient interceptor logged the requests, that no request left the browser
 *      with a key, save e2e/artifacts/angular.png;
 *   2. cancel: with a slow training, click Cancel while polling and check the emulator sees no
 *      further status polls for a few seconds.
 *
 * Installs nothing. Needs: the root build (`npm run build`, with the angular entry), the
 * example's dependencies (`cd docs/examples/angular && npm ci`) and Chromium at
 * /usr/bin/chromium (Debian package `chromium`; override with CHROMIUM_PATH).
 *
 * Run: `npm run test:e2e`. Exits non-zero on failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium';
import { startEmulator, type Emulator } from '../lib/emulator';
import { TRAINING_ROUTES, p1Proxy } from '../docs/examples/angular/p1-proxy';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'docs/examples/angular');
const APP_DIST = path.join(EXAMPLE, 'dist/browser');
const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const API_KEY = 'e2e-api-key-0123456789';
const STATUS_ROUTE = 'GET /v1/external/models/results';
const WEATHER_CSV = path.join(ROOT, 'node_modules/vega-datasets/data/seattle-weather.csv');
/** What the example app calls: a training, its status, and the model listing. */
const APP_ROUTES: ReadonlySet<string> = new Set([...TRAINING_ROUTES, 'GET /v1/external/models']);
const TOTAL_TIMEOUT_MS = 8 * 60_000;

const log = (msg: string) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
const t0 = Date.now();

function fail(msg: string): never {
  throw new Error(msg);
}

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) fail(msg);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails early, with the fix, when something this test does not install is missing. */
function preflight(): void {
  check(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  check(
    existsSync(path.join(ROOT, 'dist/angular/index.mjs')),
    'dist/angular is missing: run `npm run build` at the repo root (tsup needs the angular/index entry)',
  );
  const installed = path.join(EXAMPLE, 'node_modules/prediction-one-rx/dist');
  check(existsSync(path.join(EXAMPLE, 'node_modules/.bin/ng')), 'the example has no node_modules: run `(cd docs/examples/angular && npm ci)`');
  // The example installs the library as a packed copy (install-links); an old copy would test old code.
  for (const file of ['index.mjs', 'angular/index.mjs']) {
    const fresh = readFileSync(path.join(ROOT, 'dist', file));
    const copy = existsSync(path.join(installed, file)) ? readFileSync(path.join(installed, file)) : undefined;
    check(copy?.equals(fresh), `docs/examples/angular has a stale copy of dist/${file}: run \`(cd docs/examples/angular && npm ci)\` after \`npm run build\``);
  }
}

function ngBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(EXAMPLE, 'node_modules/.bin/ng'), ['build', '--configuration', 'production'], {
      cwd: EXAMPLE,
      env: { ...process.env, NG_CLI_ANALYTICS: 'false', NG_FORCE_TTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ng build exited ${code}:\n${output}`))));
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The built app's server: static files, plus the backend proxy the app calls at /p1. */
interface AppServer {
  readonly url: string;
  /** Where /p1 forwards to (each scenario starts its own emulator). */
  upstream: string | undefined;
  /** Requests that reached /p1 from the browser, and how many of them carried a key themselves. */
  readonly proxied: { count: number; withKey: number };
  close(): Promise<void>;
}

/**
 * Serves the built app; unknown paths get index.html (client-side routing). `/p1/...` is the
 * backend proxy recipe of docs/ANGULAR.md (docs/examples/angular/p1-proxy.ts): it forwards the
 * app's routes only, with allow-listed headers, to the emulator and adds the API key on the
 * server side, so the page never holds one.
 */
async function serveApp(dir: string): Promise<AppServer> {
  const app: AppServer = { url: '', upstream: undefined, proxied: { count: 0, withKey: 0 }, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (pathname.startsWith('/p1/')) return proxy(req, res);
    let file = path.normalize(path.join(dir, pathname));
    if (!file.startsWith(dir) || !existsSync(file) || pathname.endsWith('/')) file = path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  // The guide's recipe itself (docs/examples/angular/p1-proxy.ts): route and header allow-lists,
  // the key added server-side, the forwarded request aborted when the browser's is (Cancel).
  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    app.proxied.count++;
    if (req.headers['x-api-key'] !== undefined) app.proxied.withKey++;
    if (app.upstream === undefined) return void res.writeHead(502).end();
    p1Proxy({ service: app.upstream, apiKey: API_KEY, sessionOk: () => true, routes: APP_ROUTES })(req, res);
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(app, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** The first `rows` rows of Seattle's weather: real public data, small enough to train fast. */
function weatherCsv(rows: number): Buffer {
  const lines = readFileSync(WEATHER_CSV, 'utf8').trim().split('\n');
  return Buffer.from(`${lines.slice(0, rows + 1).join('\n')}\n`);
}

async function openApp(context: BrowserContext, app: AppServer, emulator: Emulator, problems: string[]): Promise<Page> {
  app.upstream = emulator.url;
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  // No key and no service URL in the page's URL: the app calls its own origin's proxy.
  await page.goto(`${app.url}/`);
  await page.getByTestId('file').waitFor();
  return page;
}

async function pickWeather(page: Page, rows: number): Promise<void> {
  await page.getByTestId('file').setInputFiles({ name: 'seattle-weather.csv', mimeType: 'text/csv', buffer: weatherCsv(rows) });
  await page.getByTestId('columns').waitFor();
  const target = await page.getByTestId('target').inputValue();
  check(target === 'weather', `default target should be the last column 'weather', got '${target}'`);
  await page.getByTestId('task').selectOption('multi_classification');
}

async function trainScenario(context: BrowserContext, app: AppServer, problems: string[]): Promise<void> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', trainingDelayMs: 1_500, apiKeys: [API_KEY] });
  // Counts the raw-deflate streams the page opens: the library's default decoder in a browser
  // that has them is WebInflate (one stream per deflated entry, plus one feature probe).
  await context.addInitScript(() => {
    const Native = globalThis.DecompressionStream;
    if (typeof Native !== 'function') return;
    const counter = globalThis as unknown as { __deflateRawStreams: number };
    counter.__deflateRawStreams = 0;
    globalThis.DecompressionStream = class extends Native {
      constructor(format: CompressionFormat) {
        super(format);
        if ((format as string) === 'deflate-raw') counter.__deflateRawStreams++;
      }
    };
  });
  try {
    const page = await openApp(context, app, emulator, problems);
    await pickWeather(page, 300);
    await page.getByTestId('train').click();
    await page.getByTestId('metrics').waitFor({ timeout: 90_000 });
    // The rxResource of models reloads once the training is done: the new model shows up.
    await page.locator('[data-testid=models] li', { hasText: 'seattle-weather' }).waitFor({ timeout: 30_000 });
    const metricRows = await page.locator('[data-testid=metrics] tbody tr').count();
    check(metricRows > 0, 'the metrics table is empty');
    const bars = await page.locator('[data-testid=contributions] rect').count();
    check(bars >= 4, `expected a bar per feature column in the contribution chart, got ${bars}`);
    const rawStreams = await page.evaluate(() => (globalThis as unknown as { __deflateRawStreams?: number }).__deflateRawStreams ?? 0);
    check(rawStreams >= 2, `the result zip should inflate through DecompressionStream('deflate-raw') (WebInflate), saw ${rawStreams} such streams`);
    const statuses = await page.getByTestId('statuses').innerText();
    check(/finished/.test(statuses), `status stream should end with 'finished', got '${statuses}'`);
    check((await page.getByTestId('phase').innerText()).toLowerCase() === 'done', 'phase should be done');
    // The page's HttpClient interceptor logged every request the emulator received (CORS
    // preflights are the browser's, not HttpClient's).
    const logged = Number((await page.getByTestId('log-total').innerText()).replace(/\D+/g, ''));
    const sent = emulator.requests.filter((r) => r.method !== 'OPTIONS');
    check(sent.length < emulator.requests.length, 'expected CORS preflights: the app and the emulator are different origins');
    check(logged === sent.length, `interceptor logged ${logged} requests, emulator saw ${sent.length} (${sent.map((r) => r.route).join(', ')})`);
    check(emulator.count('POST /v1/external/models') === 1, 'expected exactly one Create Model call');
    // API calls went through the proxy, and none left the browser with a key.
    check(app.proxied.count > 0 && app.proxied.withKey === 0, `proxy saw ${app.proxied.count} API calls, ${app.proxied.withKey} with a key from the browser`);
    check(!(await page.content()).includes(API_KEY), 'the page must not contain the API key');
    check(
      emulator.requests.every((r) => r.status !== undefined && r.status < 400),
      `a request failed: ${JSON.stringify(emulator.requests.filter((r) => (r.status ?? 0) >= 400))}`,
    );
    // The proxy lets through only the app's routes: a listing (pre-signed download_urls) or a
    // DELETE asked by a logged-in user's browser gets 403 and never reaches the service.
    const seenBefore = emulator.requests.length;
    const apiCalls = app.proxied.count;
    const refused = await Promise.all(
      [
        ['GET', '/p1/v1/external/data-sets'],
        ['DELETE', '/p1/v1/external/models/any'],
      ].map(async ([method, route]) => (await fetch(`${app.url}${route}`, { method, headers: { cookie: 'session=e2e' } })).status),
    );
    check(refused.every((s) => s === 403) && emulator.requests.length === seenBefore, `proxy must refuse listings and DELETE: got ${refused.join(', ')}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'angular.png'), fullPage: true });
    log(
      `train: ${metricRows} metrics, ${bars} contribution bars, ${logged} requests via HttpClient (${apiCalls} API calls via the key-adding proxy, 0 keys from the browser; listing and DELETE refused), ${rawStreams} deflate-raw streams; screenshot saved`,
    );
    await page.close();
  } finally {
    await emulator.close();
  }
}

async function cancelScenario(context: BrowserContext, app: AppServer, problems: string[]): Promise<void> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', trainingDelayMs: 120_000, apiKeys: [API_KEY] });
  try {
    const page = await openApp(context, app, emulator, problems);
    await pickWeather(page, 100);
    await page.getByTestId('train').click();
    // Wait until polling is under way (the app polls every 0.3 s, growing to 1 s).
    const deadline = Date.now() + 30_000;
    while (emulator.count(STATUS_ROUTE) < 3) {
      check(Date.now() < deadline, `polling did not start: ${emulator.count(STATUS_ROUTE)} status requests`);
      await sleep(50);
    }
    await page.getByTestId('cancel').click();
    await page.getByTestId('cancelled').waitFor({ timeout: 5_000 });
    // A poll may have been in flight at the click; it is aborted, not answered. Then: silence.
    await sleep(300);
    const atCancel = emulator.count(STATUS_ROUTE);
    await sleep(3_000);
    const later = emulator.count(STATUS_ROUTE);
    check(later === atCancel, `polling went on after Cancel: ${atCancel} status requests at cancel, ${later} three seconds later`);
    check((await page.getByTestId('phase').innerText()).toLowerCase() === 'cancelled', 'phase should be cancelled');
    log(`cancel: ${atCancel} status polls before Cancel, none in the 3 s after`);
    await page.close();
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<number> {
  preflight();
  log('ng build (docs/examples/angular)');
  await ngBuild();
  const app = await serveApp(APP_DIST);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'p1rx-e2e-chromium-'));
  let context: BrowserContext | undefined;
  const problems: string[] = [];
  const results: { name: string; error?: Error }[] = [];
  try {
    log(`app at ${app.url}; launching ${CHROMIUM}`);
    context = await launchChromium(userDataDir, { width: 1100, height: 900 });
    for (const [name, scenario] of [
      ['train', trainScenario],
      ['cancel', cancelScenario],
    ] as const) {
      try {
        await scenario(context, app, problems);
        results.push({ name });
      } catch (err) {
        results.push({ name, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
  } finally {
    await context?.close().catch(() => undefined);
    await app.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  const failed = results.filter((r) => r.error);
  for (const r of failed) console.error(`✗ ${r.name}: ${r.error?.stack ?? r.error?.message}`);
  if (failed.length > 0 && problems.length > 0) console.error(`browser said:\n  ${problems.join('\n  ')}`);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

const watchdog = setTimeout(() => {
  console.error(`e2e: timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    console.log('e2e: 0 passed, 1 failed');
    process.exitCode = 1;
  },
);
