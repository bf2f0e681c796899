/** Example: the command line of the NDJSON event processor. */
/**
 * The command of the NDJSON event processor (see `ndjson-trainer.ts`): reads the options from
 * flags or `P1RX_*` variables and runs it on stdin/stdout. A separate entry file, so it runs the
 * same as an ES module and as CommonJS (`npx tsx`, or compiled by `tsc` either way).
 *
 *   npx tsx docs/examples/run-ndjson-trainer.ts --base-url http://127.0.0.1:8080 --api-key KEY --out results < jobs.ndjson
 *
 * SIGTERM or Ctrl-C drains: no further request is read, the ones in flight finish and are
 * acknowledged, then the process exits.
 *
 * Exit code: 0 when every request was acknowledged, 1 when some failed or were rejected, 2 when
 * the processor itself stopped (a line that is not JSON, a missing option).
 */
import { runTrainer } from './ndjson-trainer.js';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : (process.env[`P1RX_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback);
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function main(): Promise<number> {
  // SIGTERM / Ctrl-C: stop reading, let the trainings in flight finish and be acknowledged.
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  try {
    return await runTrainer(process.stdin, process.stdout, {
      baseUrl: arg('base-url'),
      apiKey: arg('api-key'),
      out: arg('out', 'results'),
      concurrency: Number(arg('concurrency', '4')),
      stop: stop.signal,
    });
  } finally {
    process.stdin.destroy(); // a read may still be pending after a drain
  }
}

main().then(
  (failures) => (process.exitCode = failures === 0 ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
