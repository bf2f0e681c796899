import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real `redis-server` (Debian's package) for the fleet specs: started on a free loopback port
 * with persistence off and a temporary folder, stopped after the tests. Never a mock.
 */
export const INSTALL_HINT = 'install it with: apt-get update && apt-get install -y redis-server';

export function redisServerPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const p = found.stdout.trim();
  return found.status === 0 && p !== '' ? p : undefined;
}

/**
 * `describe` when redis-server is installed. Without it the block is skipped with a visible
 * line saying how to install it, except under CI=true, where it fails.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerPath() !== undefined) return describe(name, body);
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs redis-server on PATH', () => {
        throw new Error(`redis-server is not on PATH (CI=true: the fleet specs must run); ${INSTALL_HINT}`);
      });
    });
    return;
  }
  process.stderr.write(`\n[fleet specs] SKIPPED "${name}": redis-server is not on PATH; ${INSTALL_HINT}\n`);
  describe.skip(name, body);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 and a free port; resolves once it accepts connections. */
export async function startRedis(): Promise<RunningRedis> {
  const bin = redisServerPath();
  if (!bin) throw new Error(`redis-server is not on PATH; ${INSTALL_HINT}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--maxmemory-policy', 'noeviction'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      if (attempt < 3 && /Address already in use/.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start:\n${log}`);
    }
    child.stdout!.resume();
    child.stderr!.resume();
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid!,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** Starts one redis-server for the enclosing describe. */
export function useRedis(): () => RunningRedis {
  let redis: RunningRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => {
    if (!redis) throw new Error('redis not started');
    return redis;
  };
}
