/** The p1rx retrain command. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { lastValueFrom, of, switchMap, tap } from 'rxjs';
import { type CsvEncoding } from 'prediction-one-rx';
import {
  downloadRetrainResult$,
  retrainClient$,
  retrainStatus$,
  retrainUpload$,
  switchModel$,
  type RetrainEvent,
  type RetrainResult,
} from 'prediction-one-rx/deploy';
import { withEncodingFlag } from './encodingOption';
import { fileSource, writeResult } from 'prediction-one-rx/node';
import { table } from './format';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

interface RetrainFlags extends ServiceFlags {
  eval?: string;
  out: string;
  switch?: boolean;
  retrainKey?: string;
  json?: boolean;
  encoding?: CsvEncoding;
}

function describe(e: RetrainEvent): string | undefined {
  switch (e.type) {
    case 'retrainUploadProgress':
      return undefined;
    case 'retrainUploaded':
      return `uploaded ${e.fileName}: retraining job ${e.retrainJobId}`;
    case 'retrainStatus':
      return `status ${e.status}${e.message ? ` (${e.message})` : ''}`;
    case 'retrainDownloadProgress':
      return e.total !== undefined && e.loaded === e.total ? `downloaded result (${e.total} bytes)` : undefined;
    case 'retrainCompleted':
      return `result unzipped: ${Object.keys(e.result.files).join(', ')}`;
    case 'modelSwitched':
      return 'model switched to the retrained version';
  }
}

/**
 * `p1rx retrain <model-id> <csv> [--eval csv]`: retrains a model on new data, follows the job,
 * writes the result files and prints the before/after metrics; `--switch` then makes the model
 * serve the retrained version. Needs `--secret-key` (exchanged for a retrain key) or
 * `--retrain-key`.
 *
 * @internal
 */
export function registerRetrain(program: Command, out: CommandOutput = processOutput): void {
  withServiceFlags(
    withEncodingFlag(
      program
        .command('retrain <model-id> <csv>')
        .description('retrain a model on new data, follow the job and write the result (metrics before/after)')
        .option('--eval <csv>', 'evaluation data (sent with the training data as a zip)')
        .option('-o, --out <dir>', 'folder for the result files', 'p1rx-retrain')
        .option('--switch', 'switch the model to the retrained version when the job finished')
        .option('--retrain-key <key>', 'a retrain API key for the model (else --secret-key is exchanged for one)')
        .option('--json', 'print one JSON event per line'),
      'the training and evaluation files',
    ),
  ).action(async (rawId: string, csv: string, flags: RetrainFlags) => {
    const modelId = Number(rawId);
    if (!Number.isInteger(modelId)) throw new InvalidArgumentError(`model id must be an integer, got '${rawId}'`);
    for (const file of [csv, flags.eval]) {
      if (file !== undefined && !existsSync(file)) throw new InvalidArgumentError(`no such file: ${file}`);
    }
    const base = serviceClient(flags.retrainKey ? { ...flags, apiKey: flags.retrainKey } : flags);
    const name = path.basename(csv, path.extname(csv)).replace(/[^\w.-]/g, '_') || 'retrain';
    const input = { train: fileSource(csv), evaluation: flags.eval === undefined ? undefined : fileSource(flags.eval), name, encoding: flags.encoding };
    let result: RetrainResult | undefined;
    await lastValueFrom(
      retrainClient$(base, modelId, { apiKey: flags.retrainKey }).pipe(
        switchMap((rc) =>
          of(input).pipe(retrainUpload$(rc), retrainStatus$(rc), downloadRetrainResult$(rc), flags.switch ? switchModel$(rc) : (source) => source),
        ),
        tap((e) => {
          if (e.type === 'retrainCompleted') result = e.result;
          if (flags.json) {
            if (e.type === 'retrainCompleted') return;
            const { downloadUrl: _secret, ...safe } = e as { downloadUrl?: string };
            out.stdout.write(`${JSON.stringify(safe)}\n`);
          } else {
            const line = describe(e);
            if (line) out.stdout.write(`${line}\n`);
          }
        }),
      ),
    );
    if (!result) throw new Error('the retraining ended without a result');
    const written = await writeResult({ files: result.files, metrics: [], contributions: [] }, flags.out);
    if (flags.json) {
      out.stdout.write(`${JSON.stringify({ type: 'retrainCompleted', comparison: result.comparison, files: written })}\n`);
      return;
    }
    const rows = result.comparison.map((m) => [m.name, m.before ?? '', m.after ?? '']);
    out.stdout.write(`\n${table(['metric', 'before', 'after'], rows)}\n\nwrote ${written.length} files to ${path.resolve(flags.out)}\n`);
  });
}
