/** Shared helpers of the benchmarks: machine facts, the emulator child, statistics and result tables. */
/**
 * Shared helpers of the benchmarks: machine facts, the emulator in a child process, stats,
 * result tables and files. Plain Node, loopback only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCH_DIR = path.resolve(__dirname, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** CPU model, cores, RAM and Node version: printed with every result. */
export function machine(): Record<string, string | number> {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Forks a TypeScript module with tsx, with `--expose-gc` so workers can measure settled memory. */
export function forkTs(modulePath: string, args: string[] = [], extraExecArgv: string[] = []): ChildProcess {
  return fork(modulePath, args, {
    // BENCH_CHILD_NODE_ARGS adds node flags to every child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean), ...extraExecArgv],
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `msg` and resolves with the first reply carrying the same `id`. */
let nextId = 1;
export function ask<T = unknown>(child: ChildProcess, msg: Record<string, unknown>): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { id?: number; error?: string; value?: T }) => {
      if (reply?.id !== id) return;
      child.off('message', onMessage);
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply.value as T);
    };
    child.on('message', onMessage);
    child.send({ ...msg, id });
  });
}

/** Resolves with the first message of `type` from `child` (rejects if it exits first). */
export function waitFor<T = Record<string, unknown>>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== type) return;
      cleanup();
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited with ${code} before sending '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export interface EmulatorHandle {
  url: string;
  apiKey: string;
  child: ChildProcess;
  count(route: string): Promise<number>;
  clearLog(): Promise<void>;
  cpuMs(): Promise<number>;
  rssMiB(): Promise<number>;
  advance(ids: string[], status: string): Promise<void>;
  close(): Promise<void>;
}

export const BENCH_API_KEY = 'bench-api-key-0123456789';

/** Starts `lib/emulator` in its own process (so the client's CPU and memory are its own). */
export async function forkEmulator(options: Record<string, unknown>): Promise<EmulatorHandle> {
  const child = forkTs(path.join(__dirname, 'emulatorChild.ts'), [JSON.stringify({ apiKeys: [BENCH_API_KEY], ...options })]);
  const ready = await waitFor<{ url: string }>(child, 'ready');
  return {
    url: ready.url,
    apiKey: BENCH_API_KEY,
    child,
    count: (route) => ask<number>(child, { cmd: 'count', route }),
    clearLog: () => ask<void>(child, { cmd: 'clearLog' }),
    cpuMs: () => ask<number>(child, { cmd: 'cpu' }),
    rssMiB: () => ask<number>(child, { cmd: 'rss' }),
    advance: (ids, status) => ask<void>(child, { cmd: 'advance', ids, status }),
    close: async () => {
      await ask(child, { cmd: 'close' }).catch(() => undefined);
      child.kill();
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const MiB = 1024 * 1024;
export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Prints rows as a table and writes `{ machine, ...extra, rows }` to bench/results/<name>.json. */
export function report(name: string, rows: Record<string, unknown>[], extra: Record<string, unknown> = {}): void {
  console.log(`\n== ${name} ==`);
  console.table(rows);
  for (const [k, v] of Object.entries(extra)) console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), ...extra, rows }, null, 2));
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

/** `ok` when the target holds, else `MISS`: misses are recorded, they do not fail the run. */
export const verdict = (ok: boolean): string => (ok ? 'hit' : 'MISS');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` with at most `limit` in flight. */
export async function withConcurrency<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
