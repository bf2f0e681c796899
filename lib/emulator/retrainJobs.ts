/** The emulator's retraining jobs. */
import { unzipSync } from 'fflate';
import { writeCsv } from './csv';
import { loadDataset, type UploadedFiles } from './dataset';
import { EmulatorFault } from './errors';
import type { ServingModels } from './servingModels';
import { newId } from './signing';
import type { EmulatorStore } from './store';
import type { TimerSet } from './timers';
import { validateConfig } from './trainingConfig';
import { buildResultZip } from './training/resultZip';
import type { Metric } from './training/metrics';
import { ServingModel } from './training/servingModel';
import { runTraining } from './training/train';
import { TrainingFailure } from './training/trainingFailure';

/**
 * Status of a retraining job in the emulator: `upload_waiting` until the data is PUT, then
 * `waiting → running → job_finished`, or `failed` (with a `message`).
 *
 * ## Example
 * ```ts
 * await emulator.advanceRetrain(id, 'job_finished' satisfies EmulatorRetrainStatus);
 * ```
 */
export type EmulatorRetrainStatus = 'upload_waiting' | 'waiting' | 'running' | 'job_finished' | 'failed';

/** One retraining job. @internal */
export interface RetrainJob {
  id: string;
  modelId: number;
  fileName: string;
  uploaded?: Uint8Array;
  status: EmulatorRetrainStatus;
  message?: string;
  downloadUrl?: string;
  /** The retrained serving model, switched in by Retrain Model Switch. */
  model?: ServingModel;
  switched: boolean;
  /** Set by an injected `failTraining` fault on the upload: the retraining ends `failed` with this message. */
  injectedFailure?: string;
  /** Set by the `deleteJob` control: status and switch answer `This job may be deleted.` */
  deleted?: boolean;
  generation: number;
  timers: NodeJS.Timeout[];
}

/** What the retraining jobs need from the emulator. @internal */
export interface RetrainDeps {
  store: EmulatorStore;
  serving: ServingModels;
  timers: TimerSet;
  manual: boolean;
  delayMs: number;
  seed: number;
  /** Trees of each forest (`EmulatorOptions.trainingTrees`). */
  trees?: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * Retraining jobs: a job is made by Retrain Data Upload, starts when its file is PUT, retrains
 * the model's config on the new data with the emulator's real training code, and writes a
 * result zip whose `metrics.csv` compares the current model (`before`, scored on the new
 * evaluation rows — the uploaded `eval_src` file, else every new row) with the retrained one
 * (`after`, the new training's own held-out metrics), next to the new training's other files.
 * Timed mode spends a quarter of `delayMs` waiting; manual mode moves on {@link advance} only.
 *
 * ## Example
 * ```ts
 * const job = retrain.create(1, 'new.csv');
 * retrain.upload(job.id, bytes);
 * ```
 * @internal
 */
export class RetrainJobStore {
  readonly jobs = new Map<string, RetrainJob>();
  /** Models whose training job was deleted (`deleteJob` control): Retrain Data Upload answers `This job may be deleted.` */
  readonly trainingJobDeleted = new Set<number>();
  /** Models whose configuration file is gone (`deleteModelConfiguration`): Retrain Data Upload answers 5001000201. */
  readonly configurationMissing = new Set<number>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: RetrainDeps) {}

  /** Opens a job for `modelId` and returns it with its single-use upload URL. */
  create(modelId: number, fileName: string): { job: RetrainJob; uploadUrl: string } {
    const job: RetrainJob = { id: newId(), modelId, fileName, status: 'upload_waiting', switched: false, generation: 0, timers: [] };
    this.jobs.set(job.id, job);
    const uploadUrl = this.deps.store.presign('PUT', `/storage/retrain/${job.id}/${encodeURIComponent(fileName)}`);
    return { job, uploadUrl };
  }

  /**
   * Stores the uploaded file and starts the job. With `injectedFailure`, its retraining ends
   * `failed` with that message instead of running.
   */
  upload(job: RetrainJob, bytes: Uint8Array, opts: { injectedFailure?: string } = {}): void {
    job.uploaded = bytes;
    job.injectedFailure = opts.injectedFailure;
    job.status = 'waiting';
    if (this.deps.manual) return;
    const { delayMs } = this.deps;
    job.timers.push(this.deps.timers.set(() => (job.status = 'running'), Math.floor(delayMs / 4)));
    job.timers.push(this.deps.timers.set(() => void this.track(this.run(job, ++job.generation)), delayMs));
  }

  /** Moves a job by hand; `job_finished` retrains first and may end `failed`. */
  async advance(id: string, status: EmulatorRetrainStatus): Promise<void> {
    const job = this.jobs.get(id);
    if (job === undefined) throw new Error(`No retraining job '${id}'.`);
    job.timers.forEach((t) => this.deps.timers.clear(t));
    job.timers = [];
    if (status === 'job_finished') {
      if (job.uploaded === undefined) throw new Error(`Retraining job '${id}' has no uploaded data yet.`);
      return this.track(this.run(job, ++job.generation));
    }
    job.generation++;
    job.downloadUrl = undefined;
    job.message = status === 'failed' ? 'Marked failed by emulator.advanceRetrain().' : undefined;
    job.status = status;
  }

  /** Resolves when every retraining in flight has settled. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private track(p: Promise<void>): Promise<void> {
    this.running.add(p);
    return p.finally(() => this.running.delete(p));
  }

  private async run(job: RetrainJob, generation: number): Promise<void> {
    job.status = 'running';
    let outcome: { downloadUrl: string; model?: ServingModel } | { message: string };
    try {
      if (job.injectedFailure !== undefined) throw new TrainingFailure(job.injectedFailure);
      outcome = await this.retrain(job);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof TrainingFailure) && !(err instanceof EmulatorFault)) this.deps.log(`retraining error for ${job.id}: ${message}`);
      outcome = { message };
    }
    if (job.generation !== generation) return;
    if ('message' in outcome) {
      job.status = 'failed';
      job.message = outcome.message;
    } else {
      job.status = 'job_finished';
      job.downloadUrl = outcome.downloadUrl;
      job.model = outcome.model;
    }
  }

  private async retrain(job: RetrainJob): Promise<{ downloadUrl: string; model?: ServingModel }> {
    const { store, serving, seed, trees, signal } = this.deps;
    const record = store.models.get(job.modelId);
    if (record === undefined) throw new TrainingFailure('This model may be deleted.');
    const source = serving.jobOf(job.modelId);
    if (source === undefined) throw new TrainingFailure('Not found configuration_file.');
    const files: UploadedFiles = { ...unpack(job.uploaded ?? new Uint8Array(0)), columnInfo: store.sessions.get(source.externalProcessId)?.files.columnInfo };
    const dataset = loadDataset(files, job.id);
    const config = validateConfig(record.config, dataset);
    const started = Date.now();
    const trained = await runTraining(dataset, config, seed, signal, trees);
    const model = config.tsm ? undefined : await ServingModel.fit(dataset, config, seed, signal, trees);
    let before: Metric[] = [];
    if (!config.tsm) {
      const current = await serving.get(job.modelId).model.catch(() => undefined);
      before = current?.evaluate(dataset.evaluation ?? dataset.table) ?? [];
    }
    const names = [...new Set([...trained.metrics.map(([n]) => n), ...before.map(([n]) => n)])];
    const lookup = (metrics: Metric[], name: string): number | null => metrics.find(([n]) => n === name)?.[1] ?? null;
    const comparison = writeCsv(
      ['metric', 'before', 'after'],
      names.map((n) => [n, round(lookup(before, n)), round(lookup(trained.metrics, n))]),
    );
    this.deps.log(`retrained model ${job.modelId} (${trained.scheme}) in ${Date.now() - started} ms`);
    const zip = buildResultZip({ ...trained.files, 'metrics.csv': comparison });
    return { downloadUrl: store.putObject('result', 'retrain_result.zip', 'application/zip', zip), model };
  }
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1e6) / 1e6;
}

/** A CSV, or a zip holding `train_src/<file>.csv` and optionally `eval_src/<file>.csv`. */
function unpack(bytes: Uint8Array): UploadedFiles {
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (!isZip) return { learn: bytes };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new TrainingFailure(`The uploaded zip cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const pick = (folder: string) => Object.keys(entries).filter((n) => n.startsWith(`${folder}/`) && n.toLowerCase().endsWith('.csv'));
  const train = pick('train_src');
  const evaluation = pick('eval_src');
  if (train.length !== 1) throw new TrainingFailure(`The uploaded zip must hold exactly one train_src/<file>.csv (found ${train.length}).`);
  if (evaluation.length > 1) throw new TrainingFailure(`The uploaded zip may hold at most one eval_src/<file>.csv (found ${evaluation.length}).`);
  return { learn: entries[train[0]], eval: evaluation.length === 1 ? entries[evaluation[0]] : undefined };
}
