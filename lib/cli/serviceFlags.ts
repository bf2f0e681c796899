/**
 * Flags and output shared by the resource commands (models, datasets, delete-model, retrain,
 * deploy, predict).
 *
 * @packageDocumentation
 */
import type { Command } from 'commander';
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
}

/**
 * Adds the connection flags every service command shares, declared here only: `--base-url`,
 * `--api-key`, `--secret-key`, `--allow-insecure-http`, and `--poll-interval` (an integer >= 1) unless the command does
 * not poll. @internal
 */
export function withServiceFlags(command: Command, options: ServiceFlagsOptions = {}): Command {
  command
    .option('--base-url <url>', 'service URL (env P1RX_BASE_URL)')
    .option('--api-key <key>', 'API key (env P1RX_API_KEY)')
    .option('--secret-key <key>', 'secret key (env P1RX_SECRET_KEY)')
    .option('--allow-insecure-http', 'allow a key over plain http to a host that is not loopback (refused by default)');
  if (options.pollInterval === false) return command;
  return command.option('--poll-interval <ms>', options.pollInterval ?? 'first status poll interval (doubles up to 30 s)', parseIntAtLeast('poll-interval', 1));
}

/** The client for the flags (connection from `clientFrom`, poll schedule from `--poll-interval`). @internal */
export function serviceClient(flags: ServiceFlags): PredictionOneClient {
  const base = clientFrom(flags);
  if (flags.pollInterval === undefined) return base;
  return createNodeClient({ ...base.config, poll: { minDelayMs: flags.pollInterval, maxDelayMs: Math.max(flags.pollInterval, 30_000) } });
}
