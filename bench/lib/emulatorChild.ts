/** The emulator in its own process, driven by a benchmark over IPC. */
/**
 * The emulator in its own process, driven over IPC by a benchmark: `ready` with its URL, then
 * `count`, `clearLog`, `cpu`, `timeline` (route and arrival time of each request), `stats`,
 * `jobs` (the state of each id), `rss`, `advance` and `close` requests.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator } from 'prediction-one-rx/emulator';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}');
  const emulator = await startEmulator({ port: 0, ...options });
  const send = (m: unknown) => process.send?.(m);
  // Load figures for the benches: the event loop's delay and the open sockets (sampled).
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  let maxSockets = 0;
  setInterval(() => {
    maxSockets = Math.max(maxSockets, process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length);
  }, 100).unref();
  process.on('message', (msg: { id: number; cmd: string; route?: string; ids?: string[]; status?: string }) => {
    const reply = (value?: unknown) => send({ id: msg.id, value });
    const fail = (err: unknown) => send({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    switch (msg.cmd) {
      case 'count':
        return reply(emulator.count(msg.route ?? ''));
      case 'clearLog':
        // A new measurement starts: the load figures restart with the request log.
        emulator.clearLog();
        eld.reset();
        maxSockets = 0;
        return reply();
      case 'cpu': {
        const u = process.cpuUsage();
        return reply((u.user + u.system) / 1000);
      }
      case 'load':
        return reply({ eldMeanMs: eld.mean / 1e6, eldP99Ms: eld.percentile(99) / 1e6, maxSockets });
      case 'timeline':
        return reply(emulator.requests.map((r) => [r.route, r.startedAt]));
      case 'stats':
        return reply(emulator.stats());
      case 'jobs':
        return reply((msg.ids ?? []).map((id) => emulator.job(id) ?? null));
      case 'rss':
        return reply(process.memoryUsage().rss / 1024 / 1024);
      case 'advance':
        return void Promise.all((msg.ids ?? []).map((id) => emulator.advance(id, msg.status as 'running'))).then(() => reply(), fail);
      case 'close':
        return void emulator.close().then(() => {
          reply();
          process.exit(0);
        }, fail);
      default:
        return fail(new Error(`unknown command ${msg.cmd}`));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: emulator.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
