/** Codec of the List Models response. */
import * as t from 'io-ts';
import { ModelId } from './ids';
import { BooleanLike, TextLike, struct, listOf } from './lenient';
import { Paging } from './paging';

/**
 * One model of List Models (`GET /v1/external/models`, the page "Get Model"). Only `model_id`
 * is required; every other field is absent when the service sent none or `null`.
 *
 * ## Example
 * ```ts
 * page.models.map((m: ModelSummary) => `${m.model_id} ${m.name ?? ''}`);
 * ```
 */
export interface ModelSummary {
  /** The model's integer id (sent as a number or a numeric string). */
  readonly model_id: ModelId;
  /** The id of the user who owns the model. */
  readonly owner_user_id?: string;
  /** The task type (`binary_classification`, `multi_classification`, `regression`), when known. */
  readonly target_type?: string;
  /** The model's name, when it has one. */
  readonly name?: string;
  /** The model's version, when known (a number is read as its text). */
  readonly version?: string;
  /** The training config as the service keeps it (`tc`, `tt`, `cv`…), open: values as sent, keys the service may add. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Whether the model may be deployed as a prediction API. */
  readonly is_api_option?: boolean;
  /** When the model was last updated, as the service wrote it. */
  readonly updated_date?: string;
  /** When the model was created, as the service wrote it. */
  readonly created_date?: string;
}

/**
 * Codec of {@link ModelSummary}.
 *
 * ## Example
 * ```ts
 * ModelSummary.is({ model_id: 3, name: 'churn' }); // true
 * ```
 *
 * Not exported by the package (only its type is): kept out of the API reference so the
 * interface has one page. @internal
 */
export const ModelSummary: t.Type<ModelSummary, unknown> = struct<ModelSummary>(
  'ModelSummary',
  { model_id: ModelId },
  {
    owner_user_id: TextLike,
    target_type: TextLike,
    name: TextLike,
    version: TextLike,
    config: t.UnknownRecord,
    is_api_option: BooleanLike,
    updated_date: TextLike,
    created_date: TextLike,
  },
);

/**
 * Response of List Models: one page of models and its paging.
 *
 * ## Example
 * ```ts
 * const page: ModelListResponse = decoded;
 * console.log(page.metadata.total);
 * ```
 */
export interface ModelListResponse {
  /** The models of this page. */
  readonly models: readonly ModelSummary[];
  /** Where this page is in the listing. */
  readonly metadata: Paging;
}

/**
 * Codec of {@link ModelListResponse}.
 *
 * ## Example
 * ```ts
 * ModelListResponse.decode(json);
 * ```
 */
export const ModelListResponse: t.Type<ModelListResponse, unknown> = struct<ModelListResponse>(
  'ModelListResponse',
  { models: listOf(ModelSummary), metadata: Paging },
  {},
);
