/** A worker checks its credentials and Redis before it says ready. */
import { describeWithRedis, useRedis } from '../helpers/redis';
import { useEmulator } from '../helpers/emulator';
import { jsonManifest, runCli, workDir } from '../cli/cliHarness';
import { freeLoopbackPort, spawnWorker, startRedisOn, stopWorkers, until, type WorkerProcess } from './fleetHarness';

/** What a `p1rx worker` checks before it says ready, and how Redis outages read. */
describeWithRedis('p1rx worker start and Redis outages', () => {
  const redis = useRedis();
  const { emulator } = useEmulator({ trainingDelayMs: 20 });
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await stopWorkers(workers.splice(0), 5000);
  });
  const start = (args: readonly string[], env: Record<string, string> = {}) => {
    const w = spawnWorker(args, emulator().url, env);
    workers.push(w);
    return w;
  };

  it('should refuse to start with credentials the API refuses, naming the fix, never saying ready', async () => {
    const w = start(['--queue', redis().url, '--queue-name', 'badkey'], { P1RX_API_KEY: 'wrong-key-0123456789' });
    const { code } = await w.exited;
    expect(code).toBe(1);
    expect(w.stderr()).toMatch(/refusing to start: the API refused the credentials \(HTTP 4\d\d[^)]*\): check --api-key/);
    expect(w.stderr()).not.toMatch(/ready on queue/);
    expect(w.stderr()).not.toContain('wrong-key-0123456789');
  });

  it('should warn, naming the fix, when Redis keeps nothing across a restart', async () => {
    const w = start(['--queue', redis().url, '--queue-name', 'warn']);
    await w.ready;
    expect(w.stderr()).toMatch(/warning: Redis keeps no data across a restart .*fix: CONFIG SET appendonly yes/);
  });

  it('should refuse an evicting Redis (maxmemory set, maxmemory-policy not noeviction)', async () => {
    const evicting = await startRedisOn(await freeLoopbackPort(), ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lru']);
    try {
      const w = start(['--queue', evicting.url, '--queue-name', 'evict']);
      const { code } = await w.exited;
      expect(code).toBe(1);
      expect(w.stderr()).toMatch(/refusing to start: Redis's maxmemory-policy is allkeys-lru.*fix: CONFIG SET maxmemory-policy noeviction/);
    } finally {
      await evicting.stop();
    }
  });

  it('should keep trying an unreachable Redis, one line per attempt, and get ready once it is there', async () => {
    const port = await freeLoopbackPort();
    const w = start(['--queue', `redis://:secret-pass@127.0.0.1:${port}`, '--queue-name', 'later', '--redis-retry-ms', '100']);
    await until('three attempts', () => (w.stderr().match(/unreachable/g)?.length ?? 0) >= 3 || undefined, 20_000);
    const late = await startRedisOn(port);
    try {
      await w.ready;
      const lines = w
        .stderr()
        .split('\n')
        .filter((l) => l !== '');
      const attempts = lines.filter((l) => /unreachable/.test(l));
      expect(attempts[0]).toMatch(
        new RegExp(`Redis at redis://127\\.0\\.0\\.1:${port} unreachable \\(connect ECONNREFUSED .*\\); retrying in 100 ms \\(attempt 1\\)`),
      );
      // One line per attempt, and nothing else but the start's own lines: no stack traces, no password.
      expect(attempts.map((l) => Number(/attempt (\d+)/.exec(l)![1]))).toEqual(attempts.map((_, i) => i + 1));
      expect(lines.every((l) => l.startsWith(`p1rx worker ${w.pid}: `))).toBe(true);
      expect(w.stderr()).not.toContain('secret-pass');
    } finally {
      await stopWorkers(workers.splice(0), 5000);
      await late.stop();
    }
  });

  it('should make the producer exit 1 within its bound when Redis cannot be reached, in one line', async () => {
    const { dir, cleanup } = await workDir();
    try {
      const manifest = await jsonManifest(dir, 1);
      const port = await freeLoopbackPort();
      const { code, io } = await runCli([
        'batch',
        manifest,
        '--queue',
        `redis://127.0.0.1:${port}`,
        '-o',
        `${dir}/out`,
        '--redis-timeout',
        '500',
        '--upload-from',
        'workers',
        '--base-url',
        emulator().url,
        '--api-key',
        'test-api-key-0123456789',
        '--json',
      ]);
      expect(code).toBe(1);
      expect(io.err()).toBe(
        `p1rx batch: Redis at redis://127.0.0.1:${port} unreachable for 500 ms (connect ECONNREFUSED 127.0.0.1:${port}): stopped; the fleet's trainings go on at the service: run the same command again once Redis is back\n`,
      );
    } finally {
      await cleanup();
    }
  });
});
