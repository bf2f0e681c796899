/** Diagnostic: the client's own CPU per status request (no network), this checkout's sources against another version's, interleaved in one process. */
/**
 * `trainingStatus$` subscribed N times per round (8 chains in flight) on a fetch that answers at
 * once with a canned Train Status Check body (a `text()` and an `arrayBuffer()` that copies, as
 * undici's do), static key, default retry policy; rounds alternate between the two bundles (built by
 * bench/lib/bundleLibrary.mjs) and the medians are printed. What undici and the network cost
 * is left out: this is the library's share of a poll, which bench:scale cannot resolve from its noise.
 *
 * Run: REF=bench/results/ref node bench/requestCpu.mjs  (REF: a tree with lib/ and tsconfig.json,
 * e.g. `git archive main lib tsconfig.json | tar -x -C bench/results/ref`; env N (20000), ROUNDS (8))
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { bundleLibrary } from './lib/bundleLibrary.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The library of `sources` (this checkout or another version's tree), with the status request's operator. */
async function bundle(sources, name) {
  const extra = ["export { trainingStatus$ } from './lib/operators/trainingStatusRequest';"];
  return createRequire(import.meta.url)(await bundleLibrary(undefined, sources, `request-cpu-${name}`, extra));
}

const bytes = Buffer.from('{"status":"waiting","created_datetime":"2026-12-06T10:00:00Z","updated_datetime":"2026-12-06T10:00:01Z","result_url":null}');
const headers = { 'content-length': String(bytes.length), 'content-type': 'application/json' };
/** undici's response as the client's undici transport adapts it. */
class CannedResponse {
  status = 200;
  headers = this;
  body = null;
  get(name) {
    return headers[name] ?? null;
  }
  arrayBuffer() {
    return Promise.resolve(new Uint8Array(bytes).buffer);
  }
  text() {
    return Promise.resolve(bytes.toString('utf8'));
  }
}
const fetch = (_url, init) => {
  init.onAbort?.(() => undefined);
  return Promise.resolve(new CannedResponse());
};

const N = Number(process.env.N ?? 20_000);
const libs = { ref: await bundle(path.resolve(process.env.REF ?? 'bench/results/ref'), 'ref'), cur: await bundle(root, 'cur') };
const clients = Object.fromEntries(Object.entries(libs).map(([k, lib]) => [k, lib.createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', fetch })]));

/** CPU microseconds per request of `k` over N requests. */
async function round(k) {
  const { trainingStatus$ } = libs[k];
  const client = clients[k];
  const cpu0 = process.cpuUsage();
  let i = 0;
  await new Promise((resolve, reject) => {
    let ended = 0;
    const chain = () => {
      if (i++ >= N) return void (++ended === 8 && resolve());
      trainingStatus$(client, `id-${i % 100}`).subscribe({ complete: chain, error: reject });
    };
    for (let j = 0; j < 8; j++) chain();
  });
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / N;
}

const results = { ref: [], cur: [] };
for (let r = 0; r < Number(process.env.ROUNDS ?? 8); r++) for (const k of r % 2 ? ['cur', 'ref'] : ['ref', 'cur']) results[k].push(await round(k));
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(
  JSON.stringify({
    refUs: +median(results.ref).toFixed(2),
    curUs: +median(results.cur).toFixed(2),
    ref: results.ref.map((x) => +x.toFixed(1)),
    cur: results.cur.map((x) => +x.toFixed(1)),
  }),
);
