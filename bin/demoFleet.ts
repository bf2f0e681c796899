/** The fleet demo: Redis, the emulator, three workers and a queued batch on one machine. */
/**
 * A fleet on one machine: Redis (started here when `redis-server` is installed, or
 * REDIS_URL), the emulator, three `p1rx worker` processes, and `p1rx batch --queue` training
 * 50 models and showing the fleet's progress. Run with `npm run demo:fleet`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from 'prediction-one-rx/emulator';
import { INSTALL_HINT, redisServerPath, startRedisServer } from '../scripts/redisServer';

const root = path.resolve(__dirname, '..');
const cli = ['--import', 'tsx', path.join(root, 'lib/cli/main.ts')];
const env = { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') };

/** REDIS_URL when given, else a redis-server of our own (stopped at the end). */
async function startRedis(): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  if (redisServerPath() === undefined) {
    console.error(`demo:fleet needs Redis: set REDIS_URL, or ${INSTALL_HINT}`);
    process.exit(2);
  }
  return startRedisServer();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-demo-fleet-'));
  const redis = await startRedis();
  const emulator = await startEmulator({ trainingDelayMs: 3000, apiKeys: ['demo-key'] });
  console.log(`redis ${redis.url}, emulator ${emulator.url}, work folder ${dir}`);
  const workers: ChildProcess[] = [];
  try {
    const weather = readFileSync(path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'seattle-weather.csv'), 'utf8');
    writeFileSync(path.join(dir, 'weather.csv'), weather.split('\n').slice(0, 301).join('\n'));
    const jobs = Array.from({ length: 50 }, (_, i) => ({
      key: `city-${String(i + 1).padStart(2, '0')}`,
      csv: 'weather.csv',
      target: 'weather',
      type: 'multi_classification',
      cv: 1,
    }));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(jobs, null, 2));
    const service = { P1RX_BASE_URL: emulator.url, P1RX_API_KEY: 'demo-key' };
    for (let i = 0; i < 3; i++) {
      const w = spawn(
        process.execPath,
        [...cli, 'worker', '--queue', redis.url, '--out', path.join(dir, 'results'), '--concurrency', '8', '--poll-interval', '500'],
        {
          env: { ...env, ...service },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      w.stderr!.resume();
      workers.push(w);
    }
    console.log('three workers started; enqueueing 50 trainings and following the fleet:\n');
    const batch = spawn(
      process.execPath,
      [...cli, 'batch', path.join(dir, 'manifest.json'), '--queue', redis.url, '--out', path.join(dir, 'results'), '--poll-interval', '500', '-c', '8'],
      {
        env: { ...env, ...service },
        stdio: 'inherit',
      },
    );
    const code = await new Promise<number>((resolve) => batch.on('exit', (c) => resolve(c ?? 1)));
    const s = emulator.stats();
    console.log(
      `\nexit code ${code}; the emulator trained ${s.modelsCreated} models on ${s.uploadSessions} uploads (uploads trained twice: ${s.uploadsWithMultipleModels})`,
    );
  } finally {
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : (w.once('exit', resolve), w.kill('SIGTERM'))))));
    await emulator.close();
    await redis.stop?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
