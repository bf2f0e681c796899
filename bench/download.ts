/** Benchmark: streaming a large result download and unzip through the library versus node:http and node:zlib. */
/**
 * Streaming result download: a ~200 MB (uncompressed) result zip, downloaded and unzipped
 * through the library vs by hand with node:http + node:zlib, each variant in its own process
 * (peak RSS is that process's own, from /proc/self/status VmHWM reset before the run).
 *
 * Variants:
 *   raw-zlib          node:http GET, entries (offsets known in advance) piped through
 *                     zlib.createInflateRaw into files: the baseline.
 *   library-dir       createNodeClient + downloadResultToDir$ (undici, NodeInflate, zlib.crc32).
 *   library-dir-fflate the same with the browser codecs (fflate inflate, JS CRC-32).
 *   library-dir-web   the same with the web codecs (WebInflate: DecompressionStream('deflate-raw'),
 *                     asynchronous; JS CRC-32): what createClient uses where the stream exists.
 *   library-memory    createNodeClient + downloadResult$ (every entry held in memory).
 *   inflate-only      zlib.inflateRawSync of the entries already in memory: the ceiling.
 * The server (file served by node:http) runs in its own process.
 *
 * Run: npm run bench:download  (env: RESULT_MB to change the size)
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { forkTs, machine, MiB, report, round, verdict, waitFor } from './lib/common';
import { writeBigZip, type ZipEntryInfo } from './lib/zipFile';

const RESULT_MB = Number(process.env.RESULT_MB ?? 200);
const RUNS = Number(process.env.RUNS ?? 2);
type Variant = 'raw-zlib' | 'library-dir' | 'library-dir-fflate' | 'library-dir-web' | 'library-memory' | 'inflate-only';

interface WorkerArgs {
  variant: Variant;
  url: string;
  zipFile: string;
  entries: ZipEntryInfo[];
  outDir: string;
}

function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
function peakRssBytes(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function rawZlib(args: WorkerArgs): Promise<void> {
  // Entries in archive order; bytes outside their data ranges (headers, directory) are skipped.
  const entries = [...args.entries].sort((a, b) => a.dataOffset - b.dataOffset);
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => get(args.url, resolve).on('error', reject));
  let offset = 0;
  let index = 0;
  let inflater: zlib.InflateRaw | undefined;
  const outputs: Promise<void>[] = [];
  const openEntry = (e: ZipEntryInfo) => {
    const out = createWriteStream(path.join(args.outDir, e.name.replace(/\//g, '_')));
    const inf = zlib.createInflateRaw();
    inf.pipe(out);
    outputs.push(new Promise((r, j) => out.on('close', r).on('error', j)));
    return inf;
  };
  for await (const chunk of res as AsyncIterable<Buffer>) {
    let pos = 0;
    while (pos < chunk.length && index < entries.length) {
      const e = entries[index];
      const end = e.dataOffset + e.compressedSize;
      const at = offset + pos;
      if (at < e.dataOffset) {
        pos += Math.min(chunk.length - pos, e.dataOffset - at);
        continue;
      }
      inflater ??= openEntry(e);
      const take = Math.min(chunk.length - pos, end - at);
      const current = inflater;
      const ok = current.write(chunk.subarray(pos, pos + take));
      pos += take;
      if (at + take === end) {
        current.end();
        inflater = undefined;
        index++;
      }
      if (!ok) {
        await new Promise<void>((r) => {
          const done = () => {
            current.off('drain', done).off('close', done);
            r();
          };
          current.on('drain', done).on('close', done);
        });
      }
    }
    offset += chunk.length;
  }
  await Promise.all(outputs);
}

async function worker(args: WorkerArgs): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const { of, lastValueFrom } = await import('rxjs');
  const lib = await import('prediction-one-rx');
  const node = await import('prediction-one-rx/node');
  let run: () => Promise<void>;
  let zipBytes: Buffer | undefined;
  switch (args.variant) {
    case 'raw-zlib':
      run = () => rawZlib(args);
      break;
    case 'library-dir':
    case 'library-dir-fflate':
    case 'library-dir-web': {
      // Named explicitly: an empty zipCodec now means the core default, which is WebInflate
      // where DecompressionStream('deflate-raw') exists (Node 20 included).
      const { UnzipInflate } = await import('fflate');
      const zipCodecs = { 'library-dir': undefined, 'library-dir-fflate': { inflate: UnzipInflate }, 'library-dir-web': node.webZipCodec };
      const zipCodec = zipCodecs[args.variant];
      if (args.variant === 'library-dir-web' && !node.WebInflate.native) throw new Error('no DecompressionStream("deflate-raw") here');
      const client = node.createNodeClient({ baseUrl: args.url, apiKey: 'unused-presigned-only', ...(zipCodec ? { zipCodec } : {}) });
      run = async () => {
        await lastValueFrom(of({ resultUrl: `${args.url}/result.zip` }).pipe(node.downloadResultToDir$(client, args.outDir)));
      };
      break;
    }
    case 'library-memory': {
      const client = node.createNodeClient({ baseUrl: args.url, apiKey: 'unused-presigned-only' });
      run = async () => {
        const result = await lastValueFrom(of({ resultUrl: `${args.url}/result.zip` }).pipe(lib.downloadResult$(client), lib.onlyResult()));
        if (Object.keys(result.files).length !== args.entries.length) throw new Error('missing entries');
      };
      break;
    }
    case 'inflate-only': {
      zipBytes = readFileSync(args.zipFile);
      run = async () => {
        for (const e of args.entries) {
          const out = zlib.inflateRawSync(zipBytes!.subarray(e.dataOffset, e.dataOffset + e.compressedSize));
          if (out.byteLength !== e.size) throw new Error('size mismatch');
        }
      };
      break;
    }
  }
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const rssBefore = process.memoryUsage().rss;
  const resetOk = resetPeakRss();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peak = peakRssBytes();
  if (args.variant !== 'inflate-only' && args.variant !== 'library-memory') {
    // Check what landed on disk: sizes (CRCs are checked by the library itself; raw is trusted).
    for (const e of args.entries) {
      const file = args.variant === 'raw-zlib' ? path.join(args.outDir, e.name.replace(/\//g, '_')) : path.join(args.outDir, e.name);
      if (statSync(file).size !== e.size) throw new Error(`${file}: wrong size`);
    }
  }
  process.send?.({ type: 'result', ms, cpuMs: (cpu.user + cpu.system) / 1000, rssBefore, peak, resetOk });
  setTimeout(() => process.exit(0), 50);
}

async function main(): Promise<void> {
  console.log('machine', machine());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'p1rx-dl-'));
  let failed = false;
  let server: ReturnType<typeof forkTs> | undefined;
  try {
    const zipFile = path.join(tmp, 'result.zip');
    const big = Math.round((RESULT_MB * MiB) / 2);
    const t = performance.now();
    const entries = writeBigZip(zipFile, [
      ['metrics.csv', 200],
      ['analysis_summary.csv', 300],
      ['scored/train.csv', big],
      ['scored/eval.csv', big],
    ]);
    const total = entries.reduce((n, e) => n + e.size, 0);
    const zipSize = statSync(zipFile).size;
    console.log(
      `zip: ${(total / MiB).toFixed(0)} MiB in ${entries.length} entries, ${(zipSize / MiB).toFixed(0)} MiB compressed, made in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    server = forkTs(path.join(__dirname, 'lib/fileServer.ts'), [zipFile]);
    const { url } = await waitFor<{ url: string }>(server, 'ready');

    const variants: Variant[] = ['inflate-only', 'raw-zlib', 'library-dir', 'library-dir-fflate', 'library-dir-web', 'library-memory'];
    const results: Record<string, Array<{ ms: number; cpuMs: number; rssBefore: number; peak: number; resetOk: boolean }>> = {};
    for (let runIndex = 0; runIndex < RUNS; runIndex++) {
      for (const variant of variants) {
        const outDir = mkdtempSync(path.join(tmp, `${variant}-`));
        const child = forkTs(__filename, ['--worker', JSON.stringify({ variant, url, zipFile, entries, outDir } satisfies WorkerArgs)]);
        const r = await waitFor<{ ms: number; cpuMs: number; rssBefore: number; peak: number; resetOk: boolean }>(child, 'result');
        await new Promise((res) => child.once('exit', res));
        rmSync(outDir, { recursive: true, force: true });
        (results[variant] ??= []).push(r);
        console.log(`${variant} run ${runIndex + 1}: ${r.ms.toFixed(0)} ms`);
      }
    }
    const best = (v: Variant) => results[v].reduce((a, b) => (b.ms < a.ms ? b : a));
    const mbps = (v: Variant) => total / MiB / (best(v).ms / 1000);
    const growth = (v: Variant) => Math.max(...results[v].map((r) => r.peak - r.rssBefore)) / MiB;
    const rows = variants.map((v) => ({
      variant: v,
      'best ms': round(best(v).ms, 0),
      'MiB/s (uncompressed)': round(mbps(v), 1),
      'vs raw-zlib': round(mbps(v) / mbps('raw-zlib'), 2),
      'CPU ms': round(best(v).cpuMs, 0),
      'peak RSS growth MiB': round(growth(v), 1),
    }));
    report('download', rows, {
      setup: `${(total / MiB).toFixed(0)} MiB result (${(zipSize / MiB).toFixed(0)} MiB zip, ${entries.length} entries) served by node:http in a separate process; each variant in its own process; best of ${RUNS}; peak RSS = VmHWM after reset (${results['raw-zlib'][0].resetOk ? 'reset ok' : 'reset unsupported: includes startup'}) minus RSS before`,
      targets: {
        'library-dir >= 0.7x raw zlib': verdict(mbps('library-dir') >= 0.7 * mbps('raw-zlib')),
        'library-dir peak RSS growth < 64 MiB': verdict(growth('library-dir') < 64),
      },
    });
  } catch (err) {
    console.error(err);
    failed = true;
  } finally {
    server?.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[2] === '--worker') {
  worker(JSON.parse(process.argv[3])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  void main();
}
