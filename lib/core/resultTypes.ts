/** The shapes of a training's and a retraining's result (the parsing is in results). */
/**
 * The shapes of a training's and a retraining's result (the parsing is in results).
 *
 * @packageDocumentation
 */

/**
 * One line of `metrics.csv`.
 *
 * ## Example
 * ```ts
 * result.metrics.find((m) => m.name === 'accuracy')?.value.toFixed(3); // '0.833'
 * ```
 */
export interface Metric {
  /** The metric's name as the file gives it (`accuracy`, `r2`, ...). */
  readonly name: string;
  /** The value as a number; `NaN` when the text is not a number (then read {@link Metric.raw}). */
  readonly value: number;
  /** The value exactly as the file gives it (e.g. `'0.8333'`, `'-'`). */
  readonly raw: string;
}

/**
 * One line of `analysis_summary.csv`: how much a column contributes to the predictions.
 *
 * ## Example
 * ```ts
 * result.contributions.map((c) => `${c.column}: ${c.contribution.toFixed(3)}`);
 * ```
 */
export interface Contribution {
  readonly column: string;
  readonly contribution: number;
}

/**
 * A downloaded training result.
 *
 * ## Example
 * ```ts
 * const text = new TextDecoder().decode(result.files['evaluation_raw_data.csv']);
 * ```
 */
export interface TrainingResult {
  /** Every file of the archive, by entry name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** `metrics.csv`, parsed (empty when the archive had none). */
  readonly metrics: readonly Metric[];
  /** `analysis_summary.csv`, parsed (empty when the archive had none or it had no numbers). */
  readonly contributions: readonly Contribution[];
}

/**
 * One metric of the old model against the retrained one.
 *
 * ## Example
 * ```ts
 * result.comparison.find((m) => m.name === 'accuracy'); // { name: 'accuracy', before: 0.71, after: 0.78 }
 * ```
 */
export interface MetricComparison {
  readonly name: string;
  /** The current model's value (a number when it parses as one), when the file has it. */
  readonly before?: number | string;
  /** The retrained model's value. */
  readonly after?: number | string;
}

/**
 * A downloaded retraining result.
 *
 * ## Example
 * ```ts
 * const text = new TextDecoder().decode(result.files['metrics.csv']);
 * ```
 */
export interface RetrainResult {
  /** Every file of the archive, by entry name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** `metrics.csv` parsed (empty when the archive had none). */
  readonly comparison: readonly MetricComparison[];
}
