/** The demo: trains a model on Seattle's weather against an in-process emulator and prints the result. */
/**
 * The main job: start the emulator in-process, train a multi-class model on Seattle's
 * weather (predict `weather` from the day's measurements), stream its status live, and print
 * the metrics of the real model the emulator trained. Run with `npm run demo`.
 */
import path from 'node:path';
import { AbortError, trainModel } from 'prediction-one-rx';
import { batchReport, createNodeClient, fileSource, writeResult } from 'prediction-one-rx/node';
import { startEmulator } from 'prediction-one-rx/emulator';
import { describeEvent, metricsTable, table } from '../lib/cli/format';

async function main(): Promise<void> {
  const csv = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'seattle-weather.csv');
  const outDir = path.resolve(process.argv[2] ?? 'out');
  const emulator = await startEmulator({ trainingDelayMs: 2000 });
  console.log(`emulator listening on ${emulator.url}`);
  try {
    // A secret key, as a real user has: the client exchanges it for an API key by itself.
    const client = createNodeClient({
      baseUrl: emulator.url,
      secretKey: emulator.secretKeys[0],
      poll: { minDelayMs: 250, maxDelayMs: 2000 },
    });
    const started = Date.now();
    // Ctrl-C aborts: the request in flight is cancelled and the promise rejects with AbortError.
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    // The Promise form (no RxJS needed): progress arrives through onEvent.
    const result = await trainModel(
      client,
      { data: { train: fileSource(csv) }, name: 'seattle-weather', config: { tt: 'multi_classification', tc: 'weather', cv: 5 } },
      {
        signal: controller.signal,
        onEvent: (event) => {
          const line = describeEvent(event);
          if (line) console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
        },
      },
    );
    console.log(`\nMetrics (5-fold cross-validation on ${path.basename(csv)}):\n${metricsTable(result.metrics)}`);
    console.log(
      `\nColumn contributions:\n${table(
        ['column', 'contribution'],
        result.contributions.map((c) => [c.column, c.contribution]),
      )}`,
    );
    const written = await writeResult(result, outDir);
    console.log(`\nWrote ${written.length} files to ${outDir}`);
    console.log(`Report: ${await batchReport(outDir)}`);
  } finally {
    await emulator.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof AbortError) console.error('\ninterrupted (the emulator stopped with the demo)');
  else console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exitCode = 1;
});
