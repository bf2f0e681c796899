/** The p1rx models command. */
import type { Command } from 'commander';
import { models } from 'prediction-one-rx/deploy';
import { printListing } from './listingOutput';
import { parseIntOption } from './options';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

/**
 * `p1rx models`: every model as a table (or JSON lines with `--json`), printed as the pages
 * arrive (see {@link printListing}).
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
    await printListing(models(serviceClient(flags), { pageSize: flags.pageSize }), out, {
      json: flags.json === true,
      toJson: (m) => m,
      header: ['id', 'name', 'type', 'target', 'version', 'updated'],
      toRow: (m) => [
        m.model_id,
        m.name ?? '',
        m.target_type ?? '',
        String((m.config as { tc?: unknown } | undefined)?.tc ?? ''),
        m.version ?? '',
        m.updated_date ?? '',
      ],
    });
  });
}
