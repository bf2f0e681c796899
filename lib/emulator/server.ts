/** Starts the emulator's HTTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KeyStore } from './auth';
import type { EmulatorContext } from './context';
import { loadDataset } from './dataset';
import { createDeployments } from './deployments';
import { FaultInjector, oneShotFault } from './faultInjector';
import { validateFaultPlan } from './faultPlan';
import { FaultScript } from './faults';
import { createHandler } from './handler';
import { JobStore, type Job } from './jobs';
import { resolveOptions } from './options';
import { RequestLog } from './requestLog';
import { loadForestLibrary } from './training/forest';
import { collectStats, RequestCounters } from './stats';
import { ROUTES } from './routes/table';
import { EmulatorStore } from './store';
import { UrlSigner } from './signing';
import { onClientError } from './storageBody';
import { TimerSet } from './timers';
import { buildResultZip } from './training/resultZip';
import { runTraining } from './training/train';
import type { Emulator, EmulatorOptions } from './types';

// How long waitForRequest/waitForAbort wait by default: a guard against a test that would hang,
// not a speed requirement, so generous: a loaded CI machine can take seconds to send a request.
const DEFAULT_WAIT_MS = 30_000;

/**
 * Starts a local emulator of the Prediction One developer API on `node:http` and resolves once
 * it listens. It speaks the contract in `PREDICTION_ONE_API.md`: API keys, pre-signed single-use
 * uploads, column statistics, config validation, real random-forest training with a result zip,
 * model and data set listing, and the documented error bodies. It also records every request
 * and can script faults and delays, so client tests can assert on the server side.
 *
 * **Errors**: rejects when the port cannot be bound, with a `RangeError` for invalid options, or with
 * an `Error` naming ml-random-forest when that optional peer dependency is not installed.
 *
 * **Cancellation**: `close()` stops listening, destroys open sockets, clears every timer and
 * stops training in flight; it leaves no open handles.
 *
 * ## Example
 * ```ts
 * import { startEmulator } from 'prediction-one-rx/emulator';
 *
 * const emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: ['k'] });
 * const res = await fetch(`${emulator.url}/v1/external/models`, { headers: { 'x-api-key': 'k' } });
 * console.log(await res.json()); // { models: [], metadata: { offset: 0, limit: 30, total: 0 } }
 * await emulator.close();
 * ```
 * @param options - see {@link EmulatorOptions}
 * @returns the running {@link Emulator}
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const opts = resolveOptions(options);
  // Fail here, naming the package to install, rather than with every training.
  await loadForestLibrary();
  const writeLine = (line: string): void => opts.log?.(line);
  const timers = new TimerSet();
  const log = new RequestLog();
  const faults = new FaultScript();
  const routeKeys = ROUTES.map((r) => r.key);
  validateFaultPlan(opts.faults, routeKeys);
  // A copy: the caller's plan may change after start without changing this emulator.
  const injector = new FaultInjector({ seed: opts.faults.seed, rules: opts.faults.rules.map((r) => ({ ...r })) }, opts.seed);
  const counters = new RequestCounters();
  const store = new EmulatorStore(new UrlSigner(opts.now, opts.presignedUrlTtlMs), opts.syntheticDataSets);
  const keys = new KeyStore(opts.secretKeys, opts.apiKeys, opts.apiKeysByType, opts.apiKeyTtlMs, opts.now);
  const stopTraining = new AbortController();

  const train = async (job: Job): Promise<string> => {
    const dataset = loadDataset(store.session(job.externalProcessId).files, job.externalProcessId);
    const started = Date.now();
    const outcome = await runTraining(dataset, job.config, opts.seed, stopTraining.signal, opts.trainingTrees);
    const metrics = outcome.metrics.map(([name, value]) => `${name}=${value.toFixed(4)}`).join(' ');
    writeLine(`trained model ${job.modelId} (${outcome.scheme}) in ${Date.now() - started} ms: ${metrics}`);
    return store.putObject('result', 'result.zip', 'application/zip', buildResultZip(outcome.files));
  };
  const jobs = new JobStore({ timers, manual: opts.manual, delayMs: opts.trainingDelayMs, train, log: writeLine });
  const deployments = createDeployments({ store, jobs, timers, options: opts, signal: stopTraining.signal, log: writeLine });
  const ctx: EmulatorContext = { options: opts, store, keys, jobs, deployments };

  const server = createServer(createHandler({ routes: ROUTES, ctx, log, faults, injector, counters, timers, writeLine }));
  // An upload whose body ends short of its Content-Length is answered S3's IncompleteBody.
  server.on('clientError', onClientError);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, opts.port, opts.host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(opts.host)}:${port}`;
  store.baseUrl = url;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopTraining.abort();
      timers.clearAll();
      faults.clear();
      log.rejectAll('The emulator was closed.');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
      await jobs.settle();
      await deployments.settle();
      // Training that settled after clearAll may not schedule anything, but be sure.
      timers.clearAll();
    })();
    return closing;
  };

  return {
    url,
    get secretKeys() {
      return keys.secretKeys;
    },
    get apiKeys() {
      return keys.apiKeyList;
    },
    get requests() {
      return log.requests;
    },
    count: (route) => log.count(route),
    expectOne: (route) => log.expectOne(route),
    waitForRequest: (route, o) => log.waitForRequest(route, o?.timeoutMs ?? DEFAULT_WAIT_MS),
    waitForAbort: (route, o) => log.waitForAbort(route, o?.timeoutMs ?? DEFAULT_WAIT_MS),
    delayNext: (route, ms) => faults.delayNext(route, ms),
    failNext: (route, status, body, o) => faults.failNext(route, { status, body, retryAfterS: o?.retryAfterS }),
    injectNext: (route, kind, settings) => faults.injectNext(route, oneShotFault(route, kind, settings ?? {}, routeKeys)),
    stats: () => collectStats(counters, injector, jobs, store),
    advance: (id, status) => jobs.advance(id, status),
    job: (id) => {
      const job = jobs.get(id);
      return job === undefined ? undefined : { status: job.status, modelsCreated: job.modelsCreated };
    },
    clearLog: () => log.clear(),
    deleteUser: () => {
      keys.userDeleted = true;
    },
    restoreUser: () => {
      keys.userDeleted = false;
    },
    issueApiKey: (type, modelId) => keys.issue(type, modelId),
    ...deployments.controls,
    close,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Host part of the base URL: wildcard binds are reached on loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
