/** The one metric a summary shows. */
/**
 * The one metric a summary shows, the same in the CLI and the library.
 *
 * @packageDocumentation
 */
import type { Metric } from './trainingResult';

/**
 * The metric names tried in order: `accuracy` for a classification (binary or multi-class),
 * `r2` for a regression, the service's own first line otherwise (a time series, a file
 * without either).
 *
 * ## Example
 * ```ts
 * HEADLINE_METRICS; // ['accuracy', 'r2']
 * ```
 */
export const HEADLINE_METRICS: readonly string[] = ['accuracy', 'r2'];

/**
 * The headline metric of a result: `accuracy` for a classification, `r2` for a regression,
 * else the first line of `metrics.csv`. `p1rx train`, `p1rx batch` and the fleet's summaries
 * show this one.
 *
 * **Errors**: none; `undefined` for a result without metrics.
 *
 * ## Example
 * ```ts
 * const m = headlineMetric(result.metrics);
 * console.log(`${m?.name} ${m?.value.toFixed(3)}`); // 'accuracy 0.833'
 * ```
 *
 * @param metrics - A result's metrics ({@link index!TrainingResult.metrics}), or anything named like them.
 * @returns The metric to show.
 */
export function headlineMetric<M extends Pick<Metric, 'name'> = Metric>(metrics: readonly M[]): M | undefined {
  for (const name of HEADLINE_METRICS) {
    const found = metrics.find((m) => m.name === name);
    if (found) return found;
  }
  return metrics[0];
}
