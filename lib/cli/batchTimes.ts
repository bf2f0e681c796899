/** What a batch driver adds to a job's durable records for its report. */
/**
 * What a batch driver adds to a job's durable records for its report: the time of each stage (from the records it persists and the events it sees) and a failure (typed error, redacted message, recovery hint).
 *
 * @packageDocumentation
 */
import type { TrainingEvent } from 'prediction-one-rx';
import type { JobRecord } from 'prediction-one-rx/engine';
import { redactText } from '../core/redact';
import { errorHint } from './errorHints';
import { recoveryHint } from './outDir';

/** @internal */
export type JobTimes = NonNullable<JobRecord['times']>;
/** @internal */
export type JobFailure = NonNullable<JobRecord['failure']>;

/**
 * Statuses that say the training waits in the service's queue. The vendor's Train Status Check
 * page documents only `finished`; the emulator answers `waiting` before `running`. The first status that is none of these (and not
 * terminal) starts the `training` segment; without one, the queue is part of it.
 */
const WAITING_STATUSES: ReadonlySet<string> = new Set(['waiting', 'queued', 'pending']);

/** Longest failure message kept in a record. */
const MAX_MESSAGE = 1000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TIME_FIELDS = [
  'uploadStart',
  'uploadEnd',
  'queued',
  'trainingStart',
  'trainingEnd',
  'finishedAtService',
  'downloadStart',
  'downloadEnd',
] as const satisfies readonly (keyof JobTimes)[];

/**
 * The stage times of one job: fed with the records a driver persists ({@link StageClock.stamp})
 * and the job's events ({@link StageClock.see}); every record stamped carries all the times
 * known so far, so the last record of a job holds its whole timeline (a compacted checkpoint
 * or a fleet journal keeps only that one).
 *
 * ## Example
 * ```ts
 * const clock = new StageClock(() => Date.now(), from?.times);
 * persist: (r) => checkpoint.write(clock.stamp(r));
 * events.pipe(tap((e) => clock.see(e)));
 * ```
 *
 * @internal
 */
export class StageClock {
  private t: Mutable<JobTimes>;

  constructor(
    private readonly now: () => number,
    from?: JobTimes,
  ) {
    // Read from disk (a resumed record): only the known fields, finite numbers.
    this.t = {};
    for (const name of TIME_FIELDS) {
      const v: unknown = (from as Record<string, unknown> | undefined)?.[name];
      if (typeof v === 'number' && Number.isFinite(v)) this.t[name] = v;
    }
  }

  /** The times known so far. */
  get times(): JobTimes {
    return { ...this.t };
  }

  /** `record` (about to be persisted) with its stage's time noted and every time known; without a failure (the job runs again). */
  stamp(record: JobRecord): JobRecord {
    const now = this.now();
    // A new upload session starts the job's timeline over.
    if (record.stage === 'uploading') this.t = { uploadStart: now };
    else if (record.stage === 'uploaded') this.t.uploadEnd ??= now;
    else if (record.stage === 'training') this.t.queued ??= now;
    else if (record.stage === 'downloaded') this.t.downloadEnd = now;
    const { failure: _cleared, ...rest } = record;
    return { ...rest, times: this.times };
  }

  /** The times known, the download ended now (a driver that sees the job's end but persists no `downloaded` record of its own: the fleet's producer). */
  finish(): JobTimes {
    this.t.downloadEnd ??= this.now();
    return this.times;
  }

  /** Notes what an event of the job says: the upload started or ended, the training was accepted, left the queue, or was seen finished (the download starts). */
  see(event: TrainingEvent): void {
    const now = this.now();
    if (event.type === 'uploadProgress') this.t.uploadStart ??= now;
    else if (event.type === 'uploaded') this.t.uploadEnd ??= now;
    else if (event.type === 'queued') this.t.queued ??= now;
    else if (event.type === 'status') {
      if (event.terminal) {
        this.t.trainingEnd ??= now;
        const service = event.updatedDatetime === undefined ? Number.NaN : Date.parse(event.updatedDatetime);
        if (Number.isFinite(service)) this.t.finishedAtService ??= service;
        this.t.downloadStart = now;
        delete this.t.downloadEnd;
      } else if (!WAITING_STATUSES.has(event.status.toLowerCase())) this.t.trainingStart ??= now;
    }
  }
}

/**
 * A failure as a record keeps it: the error's type, its message without keys or URLs (bounded),
 * and the hints the CLI prints for it: which credential was refused, and, for a training the
 * service accepted, how to follow and fetch it. None for other errors (the report then says
 * what to do by the error's type).
 *
 * ## Example
 * ```ts
 * failureOf(new AuthError(…), { stage: 'new', resultDir: 'out/a' }); // { name: 'AuthError', message: '…', hint: 'the API key was refused …' }
 * ```
 *
 * @internal
 */
export function failureOf(
  err: unknown,
  where: { readonly stage: JobRecord['stage']; readonly externalProcessId?: string; readonly resultDir: string },
): JobFailure {
  let name = err instanceof Error ? err.name : 'Error';
  let raw = err instanceof Error ? err.message : String(err);
  // A fleet job's error is the worker's reason, `<TypedError>: <message>`: the typed error is what counts.
  const wrapped = name === 'FleetJobError' ? /^([A-Z][A-Za-z]*Error): ([\s\S]*)$/.exec(raw) : null;
  if (wrapped) [, name, raw] = wrapped;
  const message = redactText(raw)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, '[URL]')
    .slice(0, MAX_MESSAGE);
  const accepted = (where.stage === 'creating' || where.stage === 'training') && where.externalProcessId !== undefined && name !== 'TrainingFailedError';
  const recovery = accepted
    ? recoveryHint(where.externalProcessId!, { out: where.resultDir })
        .replace(/^p1rx: /, '')
        .split('\n')
        // One line: `…goes on there; follow it: p1rx status …; fetch it later: p1rx download …`.
        .map((line) => line.trim().replace(/\.$/, '').replace(/:\s+/, ': '))
        .join('; ')
    : undefined;
  const hints = [errorHint(err), recovery].filter((h): h is string => h !== undefined);
  const hint = hints.length > 0 ? hints.join('; ') : undefined;
  return { name: name.slice(0, 100), message, ...(hint !== undefined ? { hint } : {}) };
}
