/**
 * The `p1rx` command.
 *
 * @packageDocumentation
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { PredictionOneError } from 'prediction-one-rx';
import { registerEmulator } from './emulatorCommand';
import { registerTrain } from './trainCommand';
import { registerBatch } from './batchCommand';
import { registerStatus } from './statusCommand';
import { registerDownload } from './downloadCommand';
import { registerModels } from './modelsCommand';
import { registerDataSets } from './dataSetsCommand';
import { registerDeleteModel } from './deleteModelCommand';
import { registerRetrain } from './retrainCommand';
import { registerDeploy } from './deployCommand';
import { registerPredict } from './predictCommand';
import { registerWorker } from './workerCommand';
import { registerConformance } from './conformanceCommand';

/**
 * Builds the command tree (exported for tests).
 *
 * @internal
 */
export function buildProgram(): Command {
  const program = new Command('p1rx')
    .description('Prediction One from the command line: train models, run batches, run a local emulator')
    .showHelpAfterError()
    .exitOverride();
  registerEmulator(program);
  registerTrain(program);
  registerBatch(program);
  registerStatus(program);
  registerDownload(program);
  registerModels(program);
  registerDataSets(program);
  registerDeleteModel(program);
  registerRetrain(program);
  registerDeploy(program);
  registerPredict(program);
  registerWorker(program);
  registerConformance(program);
  return program;
}

/**
 * Runs the CLI with `argv`; returns the exit code. Library errors print as one line.
 *
 * @internal
 */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    // Thrown by an action (a missing file, missing keys): commander has not printed it.
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`p1rx: ${err.message}\n`);
      return 2;
    }
    // Commander already printed its own message (usage errors, --help).
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof PredictionOneError || err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`p1rx: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
