/** The emulator's prediction APIs (classifiers). */
import { randomBytes } from 'node:crypto';
import type { IpRule } from './ipRules';
import type { ServingModels } from './servingModels';
import { newId } from './signing';
import type { EmulatorStore } from './store';
import type { TimerSet } from './timers';
import { TrainingFailure } from './training/trainingFailure';

/**
 * Status of a classifier (prediction API), as documented.
 *
 * ## Example
 * ```ts
 * await emulator.advanceClassifier(id, 'running' satisfies EmulatorClassifierStatus);
 * ```
 */
export type EmulatorClassifierStatus = 'building' | 'running' | 'updating' | 'failed' | 'terminating' | 'terminated';

/** A classifier in the List Classifiers shape, plus its timers. @internal */
export interface ClassifierRecord {
  classifier_id: string;
  model_id: number;
  status: EmulatorClassifierStatus;
  api_key: string;
  version: string;
  url: string | null;
  active: boolean;
  is_editable: boolean;
  create_datetime: string;
  update_datetime: string;
  rules: IpRule[];
  /** Why it failed (emulator-only, logged). */
  failure?: string;
}

/** What the classifiers need from the emulator. @internal */
export interface ClassifierDeps {
  store: EmulatorStore;
  serving: ServingModels;
  timers: TimerSet;
  manual: boolean;
  delayMs: number;
  log: (line: string) => void;
}

/**
 * Prediction APIs: created `building`; building fits (or reuses) the model's serving model and
 * moves to `running` with its `url` (`<emulator>/inference/<classifier_id>`), or to `failed`.
 * Timed mode builds after half of `delayMs`; manual mode moves only on {@link advance}.
 *
 * ## Example
 * ```ts
 * const c = classifiers.create(1, [{ source: '127.0.0.1/32', order: 'allow', priority: 1 }]);
 * await classifiers.advance(c.classifier_id, 'running');
 * ```
 * @internal
 */
export class ClassifierStore {
  readonly classifiers = new Map<string, ClassifierRecord>();
  /** Models whose prediction API was deleted and not created again: Retrain Model Switch answers `Not found classifier.` */
  readonly deletedFor = new Set<number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generations = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ClassifierDeps) {}

  /** Creates a `building` classifier for `modelId` and schedules its build in timed mode. */
  create(modelId: number, rules: IpRule[]): ClassifierRecord {
    const now = new Date().toISOString();
    const record: ClassifierRecord = {
      classifier_id: newId(),
      model_id: modelId,
      status: 'building',
      api_key: `p1inf_${randomBytes(24).toString('hex')}`,
      version: this.deps.store.models.get(modelId)?.version ?? '1',
      url: null,
      active: true,
      is_editable: true,
      create_datetime: now,
      update_datetime: now,
      rules,
    };
    this.classifiers.set(record.classifier_id, record);
    this.deletedFor.delete(modelId);
    if (!this.deps.manual) {
      const id = record.classifier_id;
      this.timers.set(
        id,
        this.deps.timers.set(() => void this.track(this.build(record, this.bump(id))), Math.floor(this.deps.delayMs / 2)),
      );
    }
    return record;
  }

  /** The documented shape of a classifier. */
  view(record: ClassifierRecord): Omit<ClassifierRecord, 'failure'> {
    const { failure: _failure, ...shown } = record;
    void _failure;
    return shown;
  }

  /** Changes and stamps a classifier. */
  touch(record: ClassifierRecord, change: Partial<Pick<ClassifierRecord, 'rules' | 'active' | 'is_editable' | 'version'>>): void {
    Object.assign(record, change);
    record.update_datetime = new Date().toISOString();
  }

  /** Removes a classifier (its inference URL stops answering at once). */
  delete(id: string): boolean {
    this.stop(id);
    const record = this.classifiers.get(id);
    if (record === undefined) return false;
    this.classifiers.delete(id);
    if (![...this.classifiers.values()].some((c) => c.model_id === record.model_id)) this.deletedFor.add(record.model_id);
    return true;
  }

  /** Whether `modelId`'s prediction API was deleted (and none made since). */
  deletedForModel(modelId: number): boolean {
    return this.deletedFor.has(modelId);
  }

  /** Moves a classifier by hand; `running` builds first and may end `failed`. */
  async advance(id: string, status: EmulatorClassifierStatus): Promise<void> {
    const record = this.classifiers.get(id);
    if (record === undefined) throw new Error(`No classifier '${id}'.`);
    this.stop(id);
    const generation = this.bump(id);
    if (status === 'running') return this.track(this.build(record, generation));
    record.failure = status === 'failed' ? 'Marked failed by emulator.advanceClassifier().' : undefined;
    this.setStatus(record, status);
  }

  /** Resolves when every build in flight has settled. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async build(record: ClassifierRecord, generation: number): Promise<void> {
    let failure: string | undefined;
    try {
      await this.deps.serving.get(record.model_id).model;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
      if (!(err instanceof TrainingFailure)) this.deps.log(`classifier build error for ${record.classifier_id}: ${failure}`);
    }
    if (this.generations.get(record.classifier_id) !== generation || !this.classifiers.has(record.classifier_id)) return;
    record.failure = failure;
    if (failure === undefined) {
      record.version = this.deps.serving.get(record.model_id).version;
      record.url = `${this.deps.store.baseUrl}/inference/${record.classifier_id}`;
    }
    this.setStatus(record, failure === undefined ? 'running' : 'failed');
  }

  private setStatus(record: ClassifierRecord, status: EmulatorClassifierStatus): void {
    record.status = status;
    record.update_datetime = new Date().toISOString();
  }

  private bump(id: string): number {
    const next = (this.generations.get(id) ?? 0) + 1;
    this.generations.set(id, next);
    return next;
  }

  private stop(id: string): void {
    this.deps.timers.clear(this.timers.get(id));
    this.timers.delete(id);
  }

  private track(p: Promise<void>): Promise<void> {
    this.running.add(p);
    return p.finally(() => this.running.delete(p));
  }
}
