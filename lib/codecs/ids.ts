/** Branded id types, so one kind of id cannot stand for another. */
/**
 * The codecs and `as…` functions of the branded ids (their types are declared in core/ids.ts).
 * Every id codec is made by one of two factories below (text ids, integer ids).
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { IntegerLike, TextLike } from './lenient';
import type * as ids from '../core/ids';
export type { IdBrand } from '../core/ids';

/**
 * The codec of a branded id named `name` over `base` (what `t.brand` does, typed with the id
 * type declared in core): `base`'s value when `valid` accepts it.
 */
function brandedId<I extends A, A>(base: t.Type<A, A, unknown>, valid: (a: A) => boolean, name: string): t.Type<I, A, unknown> {
  const is = (u: unknown): u is I => base.is(u) && valid(u);
  return new t.Type<I, A, unknown>(
    name,
    is,
    (u, c) => {
      const decoded = base.validate(u, c);
      if (decoded._tag === 'Left') return decoded;
      return is(decoded.right) ? t.success(decoded.right) : t.failure(decoded.right, c);
    },
    base.encode,
  );
}

/** The codec of a text id (non-empty string, or a number read as its decimal text) named `name`. */
function textId<I extends string>(name: string): t.Type<I, string, unknown> {
  return brandedId<I, string>(TextLike, (s) => s.length > 0, name);
}

/** The codec of an integer id (an integer, or an integer string like `"12"`) named `name`. */
function integerId<I extends number>(name: string): t.Type<I, number, unknown> {
  return brandedId<I, number>(IntegerLike, (n) => Number.isInteger(n), name);
}

/** The `as…` function of an id codec: checks the value and returns it branded, or throws a `TypeError`. */
function marker<C extends t.Mixed>(codec: C, field: string, rule: string): (id: t.OutputOf<C> extends number ? number : string) => t.TypeOf<C> {
  return (id) => {
    if (!codec.is(id)) throw new TypeError(`${field} must be ${rule}, got ${JSON.stringify(id) ?? String(id)}`);
    return id as t.TypeOf<C>;
  };
}

/** The id type (declared in core/ids.ts). */
export type ExternalProcessId = ids.ExternalProcessId;
/** The codec of {@link ExternalProcessId} (`text`). */
export const ExternalProcessId = textId<ExternalProcessId>('ExternalProcessId');

/** The id type (declared in core/ids.ts). */
export type ModelId = ids.ModelId;
/** The codec of {@link ModelId} (`integer`). */
export const ModelId = integerId<ModelId>('ModelId');

/** The id type (declared in core/ids.ts). */
export type DataSetId = ids.DataSetId;
/** The codec of {@link DataSetId} (`integer`). */
export const DataSetId = integerId<DataSetId>('DataSetId');

/** The id type (declared in core/ids.ts). */
export type RetrainJobId = ids.RetrainJobId;
/** The codec of {@link RetrainJobId} (`text`). */
export const RetrainJobId = textId<RetrainJobId>('RetrainJobId');

/** The id type (declared in core/ids.ts). */
export type ClassifierId = ids.ClassifierId;
/** The codec of {@link ClassifierId} (`text`). */
export const ClassifierId = textId<ClassifierId>('ClassifierId');

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
export const asExternalProcessId: (id: string) => ids.ExternalProcessId = marker(ExternalProcessId, 'externalProcessId', 'a non-empty string');

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
export const asModelId: (id: number) => ids.ModelId = marker(ModelId, 'modelId', 'an integer');

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
export const asDataSetId: (id: number) => ids.DataSetId = marker(DataSetId, 'dataSetId', 'an integer');

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
export const asRetrainJobId: (id: string) => ids.RetrainJobId = marker(RetrainJobId, 'retrainJobId', 'a non-empty string');

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
export const asClassifierId: (id: string) => ids.ClassifierId = marker(ClassifierId, 'classifierId', 'a non-empty string');
