/** Test controls of the emulator's retraining and prediction APIs. */
import { ClassifierStore, type EmulatorClassifierStatus } from './classifiers';
import type { JobStore } from './jobs';
import type { ResolvedOptions } from './options';
import { RetrainJobStore, type EmulatorRetrainStatus } from './retrainJobs';
import { ServingModels } from './servingModels';
import type { EmulatorStore } from './store';
import type { TimerSet } from './timers';

/**
 * Test controls of the retraining and prediction-API parts of the emulator (part of
 * {@link Emulator}).
 *
 * ## Example
 * ```ts
 * const emulator = await startEmulator({ manual: true });
 * await emulator.advanceClassifier(classifierId, 'running');
 * emulator.classifier(classifierId)?.status; // 'running'
 * ```
 */
export interface DeploymentControls {
  /** Moves a retraining job; `job_finished` retrains first (and ends `failed` if it cannot). */
  advanceRetrain(retrainJobId: string, status: EmulatorRetrainStatus): Promise<void>;
  /** State of a retraining job. */
  retrainJob(retrainJobId: string): { status: EmulatorRetrainStatus; modelId: number; message?: string } | undefined;
  /** Moves a classifier; `running` builds its serving model first (and ends `failed` if it cannot). */
  advanceClassifier(classifierId: string, status: EmulatorClassifierStatus): Promise<void>;
  /** State of a classifier. */
  classifier(classifierId: string): { status: EmulatorClassifierStatus; modelId: number; version: string; active: boolean } | undefined;
  /**
   * Deletes a job behind the API's back (a state the API cannot create). A retraining job id:
   * its status and switch answer `This job may be deleted.` A training job's
   * `external_process_id`: Retrain Data Upload for its model answers `This job may be deleted.`
   * Returns false for an unknown id.
   */
  deleteJob(id: string): boolean;
  /** Loses a model's configuration file: Retrain Data Upload answers HTTP 500 `5001000201 Not found configuration_file.` */
  deleteModelConfiguration(modelId: number): void;
}

/**
 * The retraining jobs, classifiers and serving models of one emulator.
 * @internal
 */
export interface Deployments {
  serving: ServingModels;
  retrain: RetrainJobStore;
  classifiers: ClassifierStore;
  controls: DeploymentControls;
  /** Resolves when every retraining and build in flight has settled. */
  settle(): Promise<void>;
}

/**
 * Builds the retraining and prediction-API state of an emulator, sharing its timers (cleared
 * by `close()`) and its training abort signal.
 *
 * ## Example
 * ```ts
 * const deployments = createDeployments({ store, jobs, timers, options, signal, log });
 * ```
 * @internal
 */
export function createDeployments(deps: {
  store: EmulatorStore;
  jobs: JobStore;
  timers: TimerSet;
  options: ResolvedOptions;
  signal: AbortSignal;
  log: (line: string) => void;
}): Deployments {
  const { store, jobs, timers, options, signal, log } = deps;
  const serving = new ServingModels({ store, jobs, seed: options.seed, trees: options.trainingTrees, signal });
  const common = { store, serving, timers, manual: options.manual, delayMs: options.trainingDelayMs, log };
  const retrain = new RetrainJobStore({ ...common, seed: options.seed, trees: options.trainingTrees, signal });
  const classifiers = new ClassifierStore(common);
  return {
    serving,
    retrain,
    classifiers,
    controls: {
      advanceRetrain: (id, status) => retrain.advance(id, status),
      retrainJob: (id) => {
        const job = retrain.jobs.get(id);
        return job && { status: job.status, modelId: job.modelId, message: job.message };
      },
      advanceClassifier: (id, status) => classifiers.advance(id, status),
      classifier: (id) => {
        const c = classifiers.classifiers.get(id);
        return c && { status: c.status, modelId: c.model_id, version: c.version, active: c.active };
      },
      deleteJob: (id) => {
        const retrainJob = retrain.jobs.get(id);
        if (retrainJob !== undefined) {
          retrainJob.deleted = true;
          return true;
        }
        const trainingJob = jobs.get(id);
        if (trainingJob === undefined) return false;
        retrain.trainingJobDeleted.add(trainingJob.modelId);
        return true;
      },
      deleteModelConfiguration: (modelId) => {
        retrain.configurationMissing.add(modelId);
      },
    },
    settle: async () => {
      await Promise.allSettled([retrain.settle(), classifiers.settle()]);
    },
  };
}
