/** Branded ids, so one kind of id cannot be passed where another is expected. */
/**
 * Branded ids, so one kind of id cannot be passed where another is expected. Their codecs and
 * `as…` functions are in codecs/ids.ts.
 *
 * @packageDocumentation
 */

/**
 * The brand of the id named `N`: a property only that kind of id has, so ids of different
 * kinds are not assignable to each other.
 *
 * @internal
 */
export type IdBrand<N extends string> = { readonly [K in N]: symbol };

/**
 * The id of one upload and the training made from it (`external_process_id`).
 *
 * ## Example
 * ```ts
 * const id: ExternalProcessId = asExternalProcessId(savedId);
 * ```
 */
export type ExternalProcessId = string & IdBrand<'ExternalProcessId'>;

/**
 * The integer id of a trained model (`model_id`).
 *
 * ## Example
 * ```ts
 * of(asModelId(12)).pipe(deleteModel$(client));
 * ```
 */
export type ModelId = number & IdBrand<'ModelId'>;

/**
 * The integer id of an uploaded data set (`data_set_id`).
 *
 * ## Example
 * ```ts
 * of(asDataSetId(7)).pipe(deleteDataSet$(client));
 * ```
 */
export type DataSetId = number & IdBrand<'DataSetId'>;

/**
 * The id of one retraining job (`retrain_job_id`).
 *
 * ## Example
 * ```ts
 * const ref = { retrainJobId: asRetrainJobId(savedId) };
 * ```
 */
export type RetrainJobId = string & IdBrand<'RetrainJobId'>;

/**
 * The id of one prediction API (`classifier_id`).
 *
 * ## Example
 * ```ts
 * of(asClassifierId('c-42')).pipe(deleteClassifier$(client));
 * ```
 */
export type ClassifierId = string & IdBrand<'ClassifierId'>;
