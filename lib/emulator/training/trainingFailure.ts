/** The error of a training that cannot run on its data. */
/**
 * Training could not run on this data (too few rows, one class in a fold, no usable feature…).
 * The job ends `failed` with this message; it is not an HTTP error.
 *
 * ## Example
 * ```ts
 * throw new TrainingFailure('Only 3 rows with a target value; at least 10 are needed.');
 * ```
 * @internal
 */
export class TrainingFailure extends Error {
  override readonly name = 'TrainingFailure';
}
