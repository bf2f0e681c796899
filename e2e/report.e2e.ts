/** End-to-end test of the batch report (`p1rx report`) in headless Chromium. */
/**
 * End-to-end test of the batch report (`p1rx report`) in headless Chromium.
 *
 * 1. Runs a real batch with the built CLI (`node dist/cli/p1rx.js batch`) against the emulator
 *    started in-process on 127.0.0.1 (three models of Seattle's weather: multi-class and two
 *    regressions), then resumes it with a fourth job whose training the emulator fails (its
 *    `failTraining` fault), copies a result folder under a name that is an HTML injection
 *    attempt, and runs `p1rx report <out>`: no event log, the failure comes from the checkpoint.
 * 2. Opens the file from disk (file://, no server): no console error, the leaderboard lists
 *    every model, each plot renders an svg with marks, the timeline draws upload, queue,
 *    training and download as separate segments, sorting by a header reorders the rows, the
 *    filter works, the failed job's row says `failed` and its failure shows the typed error and
 *    what to do, the hostile name is text. Saves docs/images/report.png.
 * 3. `--serve` (serveReport): opens the live page, writes a new result folder into the out
 *    folder and waits for its row to appear.
 *
 * Needs: `npm run build` and Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 * Run: `npm run test:e2e:report`. Exits non-zero on failure.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium';
import { startEmulator } from '../lib/emulator';
import { serveReport } from '../lib/node';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/cli/p1rx.js');
const WEATHER_CSV = path.join(ROOT, 'node_modules/vega-datasets/data/seattle-weather.csv');
const SCREENSHOT = path.join(ROOT, 'docs/images/report.png');
const API_KEY = 'e2e-report-api-key-0123456789';
const HOSTILE = `<img src=x onerror="window.pwned=1">`;
const t0 = Date.now();
const log = (msg: string) => console.log(`[report e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

function runCli(args: string[], stdoutFile?: string, expectCode = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (stdoutFile) writeFileSync(stdoutFile, out);
      if (code === expectCode) resolve(out);
      else reject(new Error(`p1rx ${args[0]} exited ${code}:\n${err}`));
    });
  });
}

/** Collects console errors and uncaught page errors. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function checkStaticPage(browser: BrowserContext, file: string, keys: readonly string[]): Promise<void> {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`file://${file}`);
  await page.waitForSelector('#leaderboard tbody tr');

  // Every model in the leaderboard, the hostile name as text.
  const rowKeys = await page.$$eval('#leaderboard tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')));
  check([...rowKeys].sort().join('|') === [...keys].sort().join('|'), `leaderboard rows ${rowKeys.join(', ')} != ${keys.join(', ')}`);
  check((await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)) === undefined, 'a model name ran as HTML');
  check((await page.$$('#app img')).length === 0, 'a model name made an <img>');
  const hostileCell = await page.$eval(`#leaderboard tr[data-key="${HOSTILE.replace(/"/g, '\\"')}"] td`, (td) => td.textContent);
  check(hostileCell === HOSTILE, `the hostile name shows as ${hostileCell}`);

  // Sorting: by model name ascending, then descending.
  const names = () => page.$$eval('#leaderboard tbody tr td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
  await page.click('th[data-col="key"]');
  const asc = await names();
  const sorted = [...asc].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  check(asc.join('|') === sorted.join('|'), `not sorted ascending after a click: ${asc.join(', ')}`);
  await page.click('th[data-col="key"]');
  const desc = await names();
  check(desc.join('|') === [...sorted].reverse().join('|'), `not sorted descending after a second click: ${desc.join(', ')}`);
  check((await page.getAttribute('th[data-col="key"]', 'aria-sort')) === 'descending', 'the header does not show the sort');
  // By r2 (numeric, descending first): the regressions first, in decreasing order.
  await page.click('th[data-col="metric:r2"]');
  const r2Index = await page.$$eval('#leaderboard th', (ths) => ths.findIndex((th) => th.getAttribute('data-col') === 'metric:r2'));
  const r2 = await page.$$eval('#leaderboard tbody tr', (rows, i) => rows.map((r) => r.querySelectorAll('td')[i]?.textContent ?? ''), r2Index);
  const r2Nums = r2.filter((s) => s !== '').map(Number);
  check(
    r2Nums.length >= 2 && r2.slice(0, r2Nums.length).every((s) => s !== '') && r2Nums.every((v, i) => i === 0 || r2Nums[i - 1] >= v),
    `r2 not sorted descending: ${r2.join(', ')}`,
  );

  // Filter.
  await page.fill('#filter', 'temp');
  const filtered = await page.$$eval('#leaderboard tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')));
  check(filtered.length > 0 && filtered.every((k) => k?.includes('temp')), `filter 'temp' shows ${filtered.join(', ')}`);
  await page.fill('#filter', '');

  // Every metric distribution, the timeline: an svg with marks.
  const metricPlots = await page.$$eval('[data-plot^="metric:"]', (boxes) =>
    boxes.map((b) => ({ id: b.getAttribute('data-plot'), marks: b.querySelectorAll('svg circle').length })),
  );
  check(metricPlots.length >= 5 && metricPlots.every((p) => p.marks > 0), `metric plots without marks: ${JSON.stringify(metricPlots)}`);
  const bars = await page.$$eval('[data-plot="timeline"] svg rect', (r) => r.length);
  check(bars >= keys.length, `timeline has ${bars} bars`);
  // Separate segments per job: each trained job has its upload, queue, training and download.
  const segments = await page.$$eval('[data-plot="timeline"] svg rect[aria-label]', (r) => r.map((x) => x.getAttribute('aria-label') ?? ''));
  for (const key of ['weather', 'temp-max', 'wind']) {
    for (const stage of ['upload', 'queue', 'training', 'download'])
      check(segments.includes(`${key}: ${stage}`), `no ${stage} segment for ${key} in the timeline: ${segments.join(', ')}`);
  }

  // Failures: the row says failed; the failure shows its typed error and what to do (from the checkpoint alone).
  const failedRow = await page.textContent('#leaderboard tr[data-key="bad-target"] td.s-failed');
  check(failedRow === 'failed', `the failed job's row shows ${failedRow}`);
  const failure = await page.textContent('#failures .failure[data-key="bad-target"]');
  check(failure?.includes('TrainingFailedError') && failure.includes('what to do') && failure.includes('could not train'), `failure shows ${failure}`);

  // Per model plots: open all, then each model's confusion matrix or scatter, and contributions.
  await page.click('#open-all');
  await page.waitForSelector('details.model[open] [data-plot="contributions"] svg');
  const perModel = await page.$$eval('details.model', (ds) =>
    ds.map((d) => ({
      key: d.getAttribute('data-key'),
      confusion: d.querySelectorAll('[data-plot="confusion"] svg rect').length,
      scatter: d.querySelectorAll('[data-plot="scatter"] svg circle').length,
      contributions: d.querySelectorAll('[data-plot="contributions"] svg rect').length,
    })),
  );
  for (const m of perModel) {
    if (m.key === 'bad-target' || m.key === HOSTILE) continue;
    check(m.contributions > 0 && (m.confusion > 0 || m.scatter > 0), `model ${m.key} plots: ${JSON.stringify(m)}`);
  }
  check(perModel.some((m) => m.confusion >= 4) && perModel.some((m) => m.scatter > 10), `no confusion matrix or scatter: ${JSON.stringify(perModel)}`);
  check(errors.length === 0, `console errors: ${errors.join('\n')}`);

  // The picture for the docs: the top of the page, then a classification and a regression model.
  await page.click('th[data-col="headline"]');
  await page.evaluate(() => document.querySelectorAll<HTMLDetailsElement>('details.model').forEach((d, i) => (d.open = i < 2)));
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  log(`screenshot ${path.relative(ROOT, SCREENSHOT)}`);
  await page.close();
}

async function checkLivePage(browser: BrowserContext, out: string): Promise<void> {
  const server = await serveReport(out);
  try {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.waitForSelector('#live');
    check((await page.$('#leaderboard tr[data-key="late-model"]')) === null, 'late-model is there before it was written');
    // A job finishing while the page is open: its result folder appears.
    cpSync(path.join(out, 'temp-max'), path.join(out, 'late-model'), { recursive: true });
    await page.waitForSelector('#leaderboard tr[data-key="late-model"]', { timeout: 15_000 });
    check(errors.length === 0, `console errors (live): ${errors.join('\n')}`);
    log('live page showed a new result folder');
    await page.close();
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  check(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  check(existsSync(CLI) && existsSync(path.join(ROOT, 'dist/report/client.js')), 'dist is missing or old: run `npm run build`');
  const work = mkdtempSync(path.join(tmpdir(), 'p1rx-report-e2e-'));
  const emulator = await startEmulator({ port: 0, trainingDelayMs: 300, apiKeys: [API_KEY] });
  let browser: BrowserContext | undefined;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'p1rx-report-chromium-'));
  try {
    const out = path.join(work, 'out');
    const jobs = [
      { key: 'weather', csv: WEATHER_CSV, target: 'weather', type: 'multi_classification' },
      { key: 'temp-max', csv: WEATHER_CSV, target: 'temp_max', type: 'regression' },
      { key: 'wind', csv: WEATHER_CSV, target: 'wind', type: 'regression' },
    ];
    writeFileSync(path.join(work, 'manifest.json'), JSON.stringify(jobs));
    log('running a 3-job batch against the emulator');
    const conn = ['--base-url', emulator.url, '--api-key', API_KEY, '--poll-interval', '100'];
    await runCli(['batch', path.join(work, 'manifest.json'), '--out', out, '--concurrency', '2', ...conn]);
    // A fourth job whose training fails at the service: the batch exits 1, its checkpoint says why.
    writeFileSync(
      path.join(work, 'manifest.json'),
      JSON.stringify([...jobs, { key: 'bad-target', csv: WEATHER_CSV, target: 'precipitation', type: 'regression' }]),
    );
    emulator.injectNext('POST /v1/external/models', 'failTraining');
    await runCli(['batch', path.join(work, 'manifest.json'), '--out', out, '--resume', ...conn], undefined, 1);
    check(!existsSync(path.join(out, 'events.jsonl')), 'an event log in the out folder: the failure must come from the checkpoint');
    cpSync(path.join(out, 'wind'), path.join(out, HOSTILE), { recursive: true });
    const printed = await runCli(['report', out]);
    const file = /^report: (.+)$/m.exec(printed)?.[1];
    check(file !== undefined && existsSync(file), `p1rx report printed ${printed}`);
    check(readFileSync(file, 'utf8').length < 3 * 1024 * 1024, 'report over 3 MB');
    log(`report written: ${file}`);

    browser = await launchChromium(userDataDir, { width: 1280, height: 900 });
    await checkStaticPage(browser, file, [...jobs.map((j) => j.key), 'bad-target', HOSTILE]);
    log('static page: leaderboard, sorting, filter, plots, failures checked');
    await checkLivePage(browser, out);
  } finally {
    await browser?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
  log('passed');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
