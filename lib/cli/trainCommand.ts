import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { lastValueFrom, tap } from 'rxjs';
import { assertTrainingConfig, trainModel$, type TrainingConfig, type TrainingResult } from 'prediction-one-rx';
import { fileSource, writeResult } from 'prediction-one-rx/node';
import { describeEvent, metricsTable } from './format';
import { clientFrom, parseIntOption, type ConnectionOptions } from './options';
import { existsSync } from 'node:fs';
import { withServiceFlags } from './serviceFlags';

interface TrainFlags extends ConnectionOptions {
  target: string;
  type: string;
  positive?: string;
  cv?: number;
  name?: string;
  eval?: string;
  out: string;
  json?: boolean;
}

/**
 * `p1rx train <csv>`: one training, live status, result written to a folder.
 *
 * @internal
 */
export function registerTrain(program: Command): void {
  withServiceFlags(
    program
      .command('train <csv>')
      .description('upload a CSV, train a model, follow its status and write the result files')
      .requiredOption('-t, --target <column>', 'column to predict')
      .requiredOption('--type <task>', 'binary_classification | multi_classification | regression')
      .option('--positive <value>', 'positive value (binary_classification)')
      .option('--cv <k>', 'cross-validation: 0 auto, -1 always, 1 none, k>=2 folds', parseIntOption('cv'))
      .option('--name <name>', 'model name (default: the file name)')
      .option('--eval <csv>', 'evaluation data with the same columns')
      .option('-o, --out <dir>', 'folder for the result files', 'p1rx-result')
      .option('--json', 'print one JSON event per line'),
    { pollInterval: false },
  ).action(async (csv: string, flags: TrainFlags) => {
      for (const file of [csv, flags.eval]) {
        if (file !== undefined && !existsSync(file)) throw new InvalidArgumentError(`no such file: ${file}`);
      }
      const config = { tt: flags.type, tc: flags.target, tv: flags.positive, cv: flags.cv };
      assertTrainingConfig(JSON.parse(JSON.stringify(config)));
      const client = clientFrom(flags);
      let result: TrainingResult | undefined;
      await lastValueFrom(
        trainModel$(client, {
          data: { train: fileSource(csv), evaluation: flags.eval === undefined ? undefined : fileSource(flags.eval) },
          name: flags.name ?? path.basename(csv, path.extname(csv)),
          config: JSON.parse(JSON.stringify(config)) as TrainingConfig,
        }).pipe(
          tap((event) => {
            if (event.type === 'completed') result = event.result;
            if (flags.json) {
              const { resultUrl: _hidden, ...safe } = event as { resultUrl?: string };
              void _hidden;
              if (event.type !== 'completed') process.stdout.write(`${JSON.stringify(safe)}\n`);
            } else {
              const line = describeEvent(event);
              if (line) process.stdout.write(`${line}\n`);
            }
          }),
        ),
      );
      if (!result) throw new Error('the training ended without a result');
      const written = await writeResult(result, flags.out);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ type: 'completed', metrics: result.metrics, files: written })}\n`);
      } else {
        process.stdout.write(`\n${metricsTable(result.metrics)}\n\nwrote ${written.length} files to ${path.resolve(flags.out)}\n`);
      }
    });
}
