/** Keeps only the final result of a training pipeline. */
import { OperatorFunction, filter, map } from 'rxjs';
import type { CompletedEvent, StatusEvent, TrainingEvent } from '../core/events';
import type { TrainingResult } from '../results/trainingResult';

/**
 * Keeps only the final result of a training pipeline, dropping progress events.
 *
 * ## Example
 * ```ts
 * trainModel$(client, job).pipe(onlyResult()).subscribe((r) => console.table(r.metrics));
 * ```
 *
 * @returns An operator from training events to results.
 */
export function onlyResult(): OperatorFunction<TrainingEvent, TrainingResult> {
  return (source) =>
    source.pipe(
      filter((e): e is CompletedEvent => e.type === 'completed'),
      map((e) => e.result),
    );
}

/**
 * Keeps only the `status` events of a training pipeline.
 *
 * ## Example
 * ```ts
 * events$.pipe(onlyStatus()).subscribe((s) => console.log(s.status));
 * ```
 *
 * @returns An operator from training events to status events.
 */
export function onlyStatus(): OperatorFunction<TrainingEvent, StatusEvent> {
  return filter((e): e is StatusEvent => e.type === 'status');
}
