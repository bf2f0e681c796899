/** The models the emulator's classifiers serve. */
import { loadDataset } from './dataset';
import type { Job, JobStore } from './jobs';
import type { EmulatorStore } from './store';
import { ServingModel } from './training/servingModel';
import { TrainingFailure } from './training/trainingFailure';

/**
 * The model a classifier serves: fitted once on the model's training data the first time it is
 * needed (a classifier builds, a retraining compares), then kept in memory, and replaced when a
 * retraining is switched in.
 * @internal
 */
export interface ServingEntry {
  version: string;
  model: Promise<ServingModel>;
}

/**
 * Serving models by model id. Fitting happens lazily rather than when training finishes, so
 * trainings that are never deployed cost nothing extra; it is deterministic (same data, config
 * and seed as the training), so "fit when needed" serves the same model "fit when done" would.
 *
 * ## Example
 * ```ts
 * const { model } = servingModels.get(1);
 * (await model).predict(table);
 * ```
 * @internal
 */
export class ServingModels {
  private readonly entries = new Map<number, ServingEntry>();

  constructor(private readonly deps: { store: EmulatorStore; jobs: JobStore; seed: number; trees?: number; signal: AbortSignal }) {}

  /** The training job that made a model (the emulator links them only through the job). */
  jobOf(modelId: number): Job | undefined {
    for (const id of this.deps.store.sessions.keys()) {
      const job = this.deps.jobs.get(id);
      if (job?.modelId === modelId) return job;
    }
    return undefined;
  }

  /** The serving model of `modelId`, fitting it on first use; rejects with a {@link TrainingFailure}. */
  get(modelId: number): ServingEntry {
    const cached = this.entries.get(modelId);
    if (cached) return cached;
    const model = this.fit(modelId);
    const entry: ServingEntry = { version: this.deps.store.models.get(modelId)?.version ?? '1', model };
    this.entries.set(modelId, entry);
    // A failed fit is not cached: the next request tries again (the model may finish training).
    model.catch(() => {
      if (this.entries.get(modelId) === entry) this.entries.delete(modelId);
    });
    return entry;
  }

  /** Serves `model` as `version` of `modelId` from now on (Retrain Model Switch). */
  replace(modelId: number, version: string, model: ServingModel): void {
    this.entries.set(modelId, { version, model: Promise.resolve(model) });
  }

  private async fit(modelId: number): Promise<ServingModel> {
    if (!this.deps.store.models.has(modelId)) throw new TrainingFailure('This model may be deleted.');
    const job = this.jobOf(modelId);
    if (job === undefined || job.status !== 'finished') throw new TrainingFailure(`Model ${modelId} has not finished training.`);
    const dataset = loadDataset(this.deps.store.session(job.externalProcessId).files, job.externalProcessId);
    return ServingModel.fit(dataset, job.config, this.deps.seed, this.deps.signal, this.deps.trees);
  }
}
