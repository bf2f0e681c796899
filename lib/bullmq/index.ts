/** A fleet of workers on BullMQ (Redis). */
/**
 * A fleet of workers on BullMQ (Redis): one batch of trainings shared by many processes,
 * surviving a worker's crash without uploading or training anything twice. Import from
 * `prediction-one-rx/bullmq`; `bullmq` and `ioredis` are optional peer dependencies (install
 * them to use this entry). See docs/FLEET.md.
 *
 * @packageDocumentation
 */
export { enqueueTrainings, trainingJobId, parseTrainingJobId, fleetNameIssue, jobResultDir } from './jobs';
export type { FleetTraining, FleetDataSource, FleetPollOptions, FleetJobData, FleetJobResult, EnqueueOptions, EnqueueReport } from './jobs';
export { trainingProcessor, isUnrecoverable, JobLockLostError } from './processor';
export type { TrainingProcessorOptions } from './processor';
export { createTrainingWorker } from './worker';
export type { ActivationEnd, ActivationObserver, TrainingWorker, TrainingWorkerOptions } from './worker';
export { fleetEvents$, FleetJobError } from './events';
export type { FleetEvent } from './events';
export { createFleet, ClaimLostError } from './fleet';
export type { Fleet, FleetOptions, BackoffWindow, ClaimAnswer } from './fleet';
export { checkRedisForFleet, checkCredentials, probeRedis } from './preflight';
export type { RedisCheck, RedisCommander } from './preflight';
export { redisWhere, redisErrorLine } from './redisLine';
export type { RedisLike, RedisOptionsLike, QueueLike, QueueEventsLike, TrainingJobLike, TrainingBullWorker, FinishedJob } from './peerTypes';
