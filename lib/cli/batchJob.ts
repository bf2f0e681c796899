/** One job of `p1rx batch`. */
/**
 * One job of `p1rx batch`: the shared job step ({@link runJobSteps$}) looped in-process, with
 * the checkpoint file as its store, resumable from any record.
 *
 * @packageDocumentation
 */
import { EMPTY, Observable, catchError, concat, defer, from as fromPromise, ignoreElements, tap, throwError } from 'rxjs';
import type { PollOptions, PredictionOneClient, TrainingEvent } from 'prediction-one-rx';
import { headlineMetric } from 'prediction-one-rx/data';
import { newJobRecord, runJobSteps$, type JobRecord, type KeyedTrainingJob } from 'prediction-one-rx/engine';
import { fileSource, writeResult, type CheckpointRecord, type CheckpointWriter } from 'prediction-one-rx/node';
import { StageClock, failureOf } from './batchTimes';
import type { ManifestJob } from './manifest';

/**
 * A manifest job ready to run: where its result goes and where an earlier run left it.
 *
 * @internal
 */
export interface BatchJob extends KeyedTrainingJob {
  readonly manifest: ManifestJob;
  readonly resultDir: string;
  /** The job's last checkpoint record when the batch started, if any (and only if it is of this same job). */
  readonly from?: CheckpointRecord;
  /** What defines the job (`jobFingerprint` of `prediction-one-rx/node`): every record it writes carries it. */
  readonly fingerprint?: string;
}

/** @internal */
export function toBatchJob(manifest: ManifestJob, resultDir: string, from: CheckpointRecord | undefined, fingerprint?: string): BatchJob {
  return {
    key: manifest.key,
    manifest,
    resultDir,
    from,
    fingerprint,
    name: manifest.name,
    config: manifest.config,
    data: { train: fileSource(manifest.csv), evaluation: manifest.eval === undefined ? undefined : fileSource(manifest.eval), encoding: manifest.encoding },
  };
}

/** The metric a summary shows: the library's {@link headlineMetric}. @internal */
export { headlineMetric };

/**
 * Runs one batch job from wherever its checkpoint says it got to, with the shared step
 * function ({@link runJobSteps$}: the same record and step a fleet worker runs): every stage
 * is on disk (write, fdatasync) before the request it announces or right after the answer it
 * records, before the next step starts. So a `kill -9` at any instant leaves a record from
 * which the resume neither uploads a stored upload again nor trains twice:
 *
 * - `uploading`: Train Data Set Info says whether the service has the upload;
 * - `creating`: a status check says whether Create Model took effect;
 * - `training`: poll and download; `downloaded` whose folder is gone: download again.
 *
 * Every record also carries the job's stage times ({@link StageClock}); a job that fails gets
 * one more record, at the stage it had reached, with its failure (typed error, redacted message,
 * recovery hint), so `p1rx report` shows it from the checkpoint alone. The next run clears it.
 *
 * **Cancellation**: unsubscribing aborts the request in flight; a record being written is
 * finished by the checkpoint writer (wait for it with `close()`).
 *
 * @internal
 */
export function runBatchJob$(client: PredictionOneClient, job: BatchJob, checkpoint: CheckpointWriter, poll: PollOptions = {}): Observable<TrainingEvent> {
  return defer(() => {
    const from = job.from;
    // A `downloaded` job whose folder is gone is fetched again: poll once more, then download.
    const start: JobRecord =
      from === undefined ? newJobRecord(job.key) : { ...from, v: 1, ...(from.stage === 'downloaded' ? { stage: 'training', polls: 0 } : {}) };
    // Every record the steps write (they spread the record) says which job it is.
    const { failure: _earlier, ...record }: JobRecord = job.fingerprint === undefined ? start : { ...start, fingerprint: job.fingerprint };
    const clock = new StageClock(() => client.scheduler.now(), record.times);
    // The job's last record on disk (none yet for a new job): the one a failure is added to.
    let durable: JobRecord | undefined = from === undefined ? undefined : record;
    return runJobSteps$(client, record, {
      job: { ...job, poll },
      persist: async (r) => {
        const stamped = clock.stamp(r);
        await checkpoint.write(stamped);
        durable = stamped;
      },
      saveResult: async (result) => {
        await writeResult(result, job.resultDir);
        const score = headlineMetric(result.metrics);
        return { resultDir: job.resultDir, score: score && { name: score.name, value: score.value } };
      },
    }).pipe(
      tap((e) => clock.see(e)),
      catchError((err: unknown) =>
        concat(
          recordFailure(checkpoint, job, durable, clock, err),
          throwError(() => err),
        ),
      ),
    );
  });
}

/**
 * Appends the job's failure to its last durable record. A job that failed before its first
 * record (its first request) has none, and gets none: a batch whose every job failed so leaves
 * no checkpoint to block the next run. A checkpoint that cannot be written any more (the failure
 * itself, a full disk) gets nothing either: the job's error goes on as it is.
 */
function recordFailure(checkpoint: CheckpointWriter, job: BatchJob, last: JobRecord | undefined, clock: StageClock, err: unknown): Observable<never> {
  return defer(() => {
    if (checkpoint.failure || last === undefined) return EMPTY;
    const failure = failureOf(err, { stage: last.stage, externalProcessId: last.externalProcessId, resultDir: job.resultDir });
    return fromPromise(checkpoint.write({ ...last, times: clock.times, failure }).catch(() => undefined));
  }).pipe(ignoreElements());
}
