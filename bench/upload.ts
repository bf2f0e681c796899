/** Benchmark: streaming a large CSV upload from disk through the library versus raw node:http. */
/**
 * Streaming upload: a ~500 MB CSV generated to a temp file, uploaded from disk with
 * fileSource + createNodeClient (streamUploads, undici) through upload$, vs a raw node:http
 * streaming PUT (fs.createReadStream piped into the request). The sink is a node:http server in
 * its own process that drains PUT bodies (and answers Train Data Upload with URLs to itself).
 * Each client in its own process; peak RSS = VmHWM after a reset, minus RSS before.
 *
 * Run: npm run bench:upload  (env: UPLOAD_MB)
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync, createReadStream } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { forkTs, machine, MiB, report, round, verdict, waitFor } from './lib/common';
import { csvBlock } from './lib/zipFile';

const UPLOAD_MB = Number(process.env.UPLOAD_MB ?? 500);
const RUNS = Number(process.env.RUNS ?? 2);
type Variant = 'raw-http' | 'library';

function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* older kernels: the peak then includes startup */
  }
}
const peak = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

async function worker(variant: Variant, url: string, file: string): Promise<void> {
  let run: (source: string) => Promise<void>;
  if (variant === 'raw-http') {
    run = (file) =>
      new Promise((resolve, reject) => {
        const req = request(`${url}/sink/learn.csv`, { method: 'PUT', headers: { 'content-length': String(statSync(file).size) } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(req);
      });
  } else {
    const { lastValueFrom, of } = await import('rxjs');
    const { upload$ } = await import('prediction-one-rx');
    const { createNodeClient, fileSource } = await import('prediction-one-rx/node');
    const client = createNodeClient({ baseUrl: url, apiKey: 'k' });
    run = async (file) => {
      const last = await lastValueFrom(
        of({
          train: fileSource(file),
          columns: {
            id: 'integer',
            date: 'date',
            temp_max: 'float',
            temp_min: 'float',
            precipitation: 'float',
            wind: 'float',
            predicted: 'string',
            probability: 'float',
          } as const,
        }).pipe(upload$(client)),
      );
      if (last.type !== 'uploaded') throw new Error('not uploaded');
    };
  }
  // Warm up on a small file first: module loading, the connection pool, JIT and codecs are
  // one-time costs, not memory that grows with the upload, and the raw variant's node:http is
  // loaded before its window too.
  const small = `${file}.warmup.csv`;
  const head = Buffer.alloc(2 * 1024 * 1024);
  const fd = openSync(file, 'r');
  const got = readSync(fd, head, 0, head.byteLength, 0);
  closeSync(fd);
  writeFileSync(small, head.subarray(0, head.lastIndexOf(10, got - 1) + 1));
  await run(small);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  resetPeak();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(file);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'result', ms, cpuMs: (cpu.user + cpu.system) / 1000, growth: peak() - before });
  setTimeout(() => process.exit(0), 50);
}

async function main(): Promise<void> {
  console.log('machine', machine());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'p1rx-up-'));
  const server = forkTs(path.join(__dirname, 'lib/fileServer.ts'), []);
  let failed = false;
  try {
    const file = path.join(tmp, 'big.csv');
    const block = csvBlock(16 * MiB, 7);
    const fd = openSync(file, 'w');
    writeSync(fd, block);
    const rest = block.subarray(block.indexOf(10) + 1); // no second header
    for (let size = block.byteLength; size < UPLOAD_MB * MiB; size += rest.byteLength) writeSync(fd, rest);
    closeSync(fd);
    const size = statSync(file).size;
    const { url } = await waitFor<{ url: string }>(server, 'ready');
    const results: Record<Variant, Array<{ ms: number; cpuMs: number; growth: number }>> = { 'raw-http': [], library: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const variant of ['raw-http', 'library'] as Variant[]) {
        const child = forkTs(__filename, ['--worker', variant, url, file]);
        const r = await waitFor<{ ms: number; cpuMs: number; growth: number }>(child, 'result');
        await new Promise((res) => child.once('exit', res));
        results[variant].push(r);
        console.log(`${variant} run ${i + 1}: ${r.ms.toFixed(0)} ms`);
      }
    }
    const best = (v: Variant) => results[v].reduce((a, b) => (b.ms < a.ms ? b : a));
    const mbps = (v: Variant) => size / MiB / (best(v).ms / 1000);
    const growth = (v: Variant) => Math.max(...results[v].map((r) => r.growth)) / MiB;
    report(
      'upload',
      (['raw-http', 'library'] as Variant[]).map((v) => ({
        variant: v,
        'best ms': round(best(v).ms, 0),
        'MiB/s': round(mbps(v), 1),
        'vs raw-http': round(mbps(v) / mbps('raw-http'), 2),
        'CPU ms': round(best(v).cpuMs, 0),
        'peak RSS growth MiB': round(growth(v), 1),
      })),
      {
        setup: `${(size / MiB).toFixed(0)} MiB CSV from a temp file to a draining node:http sink in its own process; best of ${RUNS}`,
        targets: { 'library peak RSS growth < 64 MiB': verdict(growth('library') < 64) },
      },
    );
  } catch (err) {
    console.error(err);
    failed = true;
  } finally {
    server.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3] as Variant, process.argv[4], process.argv[5]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  void main();
}
