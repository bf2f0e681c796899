import type { Command } from 'commander';
import { lastValueFrom, toArray } from 'rxjs';
import { models$ } from 'prediction-one-rx';
import { table } from './format';
import { parseIntOption } from './options';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

/**
 * `p1rx models`: every model as a table (or JSON lines with `--json`).
 *
 * @internal
 */
export function registerModels(program: Command, out: CommandOutput = processOutput): void {
  withServiceFlags(
    program
      .command('models')
      .description('list the models of the account')
      .option('--json', 'print one JSON object per line')
      .option('--page-size <n>', 'models per request', parseIntOption('page-size'), 30),
  ).action(async (flags: ServiceFlags & { json?: boolean; pageSize: number }) => {
    const all = await lastValueFrom(models$(serviceClient(flags), { pageSize: flags.pageSize }).pipe(toArray()));
    if (flags.json) {
      for (const m of all) out.stdout.write(`${JSON.stringify(m)}\n`);
      return;
    }
    out.stdout.write(
      `${table(
        ['id', 'name', 'type', 'target', 'version', 'updated'],
        all.map((m) => [m.model_id, m.name ?? '', m.target_type ?? '', String((m.config as { tc?: unknown } | undefined)?.tc ?? ''), m.version ?? '', m.updated_date ?? '']),
      )}\n`,
    );
  });
}
