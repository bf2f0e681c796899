/** The p1rx deploy command. */
import { InvalidArgumentError, type Command } from 'commander';
import { lastValueFrom, of, switchMap, tap } from 'rxjs';
import { createClassifier$, waitForClassifier$, type ClassifierRuleInput } from 'prediction-one-rx/deploy';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

interface DeployFlags extends ServiceFlags {
  allow?: string[];
  deny?: string[];
  showKey?: boolean;
  json?: boolean;
}

/**
 * `p1rx deploy <model-id> --allow <cidr...>`: creates a prediction API, waits until it runs and
 * prints its id and URL. The inference key is printed only with `--show-key`. Rules get
 * priorities in order: every `--deny` first, then every `--allow`.
 *
 * @internal
 */
export function registerDeploy(program: Command, out: CommandOutput = processOutput): void {
  withServiceFlags(
    program
      .command('deploy <model-id>')
      .description('deploy a model as a prediction API and wait until it runs')
      .option('--allow <cidr...>', 'source addresses allowed to call it (CIDR, IPv4 or IPv6)')
      .option('--deny <cidr...>', 'source addresses refused (checked before the allows)')
      .option('--show-key', 'print the inference API key (a secret)')
      .option('--json', 'print one JSON object per status'),
  ).action(async (rawId: string, flags: DeployFlags) => {
    const modelId = Number(rawId);
    if (!Number.isInteger(modelId)) throw new InvalidArgumentError(`model id must be an integer, got '${rawId}'`);
    if ((flags.allow ?? []).length === 0) throw new InvalidArgumentError('give at least one --allow <cidr> (nobody could call the API otherwise)');
    const rules: ClassifierRuleInput[] = [
      ...(flags.deny ?? []).map((source) => ({ source, order: 'deny' as const })),
      ...(flags.allow ?? []).map((source) => ({ source, order: 'allow' as const })),
    ].map((r, i) => ({ ...r, priority: i + 1 }));
    const client = serviceClient(flags);
    let apiKey = '';
    const last = await lastValueFrom(
      of({ modelId, rules }).pipe(
        createClassifier$(client),
        tap((c) => {
          apiKey = c.apiKey;
          if (!flags.json) out.stdout.write(`created classifier ${c.classifierId}\n`);
        }),
        switchMap((c) => of(c).pipe(waitForClassifier$(client))),
        tap((c) => {
          if (flags.json) {
            const { api_key: _secret, ...safe } = c;
            out.stdout.write(`${JSON.stringify(safe)}\n`);
          } else {
            out.stdout.write(`status ${c.status}\n`);
          }
        }),
      ),
    );
    if (flags.json) {
      if (flags.showKey) out.stdout.write(`${JSON.stringify({ classifier_id: last.classifier_id, api_key: apiKey })}\n`);
      return;
    }
    out.stdout.write(`classifier ${last.classifier_id} running at ${last.url ?? '?'}\n`);
    if (flags.showKey) out.stdout.write(`api key: ${apiKey}\n`);
  });
}
