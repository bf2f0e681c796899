/** Example: an event processor that trains one model per NDJSON request read from stdin. */
/**
 * An event processor: reads training requests as newline-delimited JSON on stdin, trains at
 * most `--concurrency` at a time (stdin is not read further while the limit is reached),
 * writes each result to `<out>/<key>/`, and only then acknowledges the request with a JSON line
 * on stdout. Failures are reported as JSON lines too; the process goes on.
 *
 *   npx tsx docs/examples/run-ndjson-trainer.ts --base-url http://127.0.0.1:8080 --api-key KEY --out results < jobs.ndjson
 *
 * This module only exports `runTrainer`, with no side effect on import; the command is the tiny
 * entry `run-ndjson-trainer.ts` beside it. So the example needs neither `require.main` (missing
 * under ESM) nor `import.meta` (missing under CommonJS): it runs as either.
 *
 * One request per line:
 *   {"key":"weather","csv":"data/seattle-weather.csv","target":"weather","type":"multi_classification"}
 */
import path from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import type { TrainingConfig } from 'prediction-one-rx';
import { trainingConfigIssues } from 'prediction-one-rx/data';
import { trainEachFrom$, type KeyedTrainingJob } from 'prediction-one-rx/engine';
import { createNodeClient, fileSource, ndjsonLines, writeResult } from 'prediction-one-rx/node';

interface Request {
  key: string;
  csv: string;
  target: string;
  type: TrainingConfig['tt'];
  positive?: string;
  cv?: number;
}

function toJob(value: unknown, baseDir: string): KeyedTrainingJob {
  const r = value as Partial<Request>;
  if (typeof r?.key !== 'string' || typeof r.csv !== 'string') throw new Error(`request needs "key" and "csv": ${JSON.stringify(value)}`);
  const config = { tt: r.type, tc: r.target, tv: r.positive, cv: r.cv } as TrainingConfig;
  const issues = trainingConfigIssues(JSON.parse(JSON.stringify(config)));
  if (issues.length > 0) throw new Error(`request ${r.key}: ${issues.join('; ')}`);
  return { key: r.key, name: r.key, config, data: { train: fileSource(path.resolve(baseDir, r.csv)) } };
}

/**
 * Reads jobs lazily so trainEachFrom$'s pull pace is the pace at which stdin is read. Once
 * `stop` fires it returns without waiting for another line: trainEachFrom$ then completes when
 * the jobs in flight are done (the graceful drain).
 */
async function* jobsFrom(
  input: AsyncIterable<Uint8Array | string>,
  baseDir: string,
  onBad: (e: Error) => void,
  stop?: AbortSignal,
): AsyncGenerator<KeyedTrainingJob> {
  const lines = ndjsonLines(input)[Symbol.asyncIterator]();
  const stopped = new Promise<'stop'>((resolve) => {
    if (stop?.aborted) resolve('stop');
    stop?.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  for (;;) {
    const next = await Promise.race([lines.next(), stopped]);
    if (next === 'stop' || next.done) return;
    try {
      yield toJob(next.value, baseDir);
    } catch (err) {
      onBad(err as Error);
    }
  }
}

export interface TrainerOptions {
  baseUrl: string;
  apiKey: string;
  out: string;
  concurrency: number;
  baseDir?: string;
  /**
   * Graceful drain: once aborted, no further request is read; the jobs in flight finish (their
   * results are written and acknowledged) and `runTrainer` resolves. Requests not read stay in
   * the source, for the next run.
   */
  stop?: AbortSignal;
}

/** Runs the processor over `input`, writing JSON lines to `output`; resolves with the failure count. */
export async function runTrainer(input: AsyncIterable<Uint8Array | string>, output: NodeJS.WritableStream, options: TrainerOptions): Promise<number> {
  const client = createNodeClient({ baseUrl: options.baseUrl, apiKey: options.apiKey });
  const say = (line: object) => output.write(`${JSON.stringify(line)}\n`);
  let failures = 0;
  const jobs = jobsFrom(
    input,
    options.baseDir ?? process.cwd(),
    (err) => {
      failures++;
      say({ rejected: err.message });
    },
    options.stop,
  );
  await lastValueFrom(
    trainEachFrom$(client, jobs, {
      concurrency: options.concurrency,
      // Inside the job's slot: the acknowledgement follows the write, never precedes it.
      onResult: async (result, job) => {
        const dir = path.join(options.out, String(job.key));
        await writeResult(result, dir);
        say({ ack: job.key, dir, metrics: result.metrics });
      },
    }).pipe(
      tap((e) => {
        if (e.type === 'failed') {
          failures++;
          say({ failed: e.key, error: `${e.error.name}: ${e.error.message}` });
        }
      }),
    ),
    { defaultValue: undefined },
  );
  return failures;
}
