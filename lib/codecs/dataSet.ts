import * as t from 'io-ts';
import { DataSetId } from './ids';
import { Paging } from './paging';

/**
 * One data set of List Data Sets. `download_url` is pre-signed: never log it.
 *
 * ## Example
 * ```ts
 * page.data_sets.map((d) => `${d.data_set_id} ${d.data_count} rows`);
 * ```
 */
export const DataSetSummary = t.intersection(
  [
    t.type({ data_set_id: DataSetId }),
    t.partial({
      owner_user_id: t.string,
      name: t.union([t.string, t.null]),
      extension: t.string,
      column_count: t.number,
      data_count: t.number,
      data_size: t.number,
      download_url: t.string,
      updated_date: t.string,
      created_date: t.string,
    }),
  ],
  'DataSetSummary',
);
/** One data set of List Data Sets. */
export type DataSetSummary = t.TypeOf<typeof DataSetSummary>;

/**
 * Response of List Data Sets.
 *
 * ## Example
 * ```ts
 * DataSetListResponse.decode(json);
 * ```
 */
export const DataSetListResponse = t.type(
  { data_sets: t.array(DataSetSummary), metadata: Paging },
  'DataSetListResponse',
);
/** Response of List Data Sets. */
export type DataSetListResponse = t.TypeOf<typeof DataSetListResponse>;
