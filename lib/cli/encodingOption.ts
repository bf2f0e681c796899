/** The --encoding option and reading CSV files with it. */
/**
 * `--encoding`: the text encoding of the CSV files a command reads, and reading them with it.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { CsvEncoding } from 'prediction-one-rx';
import { decodeCsv } from 'prediction-one-rx/data';

/**
 * Adds `--encoding <name>` to a command: `utf-8` or `shift_jis` (also `sjis`, `cp932`,
 * `windows-31j`…); without it each file's encoding is detected (UTF-8 with or without a BOM, or
 * Shift_JIS/CP932).
 *
 * @internal
 */
export function withEncodingFlag(command: Command, what = 'the CSV files'): Command {
  return command.option('--encoding <name>', `text encoding of ${what}: utf-8 or shift_jis (cp932); detected when omitted`, parseEncodingOption);
}

const LABELS: Readonly<Record<string, CsvEncoding>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-8-sig': 'utf-8',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
  'windows-31j': 'shift_jis',
};

/**
 * The encoding a user's label names (`utf8`, `UTF-8`, `utf-8-sig`, `Shift_JIS`, `sjis`,
 * `cp932`, `ms932`, `windows-31j`, any case), or `undefined` for any other label.
 *
 * @internal
 */
export function csvEncodingOf(label: string): CsvEncoding | undefined {
  return LABELS[label.trim().toLowerCase()];
}

/** Parses `--encoding`. @internal */
export function parseEncodingOption(value: string): CsvEncoding {
  const encoding = csvEncodingOf(value);
  if (encoding === undefined) throw new InvalidArgumentError(`--encoding must be utf-8 or shift_jis (cp932), got '${value}'`);
  return encoding;
}

/**
 * A whole CSV file as text: decoded with `encoding`, or the detected one (UTF-8, BOM dropped,
 * or Shift_JIS).
 *
 * @internal
 */
export async function readCsvText(file: string, encoding?: CsvEncoding): Promise<string> {
  return decodeCsv(await readFile(file), { encoding }).text;
}
