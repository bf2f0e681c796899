/** Batch manifests, as JSON or CSV. */
/**
 * Batch manifests: the list of trainings `p1rx batch` runs, as JSON or CSV.
 *
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { CsvEncoding, TaskType, TrainingConfig } from 'prediction-one-rx';
import { trainingConfigIssues } from 'prediction-one-rx/data';
import { readCsvText } from './encodingOption';

/**
 * One job of a manifest, checked, with absolute file paths.
 *
 * @internal
 */
export interface ManifestJob {
  /** Names the job in output, in the checkpoint and as its result folder `<out>/<key>/`. */
  readonly key: string;
  /** Training CSV (absolute). */
  readonly csv: string;
  /** Evaluation CSV (absolute), if any. */
  readonly eval?: string;
  /** Model name (default: the key). */
  readonly name: string;
  readonly config: TrainingConfig;
  /** Where the job is in the manifest, for messages: `line 3` (CSV) or `entry 2` (JSON). */
  readonly where: string;
  /** Text encoding of its files (`--encoding`); detected when absent. */
  readonly encoding?: CsvEncoding;
}

/**
 * A manifest that cannot be run, with every problem found (each naming its line or entry).
 *
 * @internal
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly file: string,
    readonly issues: readonly string[],
  ) {
    super(`${file}: ${issues.length === 1 ? issues[0] : `${issues.length} problems\n  ${issues.join('\n  ')}`}`);
  }
}

/** The fields a job may have, in JSON and as CSV columns. */
export const MANIFEST_FIELDS = ['key', 'csv', 'target', 'type', 'positive', 'cv', 'name', 'eval'] as const;
const TASK_TYPES: readonly TaskType[] = ['binary_classification', 'multi_classification', 'regression'];
/** A key becomes a folder name: keep it portable and unable to escape `<out>`. */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

type RawJob = Record<string, unknown>;

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseJson(text: string): { jobs: { raw: unknown; where: string }[]; issues: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const at = position ? (({ line, column }) => ` at line ${line} column ${column}`)(lineColumn(text, Number(position[1]))) : '';
    return { jobs: [], issues: [`invalid JSON${at}: ${message}`] };
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { jobs?: unknown }).jobs)
      ? (parsed as { jobs: unknown[] }).jobs
      : undefined;
  if (!list) return { jobs: [], issues: ['expected an array of jobs or an object { "jobs": [...] }'] };
  const lines = entryLines(text);
  return { jobs: list.map((raw, i) => ({ raw, where: lines[i] === undefined ? `entry ${i + 1}` : `line ${lines[i]}, entry ${i + 1}` })), issues: [] };
}

/**
 * The line each job of a JSON manifest starts on (the top-level array's elements, or those of
 * the top-level object's `jobs` array), for messages a user can find in an editor. Called on
 * text `JSON.parse` accepted.
 */
function entryLines(text: string): number[] {
  const starts: number[] = [];
  const stack: string[] = [];
  let line = 1;
  let inString = false;
  let escaped = false;
  let key = '';
  let listDepth = -1;
  let awaiting = false;
  for (const ch of text) {
    if (ch === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      else key += ch;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\uFEFF') continue;
    if (awaiting && stack.length === listDepth && ch !== ']') {
      starts.push(line);
      awaiting = false;
    }
    if (ch === '"') {
      inString = true;
      key = '';
    } else if (ch === '[' || ch === '{') {
      stack.push(ch);
      const isList = ch === '[' && listDepth === -1 && (stack.length === 1 || (stack.length === 2 && stack[0] === '{' && key === 'jobs'));
      if (isList) [listDepth, awaiting] = [stack.length, true];
    } else if (ch === ']' || ch === '}') {
      if (stack.length === listDepth) listDepth = -2;
      stack.pop();
    } else if (ch === ',' && stack.length === listDepth) {
      awaiting = true;
    }
  }
  return starts;
}

function parseCsvManifest(text: string): { jobs: { raw: unknown; where: string }[]; issues: string[] } {
  const csv = text.replace(/^\uFEFF/, '');
  // Rows are read one at a time to know where each starts: a quoted cell may span lines, so
  // "row number + 1" is not the line a user sees in an editor.
  const records: string[][] = [];
  const lines: number[] = [];
  const issues: string[] = [];
  let cursor = 0;
  let line = 1;
  Papa.parse<string[]>(csv, {
    skipEmptyLines: false,
    step: (results) => {
      records.push(results.data);
      lines.push(line);
      for (const e of results.errors) if (e.type !== 'Delimiter') issues.push(`line ${line}: ${e.message}`);
      const end = results.meta.cursor;
      for (let i = cursor; i < end; i++) if (csv.charCodeAt(i) === 10) line++;
      cursor = end;
    },
  });
  const [header, ...rows] = records;
  if (!header || header.every((h) => h.trim() === '')) return { jobs: [], issues: ['the CSV has no header row'] };
  const names = header.map((h) => h.trim());
  const unknown = names.filter((n) => !(MANIFEST_FIELDS as readonly string[]).includes(n));
  if (unknown.length > 0) issues.push(`line 1: unknown column ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${MANIFEST_FIELDS.join(', ')})`);
  const jobs: { raw: unknown; where: string }[] = [];
  rows.forEach((row, i) => {
    if (row.every((cell) => cell.trim() === '')) return;
    const where = `line ${lines[i + 1]}`;
    if (row.length > names.length) {
      issues.push(`${where}: ${row.length} cells, but the header has ${names.length} columns`);
      return;
    }
    const raw: RawJob = {};
    names.forEach((n, c) => {
      const cell = (row[c] ?? '').trim();
      if (cell !== '') raw[n] = cell;
    });
    jobs.push({ raw, where });
  });
  return { jobs, issues };
}

function checkJob(raw: unknown, where: string, dir: string): { job?: ManifestJob; issues: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { issues: [`${where}: expected an object with csv, target, type`] };
  const r = raw as RawJob;
  const issues: string[] = [];
  const unknown = Object.keys(r).filter((k) => !(MANIFEST_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) issues.push(`unknown field ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${MANIFEST_FIELDS.join(', ')})`);
  const text = (field: string): string | undefined => {
    const v = r[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v.trim() === '' ? undefined : v;
    if (typeof v === 'number' && field !== 'csv' && field !== 'eval') return String(v);
    issues.push(`'${field}' must be a string`);
    return undefined;
  };
  const file = (field: 'csv' | 'eval'): string | undefined => {
    const given = text(field);
    if (given === undefined) return undefined;
    const resolved = path.resolve(dir, given);
    if (!existsSync(resolved)) issues.push(`${field} file not found: ${given} (looked for ${resolved})`);
    else if (!statSync(resolved).isFile()) issues.push(`${field} is not a file: ${given}`);
    return resolved;
  };
  const csv = file('csv');
  if (r.csv === undefined || r.csv === null || r.csv === '') issues.push("missing 'csv' (the training data file)");
  const evaluation = file('eval');
  const target = text('target');
  if (target === undefined) issues.push("missing 'target' (the column to predict)");
  const type = text('type');
  if (type === undefined) issues.push(`missing 'type' (one of ${TASK_TYPES.join(', ')})`);
  else if (!(TASK_TYPES as readonly string[]).includes(type)) issues.push(`unknown task type '${type}' (expected one of ${TASK_TYPES.join(', ')})`);
  const positive = text('positive');
  // Sent as a string, the form of the vendor's only wire example (`"cv": "2"`).
  let cv: `${number}` | undefined;
  if (r.cv !== undefined && r.cv !== null && r.cv !== '') {
    const n = Number(r.cv);
    if (!Number.isInteger(n)) issues.push(`'cv' must be an integer, got ${JSON.stringify(r.cv)}`);
    else cv = `${n}`;
  }
  const key = text('key') ?? (csv ? path.basename(csv, path.extname(csv)) : undefined);
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    issues.push(`key '${key}' must be letters, digits, '.', '_' or '-' (it names the result folder)`);
  }
  const name = text('name') ?? key;
  if (issues.length === 0 && target !== undefined && type !== undefined) {
    const config = { tt: type, tc: target, ...(positive === undefined ? {} : { tv: positive }), ...(cv === undefined ? {} : { cv }) };
    const configIssues = trainingConfigIssues(config).map((i) =>
      i
        .replace(/^tv is required.*/, `missing 'positive' (required for binary_classification)`)
        .replace(/^tv is only.*/, `'positive' is only for binary_classification`),
    );
    issues.push(...configIssues);
    if (issues.length === 0) {
      return { job: { key: key!, csv: csv!, eval: evaluation, name: name!, config: config as TrainingConfig, where }, issues };
    }
  }
  const label = key === undefined ? where : `${where} (key '${key}')`;
  return { issues: issues.map((i) => `${label}: ${i}`) };
}

/**
 * Parses and checks a manifest's text. JSON is an array of jobs or `{ "jobs": [...] }`; CSV
 * has a header row with columns among {@link MANIFEST_FIELDS} and one job per row. Relative
 * file paths are resolved against `dir`. Every problem is collected, each naming its line
 * (CSV) or entry (JSON): missing fields, unknown task types, missing files, duplicate keys,
 * invalid JSON with its line and column.
 *
 * @internal
 */
export function parseManifest(text: string, format: 'json' | 'csv', dir: string, file = 'manifest'): ManifestJob[] {
  const { jobs: raws, issues } = format === 'json' ? parseJson(text) : parseCsvManifest(text);
  const jobs: ManifestJob[] = [];
  const seen = new Map<string, string>();
  for (const { raw, where } of raws) {
    const checked = checkJob(raw, where, dir);
    issues.push(...checked.issues);
    if (!checked.job) continue;
    const first = seen.get(checked.job.key);
    if (first !== undefined) issues.push(`${where}: duplicate key '${checked.job.key}' (first used at ${first})`);
    else seen.set(checked.job.key, where);
    jobs.push(checked.job);
  }
  if (issues.length === 0 && jobs.length === 0) issues.push('no jobs');
  if (issues.length > 0) throw new ManifestError(file, issues);
  return jobs;
}

/**
 * Reads a manifest file: `.csv` is CSV, anything else JSON (`.json`, `.jsonc`…). Its encoding
 * is detected (UTF-8 with or without a BOM, or Shift_JIS as Excel saves a Japanese CSV).
 *
 * @internal
 */
export async function readManifest(file: string): Promise<ManifestJob[]> {
  let text: string;
  try {
    text = await readCsvText(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(file, [code === 'ENOENT' ? 'manifest file not found' : `cannot read the manifest (${code ?? String(err)})`]);
  }
  const format = path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'json';
  return parseManifest(text, format, path.dirname(path.resolve(file)), file);
}
