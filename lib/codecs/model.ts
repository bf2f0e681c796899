import * as t from 'io-ts';
import { ModelId } from './ids';
import { Paging } from './paging';

const nullableString = t.union([t.string, t.null]);

/**
 * One model of List Models. `config` is kept as an open record: the service may add keys.
 *
 * ## Example
 * ```ts
 * page.models.map((m) => `${m.model_id} ${m.name ?? ''}`);
 * ```
 */
export const ModelSummary = t.intersection(
  [
    t.type({ model_id: ModelId }),
    t.partial({
      owner_user_id: t.string,
      target_type: nullableString,
      name: nullableString,
      version: nullableString,
      config: t.UnknownRecord,
      is_api_option: t.boolean,
      updated_date: t.string,
      created_date: t.string,
    }),
  ],
  'ModelSummary',
);
/** One model of List Models. */
export type ModelSummary = t.TypeOf<typeof ModelSummary>;

/**
 * Response of List Models.
 *
 * ## Example
 * ```ts
 * ModelListResponse.decode(json);
 * ```
 */
export const ModelListResponse = t.type({ models: t.array(ModelSummary), metadata: Paging }, 'ModelListResponse');
/** Response of List Models. */
export type ModelListResponse = t.TypeOf<typeof ModelListResponse>;
