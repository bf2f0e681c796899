/** The p1rx datasets command. */
import type { Command } from 'commander';
import { dataSets } from 'prediction-one-rx/deploy';
import { printListing } from './listingOutput';
import { parseIntOption } from './options';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

/**
 * `p1rx datasets`: every data set as a table (or JSON lines with `--json`, without the
 * pre-signed `download_url`), printed as the pages arrive (see {@link printListing}).
 *
 * @internal
 */
export function registerDataSets(program: Command, out: CommandOutput = processOutput): void {
  withServiceFlags(
    program
      .command('datasets')
      .description('list the data sets of the account')
      .option('--json', 'print one JSON object per line (download URLs left out)')
      .option('--page-size <n>', 'data sets per request', parseIntOption('page-size'), 30),
  ).action(async (flags: ServiceFlags & { json?: boolean; pageSize: number }) => {
    await printListing(dataSets(serviceClient(flags), { pageSize: flags.pageSize }), out, {
      json: flags.json === true,
      toJson: ({ download_url: _secret, ...d }) => d,
      header: ['id', 'name', 'rows', 'columns', 'bytes', 'created'],
      toRow: (d) => [d.data_set_id, d.name ?? '', d.data_count ?? '', d.column_count ?? '', d.data_size ?? '', d.created_date ?? ''],
    });
  });
}
