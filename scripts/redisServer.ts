/** Starts a real redis-server on loopback for the fleet specs and benchmarks. */
/**
 * A real `redis-server` (Debian's package) on 127.0.0.1 and a free port, with persistence off and
 * a temporary folder: the one way the fleet specs, `bench:fleet` and `demo:fleet` start Redis.
 * Repository tooling, not part of the package.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** How to get redis-server on this kind of machine. */
export const INSTALL_HINT = 'install it with: apt-get update && apt-get install -y redis-server';

/** The redis-server on PATH, or undefined. */
export function redisServerPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const p = found.stdout.trim();
  return found.status === 0 && p !== '' ? p : undefined;
}

/** A loopback port nothing listens on (for now). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A started redis-server. */
export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGKILL (a crash: nothing saved), wait for the exit; the folder stays for a restart. */
  kill(): Promise<void>;
  /** SIGTERM, wait for the exit, remove the temporary folder. */
  stop(): Promise<void>;
}

/** Where and how {@link startRedisServer} starts Redis. */
export interface RedisServerOptions {
  /** A given loopback port (a restart at the same address); default: a free one. */
  readonly port?: number;
  /** More redis-server arguments, after the defaults (so they override them). */
  readonly extraArgs?: readonly string[];
}

/** Starts redis-server on 127.0.0.1 (a free port unless given); resolves once it accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const bin = redisServerPath();
  if (!bin) throw new Error(`redis-server is not on PATH; ${INSTALL_HINT}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freeLoopbackPort());
    const child: ChildProcess = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--maxmemory-policy',
        'noeviction',
        ...(options.extraArgs ?? []),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    const ready = await new Promise<boolean>((resolve) => {
      const onData = (d: Buffer) => {
        log += d.toString();
        if (log.includes('Ready to accept connections')) resolve(true);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', () => resolve(false));
    });
    if (!ready) {
      // Another process can take the free port between our probe and redis-server's bind.
      if (options.port === undefined && attempt < 3 && /Address already in use/.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start:\n${log}`);
    }
    child.stdout!.resume();
    child.stderr!.resume();
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    const end = async (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    };
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid!,
      kill: () => end('SIGKILL'),
      async stop() {
        await end('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
