/** p1rx worker --health-port: /healthz, /readyz and /metrics against a real Redis. */
import path from 'node:path';
import { startEmulator } from '../../lib/emulator';
import { API_KEY, SECRET_KEY, useEmulator } from '../helpers/emulator';
import { describeWithRedis } from '../helpers/redis';
import { jsonManifest, runCli, workDir } from '../cli/cliHarness';
import { freeLoopbackPort, spawnWorker, startRedisOn, stopWorkers, until, type WorkerProcess } from './fleetHarness';

/** `p1rx worker --health-port`: /healthz, /readyz, /metrics over HTTP on loopback; `--log-format json`. */

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses Prometheus' text exposition format (0.0.4), strictly: any other line throws. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?(?:[0-9.e+-]+|NaN|\+Inf|-Inf))(?: -?\d+)?$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const value = Number(m[3].replace('+Inf', 'Infinity').replace('-Inf', '-Infinity'));
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { samples, types };
}

async function get(base: string, p: string): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(`${base}${p}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

describeWithRedis('p1rx worker health endpoint and JSON logs', () => {
  const { emulator } = useEmulator({ trainingDelayMs: 20 });
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await stopWorkers(workers.splice(0), 5000);
  });
  const start = (args: readonly string[]) => {
    const w = spawnWorker([...args, '--health-port', '0'], emulator().url);
    workers.push(w);
    return w;
  };
  const healthBase = (w: WorkerProcess) => until('the health line', () => /health on (http:\/\/127\.0\.0\.1:\d+)/.exec(w.stderr())?.[1], 20_000);

  it('should be alive at once, ready only after Redis and the credentials answer, not ready while Redis is down, and ready again after', async () => {
    const port = await freeLoopbackPort();
    const w = start(['--queue', `redis://127.0.0.1:${port}`, '--queue-name', 'health', '--redis-retry-ms', '100']);
    const base = await healthBase(w);
    // No Redis yet: alive, not ready.
    expect((await get(base, '/healthz')).status).toBe(200);
    await until('a failed Redis attempt', () => /unreachable/.test(w.stderr()) || undefined, 20_000);
    const notYet = await get(base, '/readyz');
    expect(notYet.status).toBe(503);
    expect(JSON.parse(notYet.body)).toEqual({ status: 'not ready', reason: 'starting' });
    const credentialChecksBefore = emulator().stats().requests;
    let redis = await startRedisOn(port);
    try {
      await until('/readyz 200', async () => (await get(base, '/readyz')).status === 200 || undefined, 30_000);
      // Ready means: the worker passed Redis' checks and the credentials check, and took the queue.
      expect(w.stderr()).toMatch(/ready on queue health/);
      expect(emulator().stats().requests).toBeGreaterThan(credentialChecksBefore);

      // Redis goes away: /readyz says so (the process stays alive).
      await redis.stop();
      const down = await until(
        '/readyz 503 while Redis is down',
        async () => {
          const r = await get(base, '/readyz');
          return r.status === 503 ? r : undefined;
        },
        30_000,
      );
      expect(JSON.parse(down.body)).toEqual({ status: 'not ready', reason: 'redis unreachable' });
      expect((await get(base, '/healthz')).status).toBe(200);
      const metricsDown = parsePrometheus((await get(base, '/metrics')).body);
      expect(metricsDown.samples.find((s) => s.name === 'p1rx_worker_redis_up')?.value).toBe(0);

      // Redis comes back at the same address: ready again.
      redis = await startRedisOn(port);
      await until('/readyz 200 after Redis is back', async () => (await get(base, '/readyz')).status === 200 || undefined, 30_000);
    } finally {
      await stopWorkers(workers.splice(0), 10_000);
      await redis.stop();
    }
  });

  it('should not be ready while the credentials could not be checked, and be ready once the API answers', async () => {
    const redis = await startRedisOn(await freeLoopbackPort());
    const apiPort = await freeLoopbackPort();
    const w = spawnWorker(['--queue', redis.url, '--queue-name', 'creds', '--health-port', '0', '--request-timeout', '2000'], `http://127.0.0.1:${apiPort}`);
    workers.push(w);
    let api: Awaited<ReturnType<typeof startEmulator>> | undefined;
    try {
      const base = await healthBase(w);
      // Nothing listens at the API's address: the start's check has no verdict; the worker starts anyway.
      await w.ready;
      expect(w.stderr()).toMatch(/warning: could not check the credentials/);
      const r = await get(base, '/readyz');
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toEqual({ status: 'not ready', reason: 'credentials not checked' });
      api = await startEmulator({ port: apiPort, host: '127.0.0.1', trainingDelayMs: 0, apiKeys: [API_KEY], secretKeys: [SECRET_KEY] });
      await until('/readyz 200 once the API answers', async () => (await get(base, '/readyz')).status === 200 || undefined, 60_000);
    } finally {
      await stopWorkers(workers.splice(0), 10_000);
      await api?.close();
      await redis.stop();
    }
  });

  it('should count jobs in /metrics (Prometheus text) and write JSON log lines with key, batch id, training id and stage', async () => {
    const { dir, cleanup } = await workDir();
    const redis = await startRedisOn(await freeLoopbackPort());
    try {
      const manifest = await jsonManifest(dir, 2);
      const enqueued = await runCli([
        'batch',
        manifest,
        '--queue',
        redis.url,
        '--queue-name',
        'metrics',
        '-o',
        path.join(dir, 'out'),
        '--batch-id',
        'nightly',
        '--base-url',
        emulator().url,
        '--api-key',
        API_KEY,
        '--json',
        '--detach',
      ]);
      expect(enqueued.code).toBe(0);
      const w = start(['--queue', redis.url, '--queue-name', 'metrics', '--poll-interval', '20', '--log-format', 'json']);
      const base = await healthBase(w);
      await w.ready;
      await until('two jobs done', () => (w.stderr().match(/ done"/g)?.length ?? 0) >= 2 || undefined, 60_000);

      const res = await get(base, '/metrics');
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const { samples, types } = parsePrometheus(res.body);
      const value = (name: string, labels: Record<string, string> = {}) =>
        samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      expect(types.get('p1rx_worker_jobs_processed_total')).toBe('counter');
      expect(value('p1rx_worker_jobs_processed_total', { outcome: 'completed' })).toBe(2);
      expect(value('p1rx_worker_jobs_processed_total', { outcome: 'error' })).toBe(0);
      expect(types.get('p1rx_worker_jobs_active')).toBe('gauge');
      expect(value('p1rx_worker_jobs_active')).toBe(0);
      expect(value('p1rx_worker_polls_total')).toBeGreaterThanOrEqual(2);
      expect(value('p1rx_worker_redis_up')).toBe(1);
      expect(value('p1rx_worker_ready')).toBe(1);
      // prom-client's process metrics.
      expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');

      // Every line is one JSON object; the job lines carry the job's fields.
      const lines = w
        .stderr()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.every((l) => typeof l.level === 'string' && typeof l.msg === 'string' && l.pid === w.pid && typeof l.time === 'string')).toBe(true);
      expect(lines.some((l) => /^ready on queue metrics/.test(String(l.msg)))).toBe(true);
      const done = lines.filter((l) => / done$/.test(String(l.msg)));
      expect(done).toHaveLength(2);
      for (const d of done) {
        expect(d).toMatchObject({ level: 'info', batchId: 'nightly', stage: 'downloaded' });
        expect(typeof d.key).toBe('string');
        expect(d.trainingId).toEqual(expect.any(String));
      }
      expect(new Set(done.map((d) => d.key)).size).toBe(2);
      expect(w.stderr()).not.toContain(API_KEY);
    } finally {
      await stopWorkers(workers.splice(0), 10_000);
      await redis.stop();
      await cleanup();
    }
  });
});
