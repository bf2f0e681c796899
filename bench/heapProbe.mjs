/** Diagnostic: heap, RSS and CPU per waiting training, compared between two builds. */
// Diagnostic (not a target bench): heap, RSS and CPU per waiting training when N trainings are
// polled once through pollStatus$ on a fetch that answers at once, then all wait for their next
// poll. Compares two builds in isolation from the network:
//   node --expose-gc bench/heapProbe.mjs [dir with dist/ (default: this checkout)]
// SNAP=<file> also writes a heap snapshot. MODE=rxjs-repeat measures bench:scale's RxJS repeat
// loop instead (on a poll answering at once); FIRST_DELAY=1 spreads first polls over 10 ms (as
// the benches do); MAX_WAIT=<ms> gives every training a deadline (the library's default is 24 h).
// MODE=library-plain-repeat measures the library's poller on RxJS's repeat({ delay: timer }), and
// SOURCES=1 the library (its hand-written run) on the same kind of bundle of the sources;
// REF_SOURCES=<dir> (another version's lib/ and tsconfig.json, see bench/scale.ts) bundles that one instead.
// Heap per waiting training: N trainings polled once, then all waiting for their next poll.
import { createRequire } from 'node:module';
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(import.meta.url);
const { of } = require('rxjs');
const N = Number(process.env.N ?? 10000);
const MODE = process.env.MODE ?? 'library';
// MODE=library-plain-repeat (the poller on RxJS's repeat({ delay: timer })) and SOURCES=1 run a
// bundle of this checkout's sources built like dist/ (bench/lib/bundleLibrary.mjs): only it
// reaches the poller's internal switch.
const fromSources = MODE === 'library-plain-repeat' || process.env.SOURCES === '1' || process.env.REF_SOURCES !== undefined;
const { bundleLibrary } = await import('./lib/bundleLibrary.mjs');
const lib = fromSources
  ? require(
      await (process.env.REF_SOURCES ? bundleLibrary(undefined, (await import('node:path')).resolve(process.env.REF_SOURCES), 'library-ref') : bundleLibrary()),
    )
  : root.endsWith('.ts')
    ? await import(root)
    : require(root + '/dist/index.js');
if (fromSources) lib.pollerRun.mode = MODE === 'library-plain-repeat' ? 'plain' : 'hand-written';
const firstDelay = () => (process.env.FIRST_DELAY ? Math.random() * 10 : 0);
const maxWaitMs = process.env.MAX_WAIT ? Number(process.env.MAX_WAIT) : Infinity;
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
const { defer, repeat, switchMap, takeWhile, timer } = require('rxjs');
const poll = async () => 'waiting';
for (let i = 0; i < N; i++) {
  const id = 'id-' + i;
  subs.push(
    MODE === 'rxjs-repeat'
      ? timer(firstDelay())
          .pipe(
            switchMap(() => defer(() => poll(id)).pipe(repeat({ delay: () => timer(600000) }))),
            takeWhile((status) => status !== 'finished' && status !== 'failed'),
          )
          .subscribe(errors)
      : of({ externalProcessId: id })
          .pipe(lib.pollStatus$(client, { firstDelayMs: firstDelay(), minDelayMs: 600000, multiplier: 1, maxWaitMs }))
          .subscribe(errors),
  );
}
await sleep(1500);
gc();
gc();
const after = process.memoryUsage();
const cpu = process.cpuUsage(t0);
if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot(process.env.SNAP);
console.log(
  JSON.stringify({
    root,
    mode: MODE,
    heapBPerTraining: Math.round((after.heapUsed - before.heapUsed) / N),
    rssBPerTraining: Math.round((after.rss - before.rss) / N),
    cpuUsPerPoll: Math.round((cpu.user + cpu.system) / N),
  }),
);
subs.forEach((s) => s.unsubscribe());
process.exit(0);
