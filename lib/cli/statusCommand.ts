/** The p1rx status command. */
/**
 * `p1rx status <external-process-id>`: the status of one training, once or followed.
 *
 * @packageDocumentation
 */
import type { Command } from 'commander';
import { lastValueFrom, of, take, tap, type Observable } from 'rxjs';
import { TrainingFailedError, pollStatus$, type PollOptions, type TrainingEvent } from 'prediction-one-rx';
import { printableEvent } from './batchDisplay';
import { printable } from './format';
import { USAGE_EXIT_CODE, exitWith, processIo, usageErrorsExit2, type CliIo } from './batchIo';
import { clientFrom, type ConnectionOptions } from './options';
import { withServiceFlags } from './serviceFlags';

interface StatusFlags extends ConnectionOptions {
  watch?: boolean;
  json?: boolean;
  pollInterval?: number;
}

/** Poll options from `--poll-interval`. @internal */
export function pollFrom(flags: { pollInterval?: number }): PollOptions {
  return flags.pollInterval === undefined ? {} : { minDelayMs: flags.pollInterval, maxDelayMs: flags.pollInterval };
}

/**
 * `p1rx status <id> [--watch]`. One status call prints the status and exits 0 whatever it is;
 * `--watch` prints every change until the training ends: exit 0 when `finished`, 1 when it
 * failed (a waiter, for scripts). The result URL is never printed.
 *
 * @internal
 */
export function registerStatus(program: Command, io: CliIo = processIo): void {
  const cmd = program
    .command('status <external-process-id>')
    .description('show the status of a training (one call, or --watch until it ends)')
    .option('-w, --watch', 'follow the status until the training ends')
    .option('--json', 'print one JSON object per status');
  withServiceFlags(cmd, { pollInterval: 'with --watch: poll every <ms> (default: 1 s doubling to 30 s)' });
  usageErrorsExit2(cmd).action(async (id: string, flags: StatusFlags) => {
    let client;
    try {
      client = clientFrom(flags);
    } catch (err) {
      return cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT_CODE });
    }
    // Without an event, `status` is a failure status: the training has ended, unsuccessfully.
    // In the JSON, `terminal` says the training ended (finished or failed) and `failed` how.
    const print = (status: string, event?: TrainingEvent) => {
      if (flags.json)
        io.stdout.write(
          `${JSON.stringify(event ? { ...printableEvent(event), failed: false } : { type: 'status', externalProcessId: id, status, terminal: true, failed: true })}\n`,
        );
      else if (event?.type === 'status')
        io.stdout.write(`${printable(`${id}  ${status.padEnd(9)}  created ${event.createdDatetime ?? '?'}  updated ${event.updatedDatetime ?? '?'}`)}\n`);
      else io.stdout.write(`${printable(`${id}  ${status}`)}\n`);
    };
    const statuses$: Observable<TrainingEvent> = of({ externalProcessId: id }).pipe(pollStatus$(client, pollFrom(flags)));
    try {
      await lastValueFrom((flags.watch ? statuses$ : statuses$.pipe(take(1))).pipe(tap((e) => e.type === 'status' && print(e.status, e))));
    } catch (err) {
      if (!(err instanceof TrainingFailedError)) throw err;
      // A failed training is an answer, not an error of the command: print it like any status.
      print(err.status);
      if (flags.watch) throw exitWith(1);
    }
  });
}
