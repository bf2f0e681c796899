/** `p1rx worker --queue <redis-url>`. */
/**
 * `p1rx worker --queue <redis-url>`: one worker of a fleet (BullMQ on Redis).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, type Command } from 'commander';
import { AuthError } from 'prediction-one-rx';
import { createNodeClient } from 'prediction-one-rx/node';
import type { FleetJobData, TrainingWorker } from 'prediction-one-rx/bullmq';
import { USAGE_EXIT_CODE, exitWith, parseIntAtLeast, processIo, usageErrorsExit2, type CliIo } from './batchIo';
import { loadBullmq } from './fleetModules';
import type { ConnectionOptions } from './options';
import { withServiceFlags } from './serviceFlags';
import { startWorkerHealth, type WorkerHealth } from './workerHealth';
import { createWorkerLog, type WorkerLog } from './workerLog';

interface WorkerFlags extends ConnectionOptions {
  queue: string;
  queueName: string;
  out?: string;
  redisRetryMs: number;
  concurrency: number;
  pollInterval?: number;
  holdMs: number;
  lockMs?: number;
  stalledIntervalMs?: number;
  maxPerSecond?: number;
  requestTimeout?: number;
  claimTtlMs?: number;
  createQuietMs?: number;
  healthPort?: number;
  healthHost: string;
  logFormat: 'text' | 'json';
}

/**
 * `p1rx worker`.
 *
 * @internal
 */
export function registerWorker(program: Command, io: CliIo = processIo): void {
  const cmd = program
    .command('worker')
    .description('run one worker of a fleet: trains the jobs `p1rx batch --queue` enqueued (BullMQ on Redis)')
    .requiredOption('--queue <redis-url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', 'BullMQ queue name', 'p1rx')
    .option(
      '-o, --out <dir>',
      'only write results inside <dir>: a job whose output location (chosen by the producer) is elsewhere is refused (default: wherever the job says, if this worker can write it)',
    )
    .option('--redis-retry-ms <ms>', 'wait between attempts while Redis is unreachable at start', parseIntAtLeast('redis-retry-ms', 1), 2000)
    .option('-c, --concurrency <n>', 'trainings this process holds at once (a held training costs a timer, not Redis)', parseIntAtLeast('concurrency', 1), 5000)
    .option(
      '--hold-ms <ms>',
      'waits up to <ms> (polls, backoffs) are made in the slot, writing Redis only on stage changes; longer ones park the job in Redis (0: park after every step)',
      parseIntAtLeast('hold-ms', 0),
      60_000,
    )
    .option('--lock-ms <ms>', 'job lock, renewed for all held jobs in one call every <ms>/2 (default 16000)', parseIntAtLeast('lock-ms', 1))
    .option('--stalled-interval-ms <ms>', 'how often jobs of dead workers are looked for (default 8000)', parseIntAtLeast('stalled-interval-ms', 1))
    .option('--max-per-second <n>', 'API requests per second for the whole fleet (shared through Redis)', parseIntAtLeast('max-per-second', 1))
    .option('--request-timeout <ms>', 'per-request time limit (default 60 s)', parseIntAtLeast('request-timeout', 1))
    .option(
      '--health-port <port>',
      'serve /healthz, /readyz and /metrics (Prometheus) on this port (0: any free port, printed); needs prom-client',
      parseIntAtLeast('health-port', 0),
    )
    .option('--health-host <host>', 'address the health endpoint listens on', '127.0.0.1')
    .option(
      '--log-format <format>',
      'text, or json (one JSON object per line with key, batchId, trainingId, stage; needs pino)',
      (v: string) => {
        if (v !== 'text' && v !== 'json') throw new InvalidArgumentError('give text or json');
        return v;
      },
      'text',
    )
    .option('--claim-ttl-ms <ms>', 'lifetime of a Create Model claim (default: max(lock, 2 x request timeout))', parseIntAtLeast('claim-ttl-ms', 1))
    .option(
      '--create-quiet-ms <ms>',
      'after Create Model was sent for an upload, no worker sends it again for <ms>, even if the service does not know the training yet (default 120000; keep it above the request timeout)',
      parseIntAtLeast('create-quiet-ms', 1),
    )
    .addHelpText(
      'after',
      `
SIGTERM (or Ctrl-C) drains: no new jobs; running steps finish; held jobs are parked, and parked
jobs wait in Redis for any worker. A worker killed outright (kill -9) loses nothing: its jobs
are picked up by the others once their lock expires (within lock + stalled interval, about 25 s
by default), from the stage recorded in Redis.

Before it says ready, a worker reaches Redis (retrying, one line per attempt), checks it
(maxmemory-policy noeviction required when maxmemory is set; a warning without persistence)
and checks its credentials with one request (exit 1 when the API refuses them; a warning
when the check itself fails, e.g. a timeout).`,
    );
  withServiceFlags(cmd, { pollInterval: 'default poll interval for jobs that carry none (default: 1 s doubling to 30 s)' });
  usageErrorsExit2(cmd).action(async (flags: WorkerFlags) => {
    const apiKey = flags.apiKey ?? process.env.P1RX_API_KEY;
    const secretKey = flags.secretKey ?? process.env.P1RX_SECRET_KEY;
    if (!apiKey && !secretKey) return cmd.error('error: give --api-key or --secret-key (or set P1RX_API_KEY / P1RX_SECRET_KEY)', { exitCode: USAGE_EXIT_CODE });
    const baseUrl = flags.baseUrl ?? process.env.P1RX_BASE_URL;
    if (!baseUrl)
      return cmd.error(
        "error: give --base-url (or set P1RX_BASE_URL): the emulator's URL, or https://developer-api.predictionone.sony.biz for the real service",
        { exitCode: USAGE_EXIT_CODE },
      );
    const bullmq = await loadBullmq(cmd);
    const client = createNodeClient({
      baseUrl,
      apiKey: apiKey || undefined,
      secretKey: secretKey || undefined,
      allowInsecureHttp: flags.allowInsecureHttp === true,
      ...(flags.requestTimeout === undefined ? {} : { requestTimeoutMs: flags.requestTimeout }),
      ...(flags.pollInterval === undefined ? {} : { poll: { minDelayMs: flags.pollInterval, maxDelayMs: flags.pollInterval } }),
    });
    let log: WorkerLog;
    try {
      log = await createWorkerLog(flags.logFormat, io);
    } catch (err) {
      return cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT_CODE });
    }
    const say = (line: string) =>
      line.startsWith('warning: ') ? log.warn(line) : line.startsWith('error: ') || line.startsWith('refusing') ? log.error(line) : log.info(line);
    const where = bullmq.redisWhere(flags.queue);

    // The health endpoint first: alive at once, ready only once Redis and the credentials answer.
    let health: WorkerHealth | undefined;
    if (flags.healthPort !== undefined) {
      try {
        health = await startWorkerHealth({
          host: flags.healthHost,
          port: flags.healthPort,
          redisUrl: flags.queue,
          recheckCredentials: () =>
            bullmq.checkCredentials(client).then(
              () => true,
              () => false,
            ),
        });
      } catch (err) {
        return cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT_CODE });
      }
      say(`health on http://${health.address} (/healthz, /readyz, /metrics)`);
    }
    try {
      await runWorker();
    } finally {
      await health?.close();
    }
    async function runWorker(): Promise<void> {
      // Redis first: one line per attempt while it cannot be reached (no ioredis stack traces).
      let stopped = false;
      const stopWaiting = io.onInterrupt(() => {
        stopped = true;
      });
      const onTermWhileWaiting = () => {
        stopped = true;
      };
      process.once('SIGTERM', onTermWhileWaiting);
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            const check = await bullmq.probeRedis(flags.queue);
            for (const w of check.warnings) say(`warning: ${w}`);
            if (check.errors.length > 0) {
              for (const e of check.errors) say(`refusing to start: ${e}`);
              throw exitWith(1);
            }
            break;
          } catch (err) {
            if ((err as { code?: unknown }).code === 'p1rx.exit') throw err;
            say(`Redis at ${where} unreachable (${bullmq.redisErrorLine(err)}); retrying in ${flags.redisRetryMs} ms (attempt ${attempt})`);
            const waited = Date.now();
            while (!stopped && Date.now() - waited < flags.redisRetryMs) await new Promise((r) => setTimeout(r, Math.min(100, flags.redisRetryMs)));
            if (stopped) {
              say('stopped before Redis was reached');
              throw exitWith(130);
            }
          }
        }
      } finally {
        stopWaiting();
        process.off('SIGTERM', onTermWhileWaiting);
      }

      // Then the credentials: a worker with a wrong key would take jobs and fail every one.
      try {
        await bullmq.checkCredentials(client);
        health?.setCredentials('ok');
      } catch (err) {
        if (err instanceof AuthError) {
          say(
            `refusing to start: the API refused the credentials (HTTP ${err.httpStatus}${err.apiMessage ? ` ${err.apiMessage}` : ''}): check --api-key / --secret-key (or P1RX_API_KEY / P1RX_SECRET_KEY)`,
          );
          throw exitWith(1);
        }
        // A slow or unreachable service proves nothing about the key: the jobs retry such errors.
        const e = err as Error;
        say(`warning: could not check the credentials (${e.name}: ${e.message.split('\n')[0]}); starting anyway`);
      }

      let running: TrainingWorker;
      try {
        running = bullmq.createTrainingWorker(client, {
          connection: flags.queue,
          queueName: flags.queueName,
          concurrency: flags.concurrency,
          ...(flags.out === undefined ? {} : { out: flags.out, outRoot: flags.out }),
          holdMs: flags.holdMs,
          ...(flags.lockMs === undefined ? {} : { lockDurationMs: flags.lockMs }),
          ...(flags.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: flags.stalledIntervalMs }),
          ...(health ? { observe: health.observe } : {}),
          fleet: {
            maxPerSecond: flags.maxPerSecond,
            ...(flags.claimTtlMs === undefined ? {} : { claimTtlMs: flags.claimTtlMs }),
            ...(flags.createQuietMs === undefined ? {} : { createQuietMs: flags.createQuietMs }),
            trace: process.env.P1RX_FLEET_TRACE === '1',
            ...(process.env.P1RX_FLEET_TRACE === '1'
              ? {
                  onWait: (w: { reason: string; ms: number; method: string; path: string }) =>
                    say(`waiting ${w.ms} ms at the fleet gate (${w.reason}) before ${w.method} ${w.path}`),
                }
              : {}),
            onBackoff: (w) => say(`429: the whole fleet waits ${w.until - w.openedAt} ms`),
            onClaimLost: (id) => say(`claim lost for upload ${id}: Create Model not sent (another worker owns the job now)`),
          },
        });
      } catch (err) {
        return cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT_CODE });
      }
      const { worker } = running;
      const jobFields = (data: FleetJobData, jobId: string | undefined) => ({
        key: data.key,
        batchId: data.batchId,
        trainingId: data.record?.externalProcessId,
        stage: data.record?.stage,
        jobId,
      });
      worker.on('completed', (job) => log.info(`${job.data.key} done`, jobFields(job.data, job.id)));
      worker.on('failed', (job, err) => {
        if (job && err.name !== 'DelayedError')
          (job.finishedOn ? log.error : log.warn)(`${job.data.key} ${job.finishedOn ? 'FAILED' : 'will retry'}: ${err.message}`, {
            ...jobFields(job.data, job.id),
            error: err.name,
          });
      });
      // One line per distinct problem (every connection of the worker reports the same outage).
      let lastError = '';
      let lastErrorAt = 0;
      worker.on('error', (err) => {
        const line = bullmq.redisErrorLine(err);
        if (line === lastError && Date.now() - lastErrorAt < 5000) return;
        lastError = line;
        lastErrorAt = Date.now();
        say(`error: ${line}`);
      });
      await worker.waitUntilReady();
      health?.setPhase('running');
      say(`ready on queue ${flags.queueName} (concurrency ${flags.concurrency})`);
      await new Promise<void>((resolve) => {
        let draining = false;
        const stop = io.onInterrupt(() => {
          if (draining) return io.exit(130);
          draining = true;
          health?.setPhase('draining');
          say('draining (running steps finish; held jobs are parked in Redis)');
          void running.close().then(resolve);
        });
        const onTerm = () => {
          if (draining) return;
          draining = true;
          health?.setPhase('draining');
          say('SIGTERM: draining (running steps finish; held jobs are parked in Redis)');
          void running.close().then(resolve);
        };
        process.once('SIGTERM', onTerm);
        worker.once('closed', () => {
          stop();
          process.off('SIGTERM', onTerm);
        });
      });
      say('stopped');
    }
  });
}
