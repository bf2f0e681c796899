/** Real p1rx worker processes, Redis and the emulator for the fleet specs. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freeLoopbackPort, startRedisServer, type RunningRedis } from '../../scripts/redisServer';
import { API_KEY } from '../helpers/emulator';
import { p1rxScript } from '../helpers/childBundles';

/**
 * Real `p1rx worker` processes for the fleet specs: `node` running the CLI bundled from lib/
 * (spec/helpers/childBundles.ts), so a SIGKILL hits the worker itself and a worker starts as fast
 * as the installed `p1rx`.
 */
const root = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the worker printed its ready line. */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function spawnWorker(args: readonly string[], baseUrl: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [p1rxScript(), 'worker', ...args], {
    cwd: root,
    env: { ...process.env, P1RX_BASE_URL: baseUrl, P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let onReady: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  child.stdout!.resume();
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (/ready on queue/.test(err)) onReady();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      onFail(new Error(`worker exited (${code ?? signal}) before it was ready:\n${err}`));
      resolve({ code, signal });
    }),
  );
  ready.catch(() => undefined);
  return { child, pid: child.pid!, ready, exited, stderr: () => err };
}

/** Stops workers: SIGTERM (drain), then waits for each to exit (SIGKILL after `graceMs`, reported). */
export async function stopWorkers(workers: readonly WorkerProcess[], graceMs = 15_000): Promise<string[]> {
  const stuck: string[] = [];
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      w.child.kill('SIGCONT');
      w.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          stuck.push(`worker ${w.pid} did not drain in ${graceMs} ms:\n${w.stderr()}`);
          w.child.kill('SIGKILL');
          resolve();
        }, graceMs);
      });
      await Promise.race([w.exited, killed]);
      clearTimeout(timer);
      await w.exited;
    }),
  );
  return stuck;
}

/** Polls `probe` (Redis or the emulator: state owned by other processes) until it answers. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The pid recorded in a claim's token (`<pid>:<process uuid>:<uuid>`). */
export async function claimHolder(redis: Redis, queueName: string, externalProcessId: string): Promise<number | undefined> {
  const token = await redis.get(`p1rx-fleet:${queueName}:claim:${externalProcessId}`);
  return token ? Number(token.split(':')[0]) : undefined;
}

/**
 * A redis-server on a given loopback port with persistence off: for the specs that kill Redis
 * and bring it back empty at the same address (scripts/redisServer.ts starts it).
 */
export function startRedisOn(port: number, extraArgs: readonly string[] = []): Promise<RunningRedis> {
  return startRedisServer({ port, extraArgs });
}

export { freeLoopbackPort };
