/** The health and metrics endpoints of p1rx worker --health-port. */
/**
 * `p1rx worker --health-port`: `/healthz`, `/readyz` and `/metrics` (Prometheus text, via
 * prom-client, an optional peer loaded only when the flag is given).
 *
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivationEnd, ActivationObserver } from 'prediction-one-rx/bullmq';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/** Why a worker is not ready, or undefined when it is. @internal */
type Phase = 'starting' | 'running' | 'draining';

/** The worker's health endpoint. @internal */
export interface WorkerHealth {
  /** `host:port` the endpoint listens on. */
  readonly address: string;
  /** Hooks for {@link ActivationObserver}: jobs processed, active, polls. */
  readonly observe: ActivationObserver;
  setPhase(phase: Phase): void;
  /** The credentials check's verdict (`ok` once one request was answered with them). */
  setCredentials(state: 'ok' | 'unchecked'): void;
  close(): Promise<void>;
}

/** Options of {@link startWorkerHealth}. @internal */
export interface WorkerHealthOptions {
  readonly host: string;
  readonly port: number;
  readonly redisUrl: string;
  /** Checks the credentials again while they are unchecked (at most one check at a time). */
  readonly recheckCredentials: () => Promise<boolean>;
  /** Bound on one Redis PING. Default 1000 ms. */
  readonly pingTimeoutMs?: number;
}

/**
 * Starts the health server, or throws a one-line error (prom-client missing, port taken).
 *
 * @internal
 */
export async function startWorkerHealth(options: WorkerHealthOptions): Promise<WorkerHealth> {
  let prom: typeof import('prom-client');
  try {
    prom = await import('prom-client');
  } catch {
    throw new Error('--health-port needs prom-client: npm install prom-client@15');
  }
  const { Redis } = await import('ioredis');
  const pingTimeoutMs = options.pingTimeoutMs ?? LIBRARY_DEFAULTS.fleet.pingTimeoutMs;
  // Its own connection: no offline queue (a PING while Redis is down fails at once), and a
  // reconnect every half second so readiness comes back soon after Redis does.
  const redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 500, connectTimeout: pingTimeoutMs });
  redis.on('error', () => undefined);
  const ping = async (): Promise<boolean> => {
    if (redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        redis.ping().then((r) => r === 'PONG'),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), pingTimeoutMs);
        }),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  let phase: Phase = 'starting';
  let credentials: 'ok' | 'unchecked' = 'unchecked';
  let rechecking: Promise<void> | undefined;

  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });
  const processed = new prom.Counter({
    name: 'p1rx_worker_jobs_processed_total',
    help: 'Activations of training jobs ended, by outcome (completed, parked until the next poll, error)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['completed', 'parked', 'error'] as const) processed.inc({ outcome }, 0);
  const active = new prom.Gauge({ name: 'p1rx_worker_jobs_active', help: 'Activations of training jobs running in this process', registers: [registry] });
  const polls = new prom.Counter({ name: 'p1rx_worker_polls_total', help: 'Training status polls made by this process', registers: [registry] });
  new prom.Gauge({
    name: 'p1rx_worker_redis_up',
    help: '1 when Redis answered PING (within the ping bound) at scrape time',
    registers: [registry],
    async collect() {
      this.set((await ping()) ? 1 : 0);
    },
  });
  new prom.Gauge({
    name: 'p1rx_worker_ready',
    help: '1 when the worker takes jobs and its credentials were checked',
    registers: [registry],
    collect() {
      this.set(phase === 'running' && credentials === 'ok' ? 1 : 0);
    },
  });

  const readiness = async (): Promise<string | undefined> => {
    if (phase === 'starting') return 'starting';
    if (phase === 'draining') return 'draining';
    if (!(await ping())) return 'redis unreachable';
    if (credentials !== 'ok') {
      rechecking ??= options
        .recheckCredentials()
        .then((ok) => {
          if (ok) credentials = 'ok';
        })
        .catch(() => undefined)
        .finally(() => {
          rechecking = undefined;
        });
      return 'credentials not checked';
    }
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (url === '/healthz') return send(200, 'application/json', `${JSON.stringify({ status: 'ok', phase })}\n`);
    if (url === '/readyz') {
      void readiness().then(
        (reason) =>
          reason === undefined
            ? send(200, 'application/json', '{"status":"ready"}\n')
            : send(503, 'application/json', `${JSON.stringify({ status: 'not ready', reason })}\n`),
        () => send(503, 'application/json', '{"status":"not ready","reason":"check failed"}\n'),
      );
      return;
    }
    if (url === '/metrics') {
      void registry.metrics().then(
        (text) => send(200, registry.contentType, text),
        () => send(500, 'text/plain', 'metrics failed\n'),
      );
      return;
    }
    send(404, 'text/plain', 'not found: /healthz, /readyz, /metrics\n');
  });
  // Probes answer quickly; a stuck client must not hold the socket.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    redis.disconnect();
    throw new Error(`--health-port: cannot listen on ${options.host}:${options.port} (${err.code ?? err.message})`);
  });
  const addr = server.address() as AddressInfo;

  return {
    address: `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    observe: {
      start: () => active.inc(),
      end: (a: ActivationEnd) => {
        active.dec();
        processed.inc({ outcome: a.outcome });
        if (a.polls > 0) polls.inc(a.polls);
      },
    },
    setPhase: (p) => {
      phase = p;
    },
    setCredentials: (c) => {
      credentials = c;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rechecking;
      redis.disconnect();
    },
  };
}
