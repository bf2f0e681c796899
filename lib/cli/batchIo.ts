/** What the batch, status and download commands need from the process, injectable so tests run them in-process. */
/**
 * What the batch, status and download commands need from the process, injectable so tests
 * run them in-process: output streams, Ctrl-C, and exiting.
 *
 * @packageDocumentation
 */
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import type { CheckpointFs } from 'prediction-one-rx/node';

/**
 * Output streams, the interrupt signal and a hard exit.
 *
 * @internal
 */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown };
  /** Calls `handler` on every Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process at once (second Ctrl-C). */
  exit(code: number): void;
  /**
   * Calls `handler` on every signal that asks a batch to stop (SIGINT, SIGTERM, SIGHUP) until
   * the returned function is called. Absent: {@link CliIo.onInterrupt}, as SIGINT.
   */
  onStopSignal?(handler: (signal: StopSignal) => void): () => void;
  /** The checkpoint's file layer (a spec injects short writes and a full disk). Default: the real one. */
  readonly checkpointFs?: CheckpointFs;
}

/** A signal that stops a batch like Ctrl-C. @internal */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** The conventional exit code after a signal: 128 + its number (130, 143, 129). @internal */
export function signalExitCode(signal: StopSignal): number {
  return 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal];
}

/**
 * The real process.
 *
 * @internal
 */
export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => void process.off('SIGINT', handler);
  },
  exit(code) {
    process.exit(code);
  },
  onStopSignal(handler) {
    const listeners = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, () => handler(signal)] as const);
    for (const [signal, listener] of listeners) process.on(signal, listener);
    return () => listeners.forEach(([signal, listener]) => process.off(signal, listener));
  },
};

/** Exit code of bad usage (unknown option, bad value, bad manifest). @internal */
export const USAGE_EXIT_CODE = 2;
/** Exit code after Ctrl-C (128 + SIGINT). @internal */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Makes commander's usage errors on `cmd` exit with code 2 (commander uses 1), so scripts can
 * tell "you called it wrong" from "a job failed". Help and version still exit 0.
 *
 * @internal
 */
export function usageErrorsExit2(cmd: Command): Command {
  return cmd.exitOverride((err) => {
    if (err.exitCode === 1 && err.code.startsWith('commander.')) throw new CommanderError(USAGE_EXIT_CODE, err.code, err.message);
    throw err;
  });
}

/**
 * Ends a command with `code` without printing anything more (the command already reported).
 *
 * @internal
 */
export function exitWith(code: number): CommanderError {
  return new CommanderError(code, 'p1rx.exit', `exit ${code}`);
}

/**
 * Parses an integer option that must be at least `min`.
 *
 * @internal
 */
export function parseIntAtLeast(name: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`--${name} must be an integer >= ${min}, got '${value}'`);
    }
    return n;
  };
}
