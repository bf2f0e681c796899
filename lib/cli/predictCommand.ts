/** The p1rx predict command. */
import { createWriteStream, existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import Papa from 'papaparse';
import { filter, lastValueFrom, of, tap, toArray } from 'rxjs';
import { ValidationError, type CsvEncoding } from 'prediction-one-rx';
import { classifiers$, predict$ } from 'prediction-one-rx/deploy';
import { readCsvText, withEncodingFlag } from './encodingOption';
import { parseIntOption } from './options';
import { processOutput, serviceClient, withServiceFlags, type CommandOutput, type ServiceFlags } from './serviceFlags';

interface PredictFlags extends ServiceFlags {
  out?: string;
  batchSize: number;
  concurrency: number;
  analysis?: boolean;
  includeInput?: boolean;
  passColumn?: string;
  encoding?: CsvEncoding;
}

/**
 * `p1rx predict <classifier-id> <csv>`: looks the classifier up (URL and inference key), sends
 * the CSV one row per request (as the vendor documents; `--batch-size` > 1 goes beyond it),
 * `--concurrency` at once, and writes `prediction_valid.csv` rows in input order as one CSV to
 * stdout or `--out`, with `row` numbered across the whole file.
 *
 * @internal
 */
export function registerPredict(program: Command, out: CommandOutput = processOutput): void {
  withServiceFlags(
    withEncodingFlag(
      program
        .command('predict <classifier-id> <csv>')
        .description('score a CSV with a running prediction API; predictions as CSV on stdout or --out')
        .option('-o, --out <file>', 'write the predictions here instead of stdout')
        .option('--batch-size <n>', 'rows per request; the vendor documents 1 (more is beyond its contract)', parseIntOption('batch-size'), 1)
        .option('--concurrency <n>', 'requests in flight at once', parseIntOption('concurrency'), 4)
        .option('--include-input', 'copy the input columns into the output (ad)')
        .option('--pass-column <name>', 'a column copied to the output as is, e.g. an id (pc)'),
      'the input CSV',
    ),
  ).action(async (classifierId: string, csv: string, flags: PredictFlags) => {
    if (!existsSync(csv)) throw new InvalidArgumentError(`no such file: ${csv}`);
    const client = serviceClient(flags);
    const [classifier] = await lastValueFrom(
      classifiers$(client).pipe(
        filter((c) => c.classifier_id === classifierId),
        toArray(),
      ),
    );
    if (!classifier) throw new ValidationError('classifier id', [`no classifier '${classifierId}'`]);
    if (classifier.status !== 'running' || !classifier.url || !classifier.api_key) {
      throw new ValidationError('classifier', [`'${classifierId}' is ${classifier.status}, not running`]);
    }
    // Decoded (UTF-8 or Shift_JIS, detected unless --encoding), then sent as UTF-8 JSON.
    const text = await readCsvText(csv, flags.encoding);
    const sink = flags.out ? createWriteStream(flags.out) : undefined;
    const write = (s: string) => (sink ? sink.write(s) : out.stdout.write(s));
    let header: string[] | undefined;
    let rows = 0;
    try {
      await lastValueFrom(
        of(text).pipe(
          predict$(
            client,
            { url: classifier.url, apiKey: classifier.api_key },
            { batchSize: flags.batchSize, concurrency: flags.concurrency, includeInput: flags.includeInput, passColumn: flags.passColumn },
          ),
          tap((batch) => {
            if (batch.rows.length === 0) return;
            header ??= Object.keys(batch.rows[0]);
            // Each request numbers its rows from 1: number them across the whole file instead.
            const data = batch.rows.map((r, i) => header!.map((h) => (h === 'row' && 'row' in r ? String(rows + i + 1) : (r[h] ?? ''))));
            write(`${Papa.unparse({ fields: header, data }, { newline: '\n', header: batch.index === 0 })}\n`);
            rows += batch.rows.length;
          }),
        ),
        { defaultValue: undefined },
      );
    } finally {
      if (sink) await new Promise<void>((resolve) => sink.end(resolve));
    }
    if (flags.out) out.stderr.write(`wrote ${rows} predictions to ${flags.out}\n`);
  });
}
