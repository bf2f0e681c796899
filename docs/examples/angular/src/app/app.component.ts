/** Example app: the page that uploads a CSV, trains a model and shows its result. */
import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { Subject, catchError, concat, map, of, scan, startWith, switchMap, tap, toArray } from 'rxjs';
import { parse as parseCsv } from 'papaparse';
import type { ColumnSpec, TaskType, TrainingConfig, TrainingJob } from 'prediction-one-rx';
import { inferColumns } from 'prediction-one-rx/data';
import { models$ } from 'prediction-one-rx/deploy';
import { PredictionOneService } from 'prediction-one-rx/angular';
import { ContributionChartComponent } from './contribution-chart.component';
import { HttpLog } from './http-log';
import { SETTINGS } from './settings';
import { ACTIVE, IDLE, reduce, type Action } from './training-state';

@Component({
  selector: 'app-root',
  imports: [DecimalPipe, ContributionChartComponent],
  templateUrl: './app.component.html',
  styleUrl: './app.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppComponent {
  private readonly p1 = inject(PredictionOneService);
  readonly settings = inject(SETTINGS);
  readonly httpLog = inject(HttpLog);
  readonly active = ACTIVE;

  readonly file = signal<File | null>(null);
  readonly rows = signal<readonly Record<string, string>[]>([]);
  readonly columns = signal<readonly ColumnSpec[]>([]);
  readonly fileError = signal<string | null>(null);
  readonly target = signal('');
  readonly taskType = signal<TaskType>('multi_classification');
  readonly positive = signal('');
  /** Distinct values of the target column (for the positive value of a binary task). */
  readonly targetValues = computed(() => [...new Set(this.rows().map((r) => r[this.target()] ?? ''))].filter((v) => v !== '').slice(0, 50));

  private readonly commands = new Subject<Action>();
  /**
   * The state of the current training, for the async pipe. A 'start' switches to a new
   * training; 'cancel' switches away, which unsubscribes it: the request in flight is aborted
   * and polling stops.
   */
  readonly state$ = this.commands.pipe(
    switchMap((cmd) =>
      cmd.kind === 'start'
        ? concat(
            of(cmd),
            this.p1.train(cmd.job).pipe(
              tap((event) => event.type === 'completed' && this.trainingsDone.update((n) => n + 1)),
              map((event): Action => ({ kind: 'event', event })),
              catchError((error: unknown) => of<Action>({ kind: 'error', error })),
            ),
          )
        : of(cmd),
    ),
    scan(reduce, IDLE),
    startWith(IDLE),
  );
  /**
   * The same state as a signal for the template. toSignal subscribes once, now, and
   * unsubscribes when the component is destroyed, which cancels a training in flight.
   */
  readonly state = toSignal(this.state$, { requireSync: true });

  /** Trainings finished since the page opened: the models list reloads when it changes. */
  private readonly trainingsDone = signal(0);
  /**
   * Every model on the service, as an rxResource: it subscribes to `stream` again
   * whenever `params` changes, unsubscribing (aborting) the previous listing.
   */
  readonly models = rxResource({
    params: () => ({ reload: this.trainingsDone() }),
    stream: () => models$(this.p1.client, { pageSize: 50 }).pipe(toArray()),
  });

  async pickFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0] ?? null;
    this.file.set(file);
    this.fileError.set(null);
    this.columns.set([]);
    if (!file) return;
    try {
      const text = await file.text();
      const columns = inferColumns(text);
      this.rows.set(parseCsv<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data);
      this.columns.set(columns);
      this.chooseTarget(columns[columns.length - 1].name);
    } catch (err) {
      this.fileError.set(err instanceof Error ? err.message : String(err));
    }
  }

  chooseTarget(name: string): void {
    this.target.set(name);
    const type = this.columns().find((c) => c.name === name)?.type;
    const values = this.targetValues();
    this.taskType.set(type === 'float' || type === 'integer' ? 'regression' : values.length === 2 ? 'binary_classification' : 'multi_classification');
    this.positive.set(values[0] ?? '');
  }

  start(): void {
    const file = this.file();
    if (!file) return;
    const tc = this.target();
    const config: TrainingConfig =
      this.taskType() === 'binary_classification'
        ? { tt: 'binary_classification', tc, tv: this.positive() }
        : this.taskType() === 'regression'
          ? { tt: 'regression', tc }
          : { tt: 'multi_classification', tc };
    const job: TrainingJob = { data: { train: file }, name: file.name.replace(/\.[^.]*$/, ''), config };
    this.commands.next({ kind: 'start', job });
  }

  cancel(): void {
    this.commands.next({ kind: 'cancel' });
  }

  readonly isNaN = Number.isNaN;
}
