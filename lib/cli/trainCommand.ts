/** The p1rx train command. */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { TrainingStartUnknownError, ValidationError, trainModel$, type CsvEncoding, type TrainingConfig, type TrainingResult } from 'prediction-one-rx';
import { fileSource, writeResult } from 'prediction-one-rx/node';
import { INTERRUPTED_EXIT_CODE, exitWith, processIo, type CliIo } from './batchIo';
import { describeEvent, metricsTable } from './format';
import { clientFrom, parseIntOption, type ConnectionOptions } from './options';
import { withServiceFlags } from './serviceFlags';
import { TRAIN_FLAG_WORDS, jobIssues, readHead, smallDataWarning } from './localChecks';
import { withEncodingFlag } from './encodingOption';
import { LocalCheckError, makeOutDir, outDirIssue, recoveryHint } from './outDir';

interface TrainFlags extends ConnectionOptions {
  target: string;
  type: string;
  positive?: string;
  cv?: number;
  name?: string;
  eval?: string;
  out: string;
  json?: boolean;
  encoding?: CsvEncoding;
}

/**
 * `p1rx train <csv>`: one training, live status, result written to a folder.
 *
 * Everything that can be checked locally is checked before the first request: the config,
 * the data against it (the library's checks, see `trainModel$`) and that `--out` can be created
 * and written; all problems are listed and the exit code is 2. Once Create Model was accepted,
 * a failure or Ctrl-C prints the training's id and the `p1rx status` / `p1rx download`
 * commands that follow and fetch it (it goes on at the service).
 *
 * @internal
 */
export function registerTrain(program: Command, io: CliIo = processIo): void {
  withServiceFlags(
    withEncodingFlag(
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
      'the training and evaluation files',
    ),
    { pollInterval: false },
  ).action(async (csv: string, flags: TrainFlags) => {
    for (const file of [csv, flags.eval]) {
      if (file !== undefined && !existsSync(file)) throw new InvalidArgumentError(`no such file: ${file}`);
    }
    // cv goes as a string, the form of the vendor's only wire example (`"cv": "2"`).
    const cv = flags.cv === undefined ? undefined : String(flags.cv);
    const config = JSON.parse(JSON.stringify({ tt: flags.type, tc: flags.target, tv: flags.positive, cv })) as TrainingConfig;
    const client = clientFrom(flags);
    const issues = await jobIssues({ csv, eval: flags.eval, config, encoding: flags.encoding }, readHead, TRAIN_FLAG_WORDS);
    const outIssue = await outDirIssue(flags.out);
    if (outIssue) issues.push(outIssue);
    if (issues.length > 0) throw new LocalCheckError('nothing was uploaded: fix these first', issues);
    // Not refused (the service decides), but said before the upload rather than after a failed training.
    const { head, complete } = await readHead(csv, flags.encoding);
    const small = flags.eval === undefined ? smallDataWarning(head, complete, config, csv, '--cv') : undefined;
    if (small) io.stderr.write(`p1rx: warning: ${small}\n`);
    await makeOutDir(flags.out);
    const hint = (id: string) => recoveryHint(id, { out: flags.out, baseUrl: flags.baseUrl });
    // Set once the service accepted the training: from then on it goes on whatever happens here.
    let acceptedId: string | undefined;
    let result: TrainingResult | undefined;
    const events$ = trainModel$(client, {
      data: { train: fileSource(csv), evaluation: flags.eval === undefined ? undefined : fileSource(flags.eval), encoding: flags.encoding },
      name: flags.name ?? path.basename(csv, path.extname(csv)),
      config,
    });
    const outcome = await new Promise<'done' | 'interrupted'>((resolve, reject) => {
      const subscription = events$.subscribe({
        next: (event) => {
          if (event.type === 'queued') acceptedId = event.externalProcessId;
          if (event.type === 'completed') result = event.result;
          if (flags.json) {
            const { resultUrl: _hidden, ...safe } = event as { resultUrl?: string };
            void _hidden;
            if (event.type !== 'completed') io.stdout.write(`${JSON.stringify(safe)}\n`);
          } else {
            const line = describeEvent(event);
            if (line) io.stdout.write(`${line}\n`);
          }
        },
        error: (err: unknown) => {
          stop();
          reject(err);
        },
        complete: () => {
          stop();
          resolve('done');
        },
      });
      const stop = io.onInterrupt(() => {
        stop();
        subscription.unsubscribe();
        resolve('interrupted');
      });
    }).catch((err: unknown) => {
      if (err instanceof ValidationError && acceptedId === undefined) throw new LocalCheckError('nothing was uploaded: fix these first', err.issues);
      if (acceptedId !== undefined) io.stderr.write(`${hint(acceptedId)}\n`);
      else if (err instanceof TrainingStartUnknownError) {
        io.stderr.write(`${hint(err.externalProcessId).replace('was accepted by the service and goes on there', 'may have been accepted by the service')}\n`);
      }
      throw err;
    });
    if (outcome === 'interrupted') {
      io.stderr.write(`\np1rx: interrupted${acceptedId === undefined ? ' before the service accepted a training; nothing goes on there' : ''}\n`);
      if (acceptedId !== undefined) io.stderr.write(`${hint(acceptedId)}\n`);
      throw exitWith(INTERRUPTED_EXIT_CODE);
    }
    if (!result) throw new Error('the training ended without a result');
    let written: string[];
    try {
      written = await writeResult(result, flags.out);
    } catch (err) {
      if (acceptedId !== undefined) io.stderr.write(`${hint(acceptedId)}\n`);
      throw err;
    }
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ type: 'completed', metrics: result.metrics, files: written })}\n`);
    } else {
      io.stdout.write(`\n${metricsTable(result.metrics)}\n\nwrote ${written.length} files to ${path.resolve(flags.out)}\n`);
    }
  });
}
