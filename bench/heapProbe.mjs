/** Diagnostic: heap, RSS and CPU per waiting training, compared between two builds. */
// Diagnostic (not a target bench): heap, RSS and CPU per waiting training when N trainings are
// polled once through pollStatus$ on a fetch that answers at once, then all wait for their next
// poll. Compares two builds in isolation from the network:
//   node --expose-gc bench/heapProbe.mjs [dir with dist/ (default: this checkout)]
// SNAP=<file> also writes a heap snapshot.
// Heap per waiting training: N trainings polled once, then all waiting for their next poll.
import { createRequire } from 'node:module';
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(import.meta.url);
const { of } = require('rxjs');
const lib = root.endsWith('.ts') ? await import(root) : require(root + '/dist/index.js');
const N = Number(process.env.N ?? 10000);
const body = new TextEncoder().encode(
  JSON.stringify({ status: 'waiting', created_datetime: '2026-01-01T00:00:00Z', updated_datetime: '2026-01-01T00:00:00Z' }),
);
const fetch = async () => ({ status: 200, headers: { get: () => null }, arrayBuffer: async () => body.slice().buffer, body: undefined });
const client = lib.createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', fetch });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errors = { error: (e) => console.error(e) };
await sleep(100);
gc();
gc();
const before = process.memoryUsage();
const t0 = process.cpuUsage();
const subs = [];
for (let i = 0; i < N; i++)
  subs.push(
    of({ externalProcessId: 'id-' + i })
      .pipe(lib.pollStatus$(client, { minDelayMs: 600000, multiplier: 1, maxWaitMs: Infinity }))
      .subscribe(errors),
  );
await sleep(1500);
gc();
gc();
const after = process.memoryUsage();
const cpu = process.cpuUsage(t0);
if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot(process.env.SNAP);
console.log(
  JSON.stringify({
    root,
    heapBPerTraining: Math.round((after.heapUsed - before.heapUsed) / N),
    rssBPerTraining: Math.round((after.rss - before.rss) / N),
    cpuUsPerPoll: Math.round((cpu.user + cpu.system) / N),
  }),
);
subs.forEach((s) => s.unsubscribe());
process.exit(0);
