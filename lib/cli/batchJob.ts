/**
 * One job of `p1rx batch`: the training pipeline composed from the endpoint operators, with a
 * checkpoint record written (and fsync'ed) at every stage boundary, and resumable from any
 * record.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, catchError, concat, concatMap, defer, ignoreElements, map, of, switchMap, take, throwError } from 'rxjs';
import {
  TrainingFailedError,
  downloadResult$,
  isUnknownTraining,
  pollStatus$,
  trainOrFollow$,
  upload$,
  type KeyedTrainingJob,
  type Metric,
  type PollOptions,
  type PredictionOneClient,
  type TrainingEvent,
} from 'prediction-one-rx';
import { fileSource, writeResult, type CheckpointRecord, type CheckpointStage, type CheckpointWriter } from 'prediction-one-rx/node';
import type { ManifestJob } from './manifest';

/**
 * A manifest job ready to run: where its result goes and where an earlier run left it.
 *
 * @internal
 */
export interface BatchJob extends KeyedTrainingJob {
  readonly manifest: ManifestJob;
  readonly resultDir: string;
  /** The job's last checkpoint record when the batch started, if any. */
  readonly from?: CheckpointRecord;
}

/** @internal */
export function toBatchJob(manifest: ManifestJob, resultDir: string, from: CheckpointRecord | undefined): BatchJob {
  return {
    key: manifest.key,
    manifest,
    resultDir,
    from,
    name: manifest.name,
    config: manifest.config,
    data: { train: fileSource(manifest.csv), evaluation: manifest.eval === undefined ? undefined : fileSource(manifest.eval) },
  };
}

/**
 * The metric a summary shows: accuracy for classification, r2 for regression, else the first.
 *
 * @internal
 */
export function headlineMetric(metrics: readonly Metric[]): Metric | undefined {
  return metrics.find((m) => m.name === 'accuracy') ?? metrics.find((m) => m.name === 'r2') ?? metrics[0];
}

/**
 * Asks once whether a training exists for `externalProcessId`: true when the status call
 * answers a status (even `failed`), false when it answers 400/404 (unknown id, no model
 * created yet). Any other error (network, 5xx after retries, a refused key) is passed on:
 * when in doubt, never guess "not started", since that would train twice.
 *
 * @internal
 */
export function trainingExists$(client: PredictionOneClient, externalProcessId: string, poll: PollOptions = {}): Observable<boolean> {
  return of({ externalProcessId }).pipe(
    pollStatus$(client, poll),
    take(1),
    map(() => true),
    catchError((err: unknown) => {
      if (err instanceof TrainingFailedError) return of(true);
      if (isUnknownTraining(err)) return of(false);
      return throwError(() => err);
    }),
  );
}

/**
 * Runs one batch job from wherever its checkpoint says it got to:
 *
 * - nothing: upload → `uploaded` → `training-requested` → Create Model → `training-started`
 *   → poll → download → write `<resultDir>` → `downloaded`;
 * - `uploaded`: `training-requested` → Create Model → …;
 * - `training-requested`: one status call first; Create Model is sent only if the service
 *   does not know the training;
 * - `training-started` (or `downloaded` whose folder is gone): poll → download → ….
 *
 * Every record is on disk before the next stage starts (the writer fsyncs), so a crash at any
 * instant can only lose work in progress, never make the checkpoint claim too little about
 * uploads or trainings (which would repeat them).
 *
 * **Cancellation**: unsubscribing aborts the request in flight; a record being written is
 * finished by the checkpoint writer (wait for it with `close()`).
 *
 * @internal
 */
export function runBatchJob$(
  client: PredictionOneClient,
  job: BatchJob,
  checkpoint: CheckpointWriter,
  poll: PollOptions = {},
): Observable<TrainingEvent> {
  return defer(() => {
    let externalProcessId = job.from?.externalProcessId;
    const record = (stage: CheckpointStage, extra: Partial<CheckpointRecord> = {}): Observable<never> =>
      defer(() => checkpoint.write({ key: job.key, stage, externalProcessId, ...extra })).pipe(ignoreElements());

    const afterUpload: OperatorFunction<TrainingEvent, TrainingEvent> = concatMap((e) => {
      if (e.type !== 'uploaded') return of(e);
      externalProcessId = e.externalProcessId;
      // `training-requested` goes to disk before Create Model is sent: a crash while it is in
      // flight leaves a record that makes the resume ask the service before sending it again.
      return concat(record('uploaded'), record('training-requested'), of(e));
    });
    const afterTrain: OperatorFunction<TrainingEvent, TrainingEvent> = concatMap((e) =>
      e.type === 'queued' ? concat(record('training-started'), of(e)) : of(e),
    );
    const afterDownload: OperatorFunction<TrainingEvent, TrainingEvent> = concatMap((e) => {
      if (e.type !== 'completed') return of(e);
      const score = headlineMetric(e.result.metrics);
      return concat(
        defer(() => writeResult(e.result, job.resultDir)).pipe(ignoreElements()),
        record('downloaded', { resultDir: job.resultDir, score: score && { name: score.name, value: score.value } }),
        of(e),
      );
    });

    // Follows the training after an ambiguous Create Model instead of failing the job.
    const train = trainOrFollow$(client, { name: job.name, config: job.config, poll });
    const finish = (): OperatorFunction<TrainingEvent | { externalProcessId: string }, TrainingEvent> => (source) =>
      source.pipe(pollStatus$(client, poll), downloadResult$(client), afterDownload);
    const trainAndFinish = (id: string) => of({ externalProcessId: id }).pipe(train, afterTrain, finish());

    const stage = job.from?.stage;
    if (externalProcessId === undefined || stage === undefined) {
      return of(job.data).pipe(upload$(client), afterUpload, train, afterTrain, finish());
    }
    const id = externalProcessId;
    switch (stage) {
      case 'uploaded':
        return concat(record('training-requested'), trainAndFinish(id));
      case 'training-requested':
        return trainingExists$(client, id, poll).pipe(
          switchMap((exists) => (exists ? concat(record('training-started'), of({ externalProcessId: id }).pipe(finish())) : trainAndFinish(id))),
        );
      case 'training-started':
      case 'downloaded':
        return of({ externalProcessId: id }).pipe(finish());
    }
  });
}
