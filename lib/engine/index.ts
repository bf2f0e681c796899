/** Running many trainings, imported as `prediction-one-rx/engine` (browser-safe). */
/**
 * Running many trainings, imported as `prediction-one-rx/engine` (browser-safe): batches with a
 * concurrency limit ({@link trainEach$}, {@link createJobQueue}), the durable step engine that
 * the CLI's checkpointed batches and the BullMQ fleet drive ({@link jobStep$},
 * {@link runJobSteps$}: a {@link JobRecord} saved between steps means no upload and no training
 * twice), and the rules such a driver needs ({@link trainOrFollow$}, {@link isUnknownTraining};
 * the local data checks are `trainingDataIssues` in `prediction-one-rx/data`). One training needs none of this: `trainModel$` from
 * `prediction-one-rx`. See docs/ENTRIES.md and docs/EVENT_PROCESSORS.md.
 *
 * ## Example
 * ```ts
 * import { createClient } from 'prediction-one-rx';
 * import { trainEachFrom$ } from 'prediction-one-rx/engine';
 *
 * trainEachFrom$(createClient({ secretKey }), jobs, { concurrency: 4 }).subscribe((e) => e.type === 'failed' && console.error(e.key, e.error.name));
 * ```
 *
 * @packageDocumentation
 */
export { trainEach$, trainEachFrom$ } from '../pipeline/trainEach';
export type { KeyedTrainingJob, JobEvent, TrainEachOptions } from '../pipeline/trainEach';
export { createJobQueue } from '../pipeline/jobQueue';
export type { JobQueue, JobQueueOptions } from '../pipeline/jobQueue';
export { jobStep$, jobStepper, runJobSteps$, isJobStepped, newJobRecord } from '../pipeline/jobStep';
export type { JobRecord, JobStage, JobStepped, JobStepContext, JobStepOutput } from '../pipeline/jobStep';
export { JOB_RECORD_VERSION, readJobRecord } from '../pipeline/engine';
export { trainOrFollow$ } from '../pipeline/trainOrFollow';
export { isUnknownTraining } from '../core/trainingRules';
