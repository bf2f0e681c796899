/** The p1rx emulator command. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FAULT_KINDS, parseFaultSpec, startEmulator, type FaultRule } from 'prediction-one-rx/emulator';
import { parseIntOption } from './options';

/** Collects repeated `--fault` specs, parsed at once so a bad one names itself. */
function collectFault(value: string, previous: FaultRule[]): FaultRule[] {
  try {
    return [...previous, parseFaultSpec(value)];
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

/** One line per fault rule, for the start-up banner. */
function describeFault(rule: FaultRule): string {
  const settings = [
    rule.status === undefined ? '' : ` status=${rule.status}`,
    rule.retryAfterS === undefined ? '' : ` retryAfter=${rule.retryAfterS}s`,
    rule.latencyMs === undefined ? '' : ` ms=${rule.latencyMs}`,
  ].join('');
  return `  ${rule.kind} ${rule.rate}${settings} on ${rule.route ?? 'every route'}\n`;
}

interface EmulatorCommandOptions {
  port: number;
  host: string;
  secretKey?: string[];
  apiKey?: string[];
  trainingDelay: number;
  maxUploadBytes?: number;
  fault: FaultRule[];
  faultSeed?: number;
  allowMultiRowInference?: boolean;
  allowMissingExtension?: boolean;
  allowCurlParamFile?: boolean;
  allowChunkedUploads?: boolean;
  presignedUrlTtl: number;
}

/**
 * `p1rx emulator`: runs the local emulator until Ctrl-C, printing its URL and keys.
 *
 * @internal
 */
export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description('run a local Prediction One emulator (127.0.0.1 by default)')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', parseIntOption('port'), 8080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--secret-key <key...>', 'secret keys accepted by Get API Key (default: one random key)')
    .option('--api-key <key...>', 'API keys accepted directly, on every train and deploy endpoint (issued keys have one type)')
    .option('--training-delay <ms>', 'how long a training stays waiting/running', parseIntOption('training-delay'), 2000)
    .option('--max-upload-bytes <n>', 'largest accepted upload', parseIntOption('max-upload-bytes'))
    .addOption(
      new Option(
        '--fault <spec>',
        `inject faults at random, repeatable: kind:rate[:name=value...][@ROUTE] with kind one of ${FAULT_KINDS.join(', ')}; ` +
          `names status, retryAfter (s), ms; e.g. 'error:0.05@GET /v1/external/models/results', 'rateLimit:0.02:retryAfter=1', 'latency:1:ms=200'`,
      )
        .argParser(collectFault)
        .default([] as FaultRule[], 'none'),
    )
    .option('--fault-seed <n>', 'seed of the fault decisions (same seed, same faults)', parseIntOption('fault-seed'))
    .option('--presigned-url-ttl <s>', 'lifetime of pre-signed storage URLs in seconds (X-Amz-Expires)', parseIntOption('presigned-url-ttl'), 3600)
    // Leniencies: each off by default, so the emulator is as strict as the service and S3 (docs/CONTRACT.md).
    .option('--allow-multi-row-inference', "leniency: accept inference requests with more than one data row (beyond the vendor's contract)")
    .option('--allow-missing-extension', 'leniency: take Train Data Upload without its documented extension parameter as extension=csv')
    .option('--allow-curl-param-file', "leniency: read a 'filename' parameter holding name=value lines as those parameters (the pages' curl examples)")
    .option('--allow-chunked-uploads', 'leniency: accept pre-signed PUTs sent chunked without Content-Length (S3 answers 501 NotImplemented)')
    .action(async (opts: EmulatorCommandOptions) => {
      const emulator = await startEmulator({
        port: opts.port,
        host: opts.host,
        secretKeys: opts.secretKey,
        apiKeys: opts.apiKey,
        trainingDelayMs: opts.trainingDelay,
        maxUploadBytes: opts.maxUploadBytes,
        faults: opts.fault.length > 0 ? { seed: opts.faultSeed, rules: opts.fault } : undefined,
        allowMultiRowInference: opts.allowMultiRowInference,
        allowMissingExtension: opts.allowMissingExtension,
        allowCurlParamFile: opts.allowCurlParamFile,
        allowChunkedUploads: opts.allowChunkedUploads,
        presignedUrlTtlMs: opts.presignedUrlTtl * 1000,
      });
      const lenient = (
        [
          ['--allow-multi-row-inference', opts.allowMultiRowInference],
          ['--allow-missing-extension', opts.allowMissingExtension],
          ['--allow-curl-param-file', opts.allowCurlParamFile],
          ['--allow-chunked-uploads', opts.allowChunkedUploads],
        ] as const
      )
        .filter(([, on]) => on === true)
        .map(([flag]) => flag);
      // The emulator's keys are local test keys, printed so a user can paste them.
      process.stdout.write(
        `Prediction One emulator listening on ${emulator.url}\n` +
          `secret keys: ${emulator.secretKeys.join(' ')}\n` +
          (emulator.apiKeys.length > 0 ? `api keys:    ${emulator.apiKeys.join(' ')}\n` : '') +
          (opts.fault.length > 0 ? `faults (seed ${opts.faultSeed ?? 'default'}):\n${opts.fault.map(describeFault).join('')}` : '') +
          `leniencies: ${lenient.length > 0 ? lenient.join(' ') : 'none (as strict as the service and S3)'}\n` +
          'Press Ctrl-C to stop.\n',
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await emulator.close();
    });
}
