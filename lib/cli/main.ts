/** The p1rx command and its subcommands. */
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
import { registerReport } from './reportCommand';
import { USAGE_EXIT_CODE } from './batchIo';
import { LocalCheckError } from './outDir';
import { errorHint } from './errorHints';
import { printable } from './format';

/**
 * Usage errors are one line naming the command's help (not the whole help, which buried the
 * message), and exit 2 for every command (commander's default is 1, which scripts read as "a job
 * failed"). Set on the program before the commands are added, so each inherits it.
 */
function oneLineUsageErrors(cmd: Command, argv: readonly string[]): Command {
  return cmd
    .configureOutput({
      outputError: (str, write) => {
        // Commander shares one output configuration among commands: name the one being run from argv.
        const sub = cmd.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0] ?? ''));
        const name = sub ? `p1rx ${sub.name()}` : 'p1rx';
        // A message that lists problems (indented lines after the first) keeps one per line.
        const [first = '', ...rest] = str
          .trim()
          .replace(/^error: /, '')
          .split('\n');
        const listed = rest.length > 0 && rest.every((line) => /^\s+\S/.test(line));
        const head = listed ? first.trim() : [first, ...rest].join('\n').replace(/\s*\n\s*/g, ' ');
        write(`${name}: ${head} (see ${name} --help)\n${listed ? rest.map((line) => `  - ${line.trim()}\n`).join('') : ''}`);
      },
    })
    .exitOverride((err) => {
      if (err.exitCode === 1 && err.code.startsWith('commander.')) throw new CommanderError(USAGE_EXIT_CODE, err.code, err.message);
      throw err;
    });
}

/**
 * Builds the command tree (exported for tests).
 *
 * @internal
 */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = oneLineUsageErrors(
    new Command('p1rx').description('Prediction One from the command line: train models, run batches, run a local emulator'),
    argv,
  );
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
  registerReport(program);
  return program;
}

/**
 * Runs the CLI with `argv`; returns the exit code. Library errors print as one line.
 *
 * @internal
 */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram(argv).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    // Thrown by an action (a missing file, missing keys): commander has not printed it.
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`p1rx: ${err.message} (see p1rx --help)\n`);
      return USAGE_EXIT_CODE;
    }
    // Refused locally before any request: every problem, one per line.
    if (err instanceof LocalCheckError) {
      process.stderr.write(`p1rx: ${err.message}${err.issues.map((i) => `\n  - ${i}`).join('')}\n`);
      return USAGE_EXIT_CODE;
    }
    // Commander already printed its own message (usage errors, --help).
    if (err instanceof CommanderError) return err.exitCode;
    // A service's error text is quoted in the message: escaped, so it cannot drive the terminal.
    const message = printable(err instanceof PredictionOneError || err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    const hint = errorHint(err);
    process.stderr.write(`p1rx: ${message}\n${hint ? `p1rx: ${hint}\n` : ''}`);
    return 1;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
