/**
 * Branded ids, so one kind of id cannot be passed where another is expected.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { IntegerLike, TextLike } from './lenient';

/** @internal */
export interface ExternalProcessIdBrand {
  readonly ExternalProcessId: unique symbol;
}
/**
 * The id of one upload and the training made from it (`external_process_id`). Decoded from a
 * non-empty string, or from a number (read as its decimal text).
 *
 * ## Example
 * ```ts
 * const id = asExternalProcessId('0b7c...');
 * ```
 */
export const ExternalProcessId = t.brand(
  TextLike,
  (s): s is t.Branded<string, ExternalProcessIdBrand> => s.length > 0,
  'ExternalProcessId',
);
/** The id of one upload and the training made from it (`external_process_id`). */
export type ExternalProcessId = t.TypeOf<typeof ExternalProcessId>;

/** @internal */
export interface ModelIdBrand {
  readonly ModelId: unique symbol;
}
/**
 * The integer id of a trained model (`model_id`). Decoded from an integer or an integer string
 * (`"12"`).
 *
 * ## Example
 * ```ts
 * const id = asModelId(12);
 * ```
 */
export const ModelId = t.brand(IntegerLike, (n): n is t.Branded<number, ModelIdBrand> => Number.isInteger(n), 'ModelId');
/** The integer id of a trained model (`model_id`). */
export type ModelId = t.TypeOf<typeof ModelId>;

/** @internal */
export interface DataSetIdBrand {
  readonly DataSetId: unique symbol;
}
/**
 * The integer id of an uploaded data set (`data_set_id`). Decoded from an integer or an integer
 * string (`"7"`).
 *
 * ## Example
 * ```ts
 * const id = asDataSetId(7);
 * ```
 */
export const DataSetId = t.brand(IntegerLike, (n): n is t.Branded<number, DataSetIdBrand> => Number.isInteger(n), 'DataSetId');
/** The integer id of an uploaded data set (`data_set_id`). */
export type DataSetId = t.TypeOf<typeof DataSetId>;

/**
 * Marks a string as an {@link ExternalProcessId} (for ids read from a file or a CLI argument).
 *
 * ## Example
 * ```ts
 * of({ externalProcessId: asExternalProcessId(process.argv[2]) }).pipe(pollStatus$(client));
 * ```
 *
 * @param id - A non-empty id string.
 * @returns The same string, branded.
 */
export function asExternalProcessId(id: string): ExternalProcessId {
  if (!id) throw new TypeError('externalProcessId must be a non-empty string');
  return id as ExternalProcessId;
}

/**
 * Marks a number as a {@link ModelId}.
 *
 * ## Example
 * ```ts
 * const id = asModelId(Number('12'));
 * ```
 *
 * @param id - An integer id.
 * @returns The same number, branded.
 */
export function asModelId(id: number): ModelId {
  if (!Number.isInteger(id)) throw new TypeError('modelId must be an integer');
  return id as ModelId;
}

/**
 * Marks a number as a {@link DataSetId}.
 *
 * ## Example
 * ```ts
 * const id = asDataSetId(7);
 * ```
 *
 * @param id - An integer id.
 * @returns The same number, branded.
 */
export function asDataSetId(id: number): DataSetId {
  if (!Number.isInteger(id)) throw new TypeError('dataSetId must be an integer');
  return id as DataSetId;
}

/** @internal */
export interface RetrainJobIdBrand {
  readonly RetrainJobId: unique symbol;
}
/**
 * The id of one retraining job (`retrain_job_id`). Decoded from a non-empty string, or from a
 * number (read as its decimal text).
 *
 * ## Example
 * ```ts
 * const id = asRetrainJobId('9f1e...');
 * ```
 */
export const RetrainJobId = t.brand(
  TextLike,
  (s): s is t.Branded<string, RetrainJobIdBrand> => s.length > 0,
  'RetrainJobId',
);
/** The id of one retraining job (`retrain_job_id`). */
export type RetrainJobId = t.TypeOf<typeof RetrainJobId>;

/** @internal */
export interface ClassifierIdBrand {
  readonly ClassifierId: unique symbol;
}
/**
 * The id of one prediction API (`classifier_id`). Decoded from a non-empty string, or from a
 * number (read as its decimal text).
 *
 * ## Example
 * ```ts
 * const id = asClassifierId('c-42');
 * ```
 */
export const ClassifierId = t.brand(
  TextLike,
  (s): s is t.Branded<string, ClassifierIdBrand> => s.length > 0,
  'ClassifierId',
);
/** The id of one prediction API (`classifier_id`). */
export type ClassifierId = t.TypeOf<typeof ClassifierId>;

/**
 * Marks a string as a {@link RetrainJobId} (for ids read from a file or a CLI argument).
 *
 * ## Example
 * ```ts
 * of({ retrainJobId: asRetrainJobId(saved) }).pipe(retrainStatus$(retrainClient));
 * ```
 *
 * @param id - A non-empty id string.
 * @returns The same string, branded.
 */
export function asRetrainJobId(id: string): RetrainJobId {
  if (!id) throw new TypeError('retrainJobId must be a non-empty string');
  return id as RetrainJobId;
}

/**
 * Marks a string as a {@link ClassifierId}.
 *
 * ## Example
 * ```ts
 * of({ classifierId: asClassifierId(process.argv[2]) }).pipe(waitForClassifier$(client));
 * ```
 *
 * @param id - A non-empty id string.
 * @returns The same string, branded.
 */
export function asClassifierId(id: string): ClassifierId {
  if (!id) throw new TypeError('classifierId must be a non-empty string');
  return id as ClassifierId;
}
