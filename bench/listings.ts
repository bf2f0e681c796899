/** Benchmark: 10,000 pages of List Data Sets through the library and through the CLI. */
/**
 * Listings at scale: 10,000 pages of List Data Sets over real HTTP against an emulator holding
 * 300,000 data sets (`syntheticDataSets`), through `dataSets$` and through `p1rx datasets --json`.
 * Reports the time of each tenth of the run (linear time: the last tenth costs about what the
 * first does) and the client's heap along the way (flat memory), then unsubscribes at page 2,000
 * of a second run (no stack overflow, no request after).
 *
 * Run: npm run bench:listings  (env: PAGES, PAGE_SIZE)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createClient } from 'prediction-one-rx';
import { dataSets$ } from 'prediction-one-rx/deploy';
import { lastValueFrom, take, tap, count } from 'rxjs';
import { forkEmulator, machine, report, round, verdict } from './lib/common';

const PAGES = Number(process.env.PAGES ?? 10_000);
const PAGE_SIZE = Number(process.env.PAGE_SIZE ?? 30);
const ROUTE = 'GET /v1/external/data-sets';

async function main(): Promise<void> {
  const emulator = await forkEmulator({ syntheticDataSets: PAGES * PAGE_SIZE });
  try {
    const client = createClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
    const tenth = (PAGES * PAGE_SIZE) / 10;
    const rows: Record<string, unknown>[] = [];
    let seen = 0;
    let last = performance.now();
    const started = last;
    const items = await lastValueFrom(
      dataSets$(client, { pageSize: PAGE_SIZE }).pipe(
        tap(() => {
          if (++seen % tenth !== 0) return;
          const now = performance.now();
          rows.push({ tenth: seen / tenth, ms: round(now - last), heapMiB: round(process.memoryUsage().heapUsed / 2 ** 20) });
          last = now;
        }),
        count(),
      ),
    );
    const wallMs = performance.now() - started;
    const requests = await emulator.count(ROUTE);
    const first = rows[0]?.ms as number;
    const lastTenth = rows[rows.length - 1]?.ms as number;

    await emulator.clearLog();
    const partial = await lastValueFrom(dataSets$(client, { pageSize: PAGE_SIZE }).pipe(take(2_000 * PAGE_SIZE), count()));
    const afterUnsubscribe = await emulator.count(ROUTE);

    await emulator.clearLog();
    const cli = await cliLines(emulator.url, emulator.apiKey);
    report('listings', rows, {
      pages: PAGES,
      pageSize: PAGE_SIZE,
      items,
      requests,
      wallMs: round(wallMs),
      msPerPage: round(wallMs / PAGES, 3),
      lastTenthOverFirst: round(lastTenth / first),
      linear: verdict(items === PAGES * PAGE_SIZE && requests === PAGES && lastTenth / first < 2),
      unsubscribeAt2000: { items: partial, requests: afterUnsubscribe, ok: verdict(afterUnsubscribe === 2_000) },
      cli: { ...cli, ok: verdict(cli.lines === PAGES * PAGE_SIZE && cli.code === 0) },
      machine: machine(),
    });
  } finally {
    await emulator.close();
  }
}

/** `p1rx datasets --json` from dist/: lines printed, exit code, and the CLI process's peak RSS. */
function cliLines(baseUrl: string, apiKey: string): Promise<{ lines: number; code: number | null; wallMs: number; maxRssMiB: number }> {
  const bin = path.resolve(__dirname, '..', 'dist', 'cli', 'p1rx.js');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // /usr/bin/time is not everywhere: the CLI reports its own peak RSS through an --import hook.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))',
        bin,
        'datasets',
        '--json',
        '--page-size',
        String(PAGE_SIZE),
      ],
      {
        env: { ...process.env, P1RX_BASE_URL: baseUrl, P1RX_API_KEY: apiKey },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let lines = 0;
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++;
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const kib = Number(/maxrss=(\d+)/.exec(err)?.[1] ?? NaN);
      resolve({ lines, code, wallMs: round(performance.now() - started), maxRssMiB: round(kib / 1024) });
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
