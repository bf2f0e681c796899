/** A hash of what defines a training job, to tell a changed job on resume. */
/**
 * What defines a training job, hashed, so a resumed batch can tell a job that changed since its
 * checkpoint from the one it recorded.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { TrainingJob } from '../pipeline/trainModel';

/**
 * A job's definition on disk: its data files (hashed by content), model name, config and
 * column types.
 *
 * ## Example
 * ```ts
 * const job: FingerprintedJob = { train: 'shop-12.csv', name: 'shop-12', config: { tt: 'regression', tc: 'sales' } };
 * ```
 */
export interface FingerprintedJob {
  /** Path of the training CSV. */
  readonly train: string;
  /** Path of the evaluation CSV, if any. */
  readonly evaluation?: string;
  readonly name: string;
  readonly config: TrainingJob['config'];
  /** Column types, if given. */
  readonly columns?: TrainingJob['data']['columns'];
}

/**
 * One part of what defines a job.
 *
 * ## Example
 * ```ts
 * const part: FingerprintPart = 'config';
 * ```
 */
export type FingerprintPart = 'data' | 'config' | 'name' | 'columns';

/** The parts of a fingerprint, in the order they are written. */
const PARTS: readonly FingerprintPart[] = ['data', 'config', 'name', 'columns'];

/**
 * The fingerprint of a job: `p1rx1;data=<sha-256 of the files>;config=…;name=…;columns=…`
 * (SHA-256 in hex; the files are streamed, never held in memory). The core {@link engine!JobRecord}
 * keeps it as an opaque string; {@link changedParts} tells which parts differ.
 *
 * **Errors**: file-system errors of reading the data.
 *
 * ## Example
 * ```ts
 * const fp = await jobFingerprint({ train: 'a.csv', name: 'a', config });
 * if (record.fingerprint !== undefined && record.fingerprint !== fp) console.log('changed:', changedParts(record.fingerprint, fp));
 * ```
 *
 * @param job - The job's files and settings.
 * @returns The fingerprint.
 */
export async function jobFingerprint(job: FingerprintedJob): Promise<string> {
  const data = createHash('sha256');
  data.update(`train:${await fileSha256(job.train)}\n`);
  data.update(`evaluation:${job.evaluation === undefined ? '-' : await fileSha256(job.evaluation)}\n`);
  const parts: Record<FingerprintPart, string> = {
    data: data.digest('hex'),
    config: sha256(canonicalJson(job.config)),
    name: sha256(job.name),
    columns: sha256(job.columns === undefined ? '-' : canonicalJson(job.columns)),
  };
  return ['p1rx1', ...PARTS.map((p) => `${p}=${parts[p]}`)].join(';');
}

/**
 * Which parts of a job differ between two fingerprints (all of them when either is not of this
 * format).
 *
 * ## Example
 * ```ts
 * changedParts(record.fingerprint, fp); // ['data', 'config']
 * ```
 *
 * @param before - The recorded fingerprint.
 * @param after - The job's fingerprint now.
 * @returns The parts that changed, empty when the job is the same.
 */
export function changedParts(before: string, after: string): FingerprintPart[] {
  if (before === after) return [];
  const a = parse(before);
  const b = parse(after);
  if (!a || !b) return [...PARTS];
  return PARTS.filter((p) => a.get(p) !== b.get(p));
}

function parse(fp: string): Map<string, string> | undefined {
  const [version, ...rest] = fp.split(';');
  if (version !== 'p1rx1') return undefined;
  return new Map(rest.map((kv) => kv.split('=') as [string, string]));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** JSON with object keys sorted, so `{ tt, tc }` and `{ tc, tt }` hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
