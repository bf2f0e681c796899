/** Flags and output shared by the resource commands. */
/**
 * Flags and output shared by the resource commands (models, datasets, delete-model, retrain,
 * deploy, predict).
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { PredictionOneClient } from 'prediction-one-rx';
import { createNodeClient } from 'prediction-one-rx/node';
import { parseIntAtLeast } from './batchIo';
import { clientFrom, type ConnectionOptions } from './options';

/** Where a command writes. @internal */
export interface CommandOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** The process's own streams. @internal */
export const processOutput: CommandOutput = { stdout: process.stdout, stderr: process.stderr };

/** Connection flags plus `--poll-interval`. @internal */
export interface ServiceFlags extends ConnectionOptions {
  pollInterval?: number;
}

/** How a command words (or leaves out) `--poll-interval`. @internal */
export interface ServiceFlagsOptions {
  /** Help text of `--poll-interval`, or `false` for a command that does not poll. */
  readonly pollInterval?: string | false;
  /** Where `--secret-key -` reads and the key warning goes. Default the process's stdin and stderr. */
  readonly secretIo?: SecretIo;
}

/**
 * Adds the connection flags every service command shares, declared here only: `--base-url`,
 * `--api-key`, `--secret-key`, `--allow-insecure-http`, and `--poll-interval` (an integer >= 1) unless the command does
 * not poll. @internal
 */
export function withServiceFlags(command: Command, options: ServiceFlagsOptions = {}): Command {
  command
    .option('--base-url <url>', 'service URL (env P1RX_BASE_URL)')
    .option('--api-key <key>', 'API key (prefer env P1RX_API_KEY: a flag is visible to other users in /proc/<pid>/cmdline)')
    .option('--secret-key <key>', 'secret key, or - to read it from stdin (prefer env P1RX_SECRET_KEY or --secret-key-file)')
    .option('--secret-key-file <path>', 'read the secret key from this file (first line)')
    .option('--allow-insecure-http', 'allow a key over plain http to a host that is not loopback (refused by default)')
    .hook('preAction', (cmd) => resolveSecretFlags(cmd, options.secretIo));
  if (options.pollInterval === false) return command;
  return command.option('--poll-interval <ms>', options.pollInterval ?? 'first status poll interval (doubles up to 30 s)', parseIntAtLeast('poll-interval', 1));
}

/** Where {@link resolveSecretFlags} reads and warns (tests pass their own). @internal */
export interface SecretIo {
  readonly stdin: AsyncIterable<Uint8Array | string>;
  readonly stderr: { write(text: string): unknown };
}

/**
 * Before a service command runs: `--secret-key -` reads the key from stdin, `--secret-key-file`
 * from a file (first line), and a secret key given literally as `--secret-key` prints a
 * one-line warning (every user of the machine can read a process's arguments).
 *
 * @internal
 */
export async function resolveSecretFlags(cmd: Command, io?: SecretIo): Promise<void> {
  const flags = cmd.opts<ConnectionOptions & { secretKeyFile?: string }>();
  if (flags.secretKeyFile !== undefined && flags.secretKey !== undefined) {
    throw new InvalidArgumentError('give --secret-key or --secret-key-file, not both');
  }
  if (flags.secretKeyFile !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.secretKeyFile, 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`--secret-key-file ${flags.secretKeyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    cmd.setOptionValue('secretKey', firstLine(text, `--secret-key-file ${flags.secretKeyFile}`));
  } else if (flags.secretKey === '-') {
    let text = '';
    // process.stdin only when it is read: touching it opens a handle that keeps a process alive.
    for await (const chunk of io?.stdin ?? process.stdin) {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.length > 64 * 1024) throw new InvalidArgumentError('--secret-key -: stdin is larger than a key (64 KiB read)');
    }
    cmd.setOptionValue('secretKey', firstLine(text, '--secret-key - (stdin)'));
  } else {
    // The secret key is the long-lived credential; an API key expires within a day (its help
    // still prefers the environment).
    if (flags.secretKey !== undefined) {
      (io?.stderr ?? process.stderr).write(
        'p1rx: warning: --secret-key on the command line can be read by every user of this machine (/proc/<pid>/cmdline, ps); prefer P1RX_SECRET_KEY, --secret-key-file <path> or --secret-key - (stdin)\n',
      );
    }
  }
}

/** The key on the first non-empty line, or a usage error naming where it was read. */
function firstLine(text: string, where: string): string {
  const key = text
    .split(/\r?\n/)
    .find((line) => line.trim() !== '')
    ?.trim();
  if (key === undefined) throw new InvalidArgumentError(`${where} is empty: no secret key read`);
  return key;
}

/** The client for the flags (connection from `clientFrom`, poll schedule from `--poll-interval`). @internal */
export function serviceClient(flags: ServiceFlags): PredictionOneClient {
  const base = clientFrom(flags);
  if (flags.pollInterval === undefined) return base;
  return createNodeClient({ ...base.config, poll: { minDelayMs: flags.pollInterval, maxDelayMs: Math.max(flags.pollInterval, 30_000) } });
}
