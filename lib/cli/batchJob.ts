/**
 * One job of `p1rx batch`: the shared job step ({@link runJobSteps$}) looped in-process, with
 * the checkpoint file as its store, resumable from any record.
 *
 * @packageDocumentation
 */
import { Observable, defer } from 'rxjs';
import {
  headlineMetric,
  newJobRecord,
  runJobSteps$,
  type JobRecord,
  type KeyedTrainingJob,
  type PollOptions,
  type PredictionOneClient,
  type TrainingEvent,
} from 'prediction-one-rx';
import { fileSource, writeResult, type CheckpointRecord, type CheckpointWriter } from 'prediction-one-rx/node';
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
    const record: JobRecord = job.fingerprint === undefined ? start : { ...start, fingerprint: job.fingerprint };
    return runJobSteps$(client, record, {
      job: { ...job, poll },
      persist: (r) => checkpoint.write(r),
      saveResult: async (result) => {
        await writeResult(result, job.resultDir);
        const score = headlineMetric(result.metrics);
        return { resultDir: job.resultDir, score: score && { name: score.name, value: score.value } };
      },
    });
  });
}
