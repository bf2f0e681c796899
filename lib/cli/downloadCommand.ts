/** The p1rx download command. */
/**
 * `p1rx download <external-process-id>`: the result of one existing training.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import type { Command } from 'commander';
import { lastValueFrom, mergeMap, of, take, throwError, type Observable } from 'rxjs';
import { downloadResult$, onlyResult, pollStatus$, type TrainingEvent } from 'prediction-one-rx';
import { writeResult } from 'prediction-one-rx/node';
import { USAGE_EXIT_CODE, processIo, usageErrorsExit2, type CliIo } from './batchIo';
import { metricsTable } from './format';
import { clientFrom, type ConnectionOptions } from './options';
import { pollFrom } from './statusCommand';
import { withServiceFlags } from './serviceFlags';

interface DownloadFlags extends ConnectionOptions {
  out: string;
  wait?: boolean;
  json?: boolean;
  pollInterval?: number;
}

/**
 * A training that is not finished yet (without `--wait`).
 *
 * @internal
 */
export class NotFinishedError extends Error {
  override readonly name = 'NotFinishedError';
}

/**
 * `p1rx download <id> --out dir [--wait]`: asks the status once (a fresh pre-signed URL comes
 * with it), downloads and unzips the result and writes its files. Without `--wait` a training
 * that is not finished is an error (exit 1); with it, the status is polled until it ends.
 *
 * @internal
 */
export function registerDownload(program: Command, io: CliIo = processIo): void {
  const cmd = program
    .command('download <external-process-id>')
    .description('download the result of a finished training into a folder')
    .option('-o, --out <dir>', 'folder for the result files', 'p1rx-result')
    .option('--wait', 'wait for the training to finish first')
    .option('--json', 'print the outcome as one JSON object');
  withServiceFlags(cmd, { pollInterval: 'with --wait: poll every <ms> (default: 1 s doubling to 30 s)' });
  usageErrorsExit2(cmd).action(async (id: string, flags: DownloadFlags) => {
    let client;
    try {
      client = clientFrom(flags);
    } catch (err) {
      return cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT_CODE });
    }
    const statuses$: Observable<TrainingEvent> = of({ externalProcessId: id }).pipe(pollStatus$(client, pollFrom(flags)));
    const ready$ = flags.wait
      ? statuses$
      : statuses$.pipe(
          take(1),
          mergeMap((e) =>
            e.type === 'status' && !e.terminal
              ? throwError(() => new NotFinishedError(`training ${id} is '${e.status}', not finished (use --wait, or p1rx status --watch)`))
              : of(e),
          ),
        );
    const result = await lastValueFrom(ready$.pipe(downloadResult$(client), onlyResult()));
    const written = await writeResult(result, flags.out);
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ type: 'downloaded', externalProcessId: id, metrics: result.metrics, files: written })}\n`);
    } else {
      io.stdout.write(`${metricsTable(result.metrics)}\n\nwrote ${written.length} files to ${path.resolve(flags.out)}\n`);
    }
  });
}
