/** Codec of the List Data Sets response. */
import * as t from 'io-ts';
import { DataSetId } from './ids';
import { IntegerLike, TextLike, struct, listOf } from './lenient';
import { Paging } from './paging';

/**
 * One data set of List Data Sets (`GET /v1/external/data-sets`, the page "Get Data Set"). Only
 * `data_set_id` is required; every other field is absent when the service sent none or `null`.
 *
 * ## Example
 * ```ts
 * page.data_sets.map((d: DataSetSummary) => `${d.data_set_id} ${d.data_count ?? '?'} rows`);
 * ```
 */
export interface DataSetSummary {
  /** The data set's integer id (sent as a number or a numeric string). */
  readonly data_set_id: DataSetId;
  /** The id of the user who owns the data set. */
  readonly owner_user_id?: string;
  /** The data set's name (the uploaded file's name), when it has one. */
  readonly name?: string;
  /** The file extension it was uploaded with (`csv`). */
  readonly extension?: string;
  /** Number of columns. */
  readonly column_count?: number;
  /** Number of data rows. */
  readonly data_count?: number;
  /** Size in bytes. */
  readonly data_size?: number;
  /** Pre-signed download URL of the data: a secret, never log it. */
  readonly download_url?: string;
  /** When the data set was last updated, as the service wrote it. */
  readonly updated_date?: string;
  /** When the data set was created, as the service wrote it. */
  readonly created_date?: string;
}

/**
 * Codec of {@link DataSetSummary}; counts may arrive as numeric strings.
 *
 * ## Example
 * ```ts
 * DataSetSummary.is({ data_set_id: 7, data_count: 120 }); // true
 * ```
 *
 * Not exported by the package (only its type is): kept out of the API reference so the
 * interface has one page. @internal
 */
export const DataSetSummary: t.Type<DataSetSummary, unknown> = struct<DataSetSummary>(
  'DataSetSummary',
  { data_set_id: DataSetId },
  {
    owner_user_id: TextLike,
    name: TextLike,
    extension: TextLike,
    column_count: IntegerLike,
    data_count: IntegerLike,
    data_size: IntegerLike,
    download_url: t.string,
    updated_date: TextLike,
    created_date: TextLike,
  },
);

/**
 * Response of List Data Sets: one page of data sets and its paging.
 *
 * ## Example
 * ```ts
 * const page: DataSetListResponse = decoded;
 * console.log(page.data_sets.length, page.metadata.total);
 * ```
 */
export interface DataSetListResponse {
  /** The data sets of this page. */
  readonly data_sets: readonly DataSetSummary[];
  /** Where this page is in the listing. */
  readonly metadata: Paging;
}

/**
 * Codec of {@link DataSetListResponse}.
 *
 * ## Example
 * ```ts
 * DataSetListResponse.decode(json);
 * ```
 */
export const DataSetListResponse: t.Type<DataSetListResponse, unknown> = struct<DataSetListResponse>(
  'DataSetListResponse',
  { data_sets: listOf(DataSetSummary), metadata: Paging },
  {},
);
