import type { Command } from 'commander';
import { startEmulator } from 'prediction-one-rx/emulator';
import { parseIntOption } from './options';

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
    .option('--api-key <key...>', 'API keys accepted directly')
    .option('--training-delay <ms>', 'how long a training stays waiting/running', parseIntOption('training-delay'), 2000)
    .option('--max-upload-bytes <n>', 'largest accepted upload', parseIntOption('max-upload-bytes'))
    .action(async (opts: { port: number; host: string; secretKey?: string[]; apiKey?: string[]; trainingDelay: number; maxUploadBytes?: number }) => {
      const emulator = await startEmulator({
        port: opts.port,
        host: opts.host,
        secretKeys: opts.secretKey,
        apiKeys: opts.apiKey,
        trainingDelayMs: opts.trainingDelay,
        maxUploadBytes: opts.maxUploadBytes,
      });
      // The emulator's keys are local test keys, printed so a user can paste them.
      process.stdout.write(
        `Prediction One emulator listening on ${emulator.url}\n` +
          `secret keys: ${emulator.secretKeys.join(' ')}\n` +
          (emulator.apiKeys.length > 0 ? `api keys:    ${emulator.apiKeys.join(' ')}\n` : '') +
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
