/** The p1rx delete-model command. */
import { InvalidArgumentError, type Command } from 'commander';
import { lastValueFrom, of } from 'rxjs';
import { deleteModel$ } from 'prediction-one-rx/deploy';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

/**
 * `p1rx delete-model <id>`: deletes one model.
 *
 * @internal
 */
export function registerDeleteModel(program: Command, out: CommandOutput = processOutput): void {
  withServiceFlags(program.command('delete-model <model-id>').description('delete a model')).action(async (raw: string, flags: ServiceFlags) => {
    const id = Number(raw);
    if (!Number.isInteger(id)) throw new InvalidArgumentError(`model id must be an integer, got '${raw}'`);
    await lastValueFrom(of(id).pipe(deleteModel$(serviceClient(flags))));
    out.stdout.write(`deleted model ${id}\n`);
  });
}
