/** The emulator's training jobs. */
import type { TimerSet } from './timers';
import type { TrainingConfig } from './trainingConfig';
import type { EmulatorJobStatus } from './types';
import { TrainingFailure } from './training/trainingFailure';

/**
 * One training job, keyed by the upload's `external_process_id`.
 * @internal
 */
export interface Job {
  externalProcessId: string;
  status: EmulatorJobStatus;
  createdAt: string;
  updatedAt: string;
  /** Create Model calls for this upload; more than one means the client trained twice. */
  modelsCreated: number;
  modelId: number;
  /** The validated config of the latest Create Model. */
  config: TrainingConfig;
  resultUrl?: string;
  failure?: string;
  /** Set by an injected `failTraining` fault: the training ends `failed` with this message. */
  injectedFailure?: string;
  /** Bumped on every (re)start, so a superseded run cannot overwrite a newer one. */
  generation: number;
  timers: NodeJS.Timeout[];
}

/**
 * What the job store needs from the rest of the emulator.
 * @internal
 */
export interface JobDeps {
  timers: TimerSet;
  manual: boolean;
  delayMs: number;
  /** Trains the upload's model and returns the signed result URL; throws `TrainingFailure` when it cannot. */
  train: (job: Job) => Promise<string>;
  log: (line: string) => void;
}

/**
 * The job state machine: `waiting → running → finished`, or `failed` (no result). Timed mode
 * spends a quarter of `delayMs` waiting and the rest running, then trains for real; manual mode
 * moves only on {@link JobStore.advance}. A second Create Model for the same upload restarts the
 * job (counted in `modelsCreated`), since the documentation says nothing about it.
 *
 * ## Example
 * ```ts
 * const jobs = new JobStore({ timers, manual: true, delayMs: 0, train, log: () => {} });
 * jobs.start('id', 1, config);
 * await jobs.advance('id', 'finished');
 * ```
 * @internal
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: JobDeps) {}

  /** The job of an upload, if a model was created for it. */
  get(externalProcessId: string): Job | undefined {
    return this.jobs.get(externalProcessId);
  }

  /** Every job, in creation order. */
  all(): IterableIterator<Job> {
    return this.jobs.values();
  }

  /**
   * Creates (or restarts) the job for a new model and schedules it in timed mode. With
   * `injectedFailure`, its training ends `failed` with that message instead of running.
   */
  start(externalProcessId: string, modelId: number, config: TrainingConfig, opts: { injectedFailure?: string } = {}): Job {
    const now = new Date().toISOString();
    const previous = this.jobs.get(externalProcessId);
    previous?.timers.forEach((t) => this.deps.timers.clear(t));
    const job: Job = {
      externalProcessId,
      status: 'waiting',
      createdAt: now,
      updatedAt: now,
      modelsCreated: (previous?.modelsCreated ?? 0) + 1,
      modelId,
      config,
      injectedFailure: opts.injectedFailure,
      generation: (previous?.generation ?? 0) + 1,
      timers: [],
    };
    this.jobs.set(externalProcessId, job);
    if (!this.deps.manual) {
      const { delayMs } = this.deps;
      job.timers.push(this.deps.timers.set(() => this.setStatus(job, 'running'), Math.floor(delayMs / 4)));
      job.timers.push(this.deps.timers.set(() => void this.track(this.train(job, job.generation)), delayMs));
    }
    return job;
  }

  /** Moves a job by hand; `finished` trains first and may end `failed`. */
  async advance(externalProcessId: string, status: EmulatorJobStatus): Promise<void> {
    const job = this.jobs.get(externalProcessId);
    if (job === undefined) throw new Error(`No job for external_process_id '${externalProcessId}' (create a model first).`);
    job.timers.forEach((t) => this.deps.timers.clear(t));
    job.timers = [];
    if (status === 'finished') {
      job.generation++;
      return this.track(this.train(job, job.generation));
    }
    job.resultUrl = undefined;
    job.failure = status === 'failed' ? 'Marked failed by emulator.advance().' : undefined;
    this.setStatus(job, status);
  }

  /** Resolves when every training in flight has settled (they stop early once the signal aborts). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async train(job: Job, generation: number): Promise<void> {
    this.setStatus(job, 'running');
    let outcome: { resultUrl?: string; failure?: string };
    try {
      if (job.injectedFailure !== undefined) throw new TrainingFailure(job.injectedFailure);
      outcome = { resultUrl: await this.deps.train(job) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof TrainingFailure)) this.deps.log(`training error for ${job.externalProcessId}: ${message}`);
      outcome = { failure: message };
    }
    if (job.generation !== generation || this.jobs.get(job.externalProcessId) !== job) return;
    job.resultUrl = outcome.resultUrl;
    job.failure = outcome.failure;
    this.setStatus(job, outcome.resultUrl === undefined ? 'failed' : 'finished');
  }

  private track(p: Promise<void>): Promise<void> {
    this.running.add(p);
    return p.finally(() => this.running.delete(p));
  }

  private setStatus(job: Job, status: EmulatorJobStatus): void {
    job.status = status;
    job.updatedAt = new Date().toISOString();
  }
}
