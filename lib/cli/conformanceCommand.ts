/** The p1rx conformance command. */
/**
 * `p1rx conformance`: checks a live service against the documented contract.
 *
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { PRODUCTION_BASE_URL, type FetchLike } from 'prediction-one-rx';
import { createNodeClient } from 'prediction-one-rx/node';
import { exitWith } from './batchIo';
import { formatReport, redactSecrets, reportJson } from './conformance/report';
import { runConformance } from './conformance/run';
import { runVersions } from './conformance/versions';
import { parseIntOption } from './options';
import { processOutput, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

interface ConformanceFlags extends ServiceFlags {
  train?: boolean;
  deploy?: boolean;
  deploySource?: string;
  json?: boolean;
  report?: string;
  modelId?: number;
  maxWait?: number;
}

/**
 * `p1rx conformance [--train] [--deploy] [--json] [--report <file>]`: calls each documented
 * endpoint once and compares the answers strictly with the vendor's pages (extra and missing
 * fields, types), provokes the documented errors it can without harm, and says for each
 * difference whether the client still works. Prints endpoint -> ok, or each difference (field,
 * expected, got, client verdict); keys and pre-signed URLs are redacted, versions printed.
 * Deletes what it creates. Exits 1 when any check failed. `fetch` is injectable for tests.
 *
 * @internal
 */
export function registerConformance(program: Command, out: CommandOutput = processOutput, fetch?: FetchLike): void {
  withServiceFlags(
    program
      .command('conformance')
      .description('check a live service against the documented contract (deletes what it creates; trains only with --train)')
      .option('--train', 'also train a tiny model (config forms "2" and 2) through to its result, then delete it and its data sets')
      .option('--deploy', 'also deploy a classifier (of the trained model, or --model-id), run one inference, delete it')
      .option('--deploy-source <cidr>', 'with --deploy: the address the classifier allows (default 127.0.0.1/32 for a loopback service)')
      .option('--json', 'print the report as JSON')
      .option('--report <file>', 'also write the report (redacted) to <file>, for a bug report')
      .option('--model-id <id>', 'model to ask a retrain key for (default: the first model listed)', parseIntOption('model-id'))
      .option('--max-wait <ms>', 'with --train: longest wait for the training (default 30 min)', parseIntOption('max-wait')),
  ).action(async (flags: ConformanceFlags) => {
    const apiKey = flags.apiKey ?? process.env.P1RX_API_KEY;
    const secretKey = flags.secretKey ?? process.env.P1RX_SECRET_KEY;
    const baseUrl = flags.baseUrl || process.env.P1RX_BASE_URL;
    if (!baseUrl) throw new InvalidArgumentError(`give --base-url (or set P1RX_BASE_URL): ${PRODUCTION_BASE_URL} for the real service`);
    if (!apiKey && !secretKey) throw new InvalidArgumentError('give --secret-key (checks every key type) or --api-key (or set P1RX_SECRET_KEY / P1RX_API_KEY)');
    // The Node client's fetch: undici when installed, else Node's http with keep-alive.
    const nodeFetch =
      fetch ?? createNodeClient({ baseUrl, allowInsecureHttp: flags.allowInsecureHttp === true, ...(apiKey ? { apiKey } : { secretKey }) }).http.fetch;
    if (nodeFetch === undefined) throw new Error('no fetch');
    const report = await runConformance({
      baseUrl,
      apiKey: apiKey || undefined,
      secretKey: secretKey || undefined,
      modelId: flags.modelId,
      train: flags.train,
      deploy: flags.deploy,
      deploySource: flags.deploySource,
      versions: runVersions(),
      fetch: nodeFetch,
      pollIntervalMs: flags.pollInterval,
      maxWaitMs: flags.maxWait,
    });
    const text = redactSecrets(flags.json ? reportJson(report) : formatReport(report), report.secrets);
    out.stdout.write(text);
    if (flags.report !== undefined) {
      await writeFile(flags.report, text);
      out.stderr.write(`report written to ${flags.report}\n`);
    }
    if (report.summary.failed > 0) throw exitWith(1);
  });
}
