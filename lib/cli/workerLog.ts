/** The log lines of p1rx worker, as text or JSON. */
/**
 * The worker's log lines: today's text (`p1rx worker <pid>: …`), or JSON lines (pino, an
 * optional peer loaded only for `--log-format json`) with the job's fields.
 *
 * @packageDocumentation
 */
import type { CliIo } from './batchIo';

/** The fields a job's log line carries. @internal */
export interface JobFields {
  readonly key?: string;
  readonly batchId?: string;
  readonly trainingId?: string;
  readonly stage?: string;
  readonly jobId?: string;
}

/** One logger for both formats. @internal */
export interface WorkerLog {
  info(msg: string, fields?: JobFields & Record<string, unknown>): void;
  warn(msg: string, fields?: JobFields & Record<string, unknown>): void;
  error(msg: string, fields?: JobFields & Record<string, unknown>): void;
}

/**
 * The worker's logger. Text: the message only, as before (`warning: ` / `error: ` prefixes are
 * the caller's). JSON: one object per line on stderr: `level`, `time`, `pid`, `msg` and the fields.
 *
 * @internal
 */
export async function createWorkerLog(format: 'text' | 'json', io: CliIo): Promise<WorkerLog> {
  if (format === 'text') {
    const say = (msg: string) => io.stderr.write(`p1rx worker ${process.pid}: ${msg}\n`);
    return { info: say, warn: say, error: say };
  }
  let pino: typeof import('pino');
  try {
    pino = (await import('pino')).default;
  } catch {
    throw new Error('--log-format json needs pino: npm install pino@9');
  }
  const logger = pino(
    { name: 'p1rx-worker', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => io.stderr.write(line) },
  );
  // Drop undefined fields; strip the text format's `warning: ` / `error: ` prefix (the level says it).
  const clean = (msg: string) => msg.replace(/^(warning|error): /, '');
  const fields = (f: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(f ?? {}).filter(([, v]) => v !== undefined));
  return {
    info: (msg, f) => logger.info(fields(f), clean(msg)),
    warn: (msg, f) => logger.warn(fields(f), clean(msg)),
    error: (msg, f) => logger.error(fields(f), clean(msg)),
  };
}
