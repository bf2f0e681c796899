/** Branded id types, so one kind of id cannot stand for another. */
/**
 * Branded ids, so one kind of id cannot be passed where another is expected. Every id is made
 * by one of two factories below (text ids, integer ids): its codec and its `as…` function.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { IntegerLike, TextLike } from './lenient';

/**
 * The brand of the id named `N`: a property only that kind of id has, so ids of different
 * kinds are not assignable to each other.
 *
 * @internal
 */
export type IdBrand<N extends string> = { readonly [K in N]: symbol };

/** The codec of a text id (non-empty string, or a number read as its decimal text) named `name`. */
function textId<N extends string>(name: N) {
  return t.brand(TextLike, (s): s is t.Branded<string, IdBrand<N>> => s.length > 0, name);
}

/** The codec of an integer id (an integer, or an integer string like `"12"`) named `name`. */
function integerId<N extends string>(name: N) {
  return t.brand(IntegerLike, (n): n is t.Branded<number, IdBrand<N>> => Number.isInteger(n), name);
}

/** The `as…` function of an id codec: checks the value and returns it branded, or throws a `TypeError`. */
function marker<C extends t.Mixed>(codec: C, field: string, rule: string): (id: t.OutputOf<C> extends number ? number : string) => t.TypeOf<C> {
  return (id) => {
    if (!codec.is(id)) throw new TypeError(`${field} must be ${rule}, got ${JSON.stringify(id) ?? String(id)}`);
    return id as t.TypeOf<C>;
  };
}

/**
 * The id of one upload and the training made from it (`external_process_id`).
 *
 * ## Example
 * ```ts
 * const id: ExternalProcessId = asExternalProcessId(savedId);
 * ```
 */
export const ExternalProcessId = textId('ExternalProcessId');
/** The id of one upload and the training made from it (`external_process_id`). */
export type ExternalProcessId = t.TypeOf<typeof ExternalProcessId>;

/**
 * The integer id of a trained model (`model_id`).
 *
 * ## Example
 * ```ts
 * of(asModelId(12)).pipe(deleteModel$(client));
 * ```
 */
export const ModelId = integerId('ModelId');
/** The integer id of a trained model (`model_id`). */
export type ModelId = t.TypeOf<typeof ModelId>;

/**
 * The integer id of an uploaded data set (`data_set_id`).
 *
 * ## Example
 * ```ts
 * of(asDataSetId(7)).pipe(deleteDataSet$(client));
 * ```
 */
export const DataSetId = integerId('DataSetId');
/** The integer id of an uploaded data set (`data_set_id`). */
export type DataSetId = t.TypeOf<typeof DataSetId>;

/**
 * The id of one retraining job (`retrain_job_id`).
 *
 * ## Example
 * ```ts
 * const ref = { retrainJobId: asRetrainJobId(savedId) };
 * ```
 */
export const RetrainJobId = textId('RetrainJobId');
/** The id of one retraining job (`retrain_job_id`). */
export type RetrainJobId = t.TypeOf<typeof RetrainJobId>;

/**
 * The id of one prediction API (`classifier_id`).
 *
 * ## Example
 * ```ts
 * of(asClassifierId('c-42')).pipe(deleteClassifier$(client));
 * ```
 */
export const ClassifierId = textId('ClassifierId');
/** The id of one prediction API (`classifier_id`). */
export type ClassifierId = t.TypeOf<typeof ClassifierId>;

/**
 * Marks a string read from a file, a database or a CLI argument as an {@link ExternalProcessId}.
 *
 * **Errors**: throws `TypeError` for an empty string or a non-string.
 *
 * ## Example
 * ```ts
 * of({ externalProcessId: asExternalProcessId(process.argv[2]) }).pipe(pollStatus$(client));
 * ```
 */
export const asExternalProcessId: (id: string) => ExternalProcessId = marker(ExternalProcessId, 'externalProcessId', 'a non-empty string');

/**
 * Marks a number as a {@link ModelId}.
 *
 * **Errors**: throws `TypeError` for a number that is not an integer.
 *
 * ## Example
 * ```ts
 * of(asModelId(Number(argv.model))).pipe(deleteModel$(client));
 * ```
 */
export const asModelId: (id: number) => ModelId = marker(ModelId, 'modelId', 'an integer');

/**
 * Marks a number as a {@link DataSetId}.
 *
 * **Errors**: throws `TypeError` for a number that is not an integer.
 *
 * ## Example
 * ```ts
 * of(asDataSetId(7)).pipe(deleteDataSet$(client)).subscribe((id) => console.log('deleted', id));
 * ```
 */
export const asDataSetId: (id: number) => DataSetId = marker(DataSetId, 'dataSetId', 'an integer');

/**
 * Marks a string as a {@link RetrainJobId}.
 *
 * **Errors**: throws `TypeError` for an empty string or a non-string.
 *
 * ## Example
 * ```ts
 * of({ retrainJobId: asRetrainJobId(saved) }).pipe(retrainStatus$(retrainClient));
 * ```
 */
export const asRetrainJobId: (id: string) => RetrainJobId = marker(RetrainJobId, 'retrainJobId', 'a non-empty string');

/**
 * Marks a string as a {@link ClassifierId}.
 *
 * **Errors**: throws `TypeError` for an empty string or a non-string.
 *
 * ## Example
 * ```ts
 * of({ classifierId: asClassifierId(process.argv[2]) }).pipe(waitForClassifier$(client));
 * ```
 */
export const asClassifierId: (id: string) => ClassifierId = marker(ClassifierId, 'classifierId', 'a non-empty string');
