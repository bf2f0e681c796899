/**
 * Versus the hand-rolled baseline: 1,000 trainings end to end (upload a tiny CSV, Create
 * Model, poll, download and unzip the result) against the emulator (trainingDelayMs 0, its own
 * process). This library (trainEachFrom$ on createNodeClient) vs a plain async/await loop with
 * p-limit and the platform fetch, same concurrency and poll schedule (at once, then every
 * POLL_MS). Each client in its own process: wall time, client CPU, status requests sent.
 *
 * Run: npm run bench:baseline  (env: TRAININGS, CONCURRENCY, POLL_MS, TRAINING_DELAY_MS)
 */
import { forkEmulator, forkTs, machine, report, round, verdict, waitFor } from './lib/common';
import { TINY_CONFIG, TINY_CSV } from './lib/seed';

const TRAININGS = Number(process.env.TRAININGS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const POLL_MS = Number(process.env.POLL_MS ?? 100);
// 0 = near-zero training time (the setting). A delay of a few poll ticks makes the
// number of polls a job needs the same for both clients, so their status requests compare
// without the race of a training finishing around the first poll.
const TRAINING_DELAY_MS = Number(process.env.TRAINING_DELAY_MS ?? 0);
const STATUS_ROUTE = 'GET /v1/external/models/results';
type Mode = 'library' | 'baseline';

async function library(url: string, apiKey: string): Promise<number> {
  const { lastValueFrom, filter, count } = await import('rxjs');
  const { trainEachFrom$ } = await import('prediction-one-rx');
  const { createNodeClient } = await import('prediction-one-rx/node');
  const client = createNodeClient({ baseUrl: url, apiKey });
  const jobs = Array.from({ length: TRAININGS }, (_, i) => ({
    key: `job-${i}`,
    name: `job-${i}`,
    data: { train: TINY_CSV, columns: { x: 'integer', y: 'integer' } as const },
    config: TINY_CONFIG,
    poll: { minDelayMs: POLL_MS, multiplier: 1 },
  }));
  return lastValueFrom(
    trainEachFrom$(client, jobs, { concurrency: CONCURRENCY }).pipe(
      filter((e) => e.type === 'succeeded' && e.result.metrics.length > 0),
      count(),
    ),
  );
}

async function baseline(url: string, apiKey: string): Promise<number> {
  const pLimit = (await import('p-limit')).default;
  const { unzipSync } = await import('fflate');
  const limit = pLimit(CONCURRENCY);
  const headers = { 'x-api-key': apiKey, accept: 'application/json' };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const columnInfo = '\uFEFFcolumn_name,column_type\nx,integer\ny,integer\n';
  const one = async (i: number): Promise<boolean> => {
    const urls = await (await fetch(`${url}/v1/external/data-sets/upload-url?extension=csv`, { headers })).json();
    for (const [target, body] of [[urls.learn_data_set_upload_url, TINY_CSV], [urls.column_info_upload_url, columnInfo]]) {
      const put = await fetch(target, { method: 'PUT', body });
      await put.arrayBuffer();
      if (!put.ok) throw new Error(`upload ${put.status}`);
    }
    const created = await fetch(`${url}/v1/external/models`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ external_process_id: urls.external_process_id, name: `job-${i}`, config: TINY_CONFIG }),
    });
    await created.arrayBuffer();
    if (!created.ok) throw new Error(`create ${created.status}`);
    for (;;) {
      const res = await fetch(`${url}/v1/external/models/results?external_process_id=${encodeURIComponent(urls.external_process_id)}`, { headers });
      const status = await res.json();
      if (status.status === 'finished') {
        const zip = new Uint8Array(await (await fetch(status.result_url)).arrayBuffer());
        const files = unzipSync(zip);
        return 'metrics.csv' in files;
      }
      if (status.status === 'failed') throw new Error('training failed');
      await sleep(POLL_MS);
    }
  };
  const results = await Promise.all(Array.from({ length: TRAININGS }, (_, i) => limit(() => one(i))));
  return results.filter(Boolean).length;
}

async function worker(mode: Mode, url: string, apiKey: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ok = mode === 'library' ? await library(url, apiKey) : await baseline(url, apiKey);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'result', ok, ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: process.memoryUsage().rss / 2 ** 20 });
  setTimeout(() => process.exit(0), 50);
}

async function main(): Promise<void> {
  console.log('machine', machine());
  let failed = false;
  const results: Record<string, { ok: number; ms: number; cpuMs: number; rssMiB: number; statusRequests: number; requests: number; emulatorCpuMs: number }> = {};
  for (const mode of ['baseline', 'library'] as Mode[]) {
    // A fresh emulator per variant: same state, and its request log holds only this run.
    const emulator = await forkEmulator({ trainingDelayMs: TRAINING_DELAY_MS });
    try {
      const e0 = await emulator.cpuMs();
      const child = forkTs(__filename, ['--worker', mode, emulator.url, emulator.apiKey]);
      const r = await waitFor<{ ok: number; ms: number; cpuMs: number; rssMiB: number }>(child, 'result');
      const statusRequests = await emulator.count(STATUS_ROUTE);
      const requests = await emulatorRequests(emulator);
      results[mode] = { ...r, statusRequests, requests, emulatorCpuMs: (await emulator.cpuMs()) - e0 };
      console.log(`${mode}: ${r.ok}/${TRAININGS} ok in ${(r.ms / 1000).toFixed(1)} s`);
      if (r.ok !== TRAININGS) failed = true;
    } finally {
      await emulator.close();
    }
  }
  const lib = results.library;
  const base = results.baseline;
  report(
    'baseline',
    (['baseline', 'library'] as Mode[]).map((m) => ({
      client: m === 'library' ? 'library (trainEachFrom$, createNodeClient)' : 'async/await + p-limit + fetch',
      succeeded: results[m].ok,
      'wall s': round(results[m].ms / 1000, 2),
      'client CPU s': round(results[m].cpuMs / 1000, 2),
      'status requests': results[m].statusRequests,
      'all requests': results[m].requests,
      'emulator CPU s': round(results[m].emulatorCpuMs / 1000, 2),
      'client RSS MiB': round(results[m].rssMiB, 0),
    })),
    {
      setup: `${TRAININGS} trainings, concurrency ${CONCURRENCY}, poll at once then every ${POLL_MS} ms, emulator trainingDelayMs ${TRAINING_DELAY_MS} in its own process (fresh per variant), each client in its own process`,
      ratios: { wallLibraryOverBaseline: round(lib.ms / base.ms, 3), cpuLibraryOverBaseline: round(lib.cpuMs / base.cpuMs, 3) },
      targets: {
        'wall time: library no slower (<= 1.0x)': verdict(lib.ms <= base.ms),
        'client CPU: library no slower (<= 1.0x)': verdict(lib.cpuMs <= base.cpuMs),
        'status requests: library <= baseline': verdict(lib.statusRequests <= base.statusRequests),
      },
    },
  );
  process.exit(failed ? 1 : 0);
}

async function emulatorRequests(emulator: Awaited<ReturnType<typeof forkEmulator>>): Promise<number> {
  const routes = ['GET /v1/external/data-sets/upload-url', 'PUT /storage/upload', 'POST /v1/external/models', STATUS_ROUTE, 'GET /storage/result'];
  const counts = await Promise.all(routes.map((r) => emulator.count(r)));
  return counts.reduce((a, b) => a + b, 0);
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3] as Mode, process.argv[4], process.argv[5]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
