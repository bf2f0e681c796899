/** Codec of the Train Data Set Info response. */
import * as t from 'io-ts';
import { IntegerLike, NumberLike, TextLike, nullableItems, struct, listOf } from './lenient';

/**
 * Statistics of one column of the training data (Train Data Set Info). The documented
 * `[Or(X, None)]` lists keep their `null` items; other fields are absent when the service sent
 * none or `null`.
 *
 * ## Example
 * ```ts
 * info.training_data_columns.map((c: TrainingDataColumn) => `${c.name}: ${c.missing_count} missing`);
 * ```
 */
export interface TrainingDataColumn {
  /** Position of the column. */
  readonly column_id: number;
  /** The column's name. */
  readonly name: string;
  /** The data type the service picked (an integer code; the mapping is undocumented). */
  readonly initial_data_type?: number;
  /** The data types the column could be used as (integer codes). */
  readonly available_data_types?: readonly number[];
  /** Number of distinct values. */
  readonly unique_count: number;
  /** Number of values. */
  readonly data_count: number;
  /** Number of missing values. */
  readonly missing_count: number;
  /** Correlation score with the target, when there is one. */
  readonly cor_score?: number;
  /** Counts per class of a categorical column: `{ name, value }`, or `null` items as documented. */
  readonly classify_value?: readonly ({
    /** The class. */
    readonly name: string;
    /** How many rows have it. */
    readonly value: number;
  } | null)[];
  /** Summary statistics of a numeric column, or `null` items as documented. */
  readonly numerical_value?: readonly ({
    /** Largest value. */
    readonly max_value: number;
    /** Smallest value. */
    readonly min_value: number;
    /** Mean. */
    readonly avg_value: number;
    /** Median. */
    readonly median_value: number;
  } | null)[];
  /** Range pickers of the web UI: numeric and date bounds. */
  readonly range_pick_info?: {
    /** Numeric bounds. */
    readonly numeric?: {
      /** Largest value. */
      readonly max_val: number;
      /** Smallest value. */
      readonly min_val: number;
      /** Initial threshold. */
      readonly initial_threshold: number;
    };
    /** Date bounds, in epoch seconds. */
    readonly date?: {
      /** Latest date. */
      readonly max_epoc_sec: number;
      /** Earliest date. */
      readonly min_epoc_sec: number;
      /** Initial threshold. */
      readonly initial_threshold_epoc_sec: number;
      /** Time unit (an integer code). */
      readonly time_unit_id: number;
    };
  };
}

type ClassifyValue = NonNullable<NonNullable<TrainingDataColumn['classify_value']>[number]>;
type NumericalValue = NonNullable<NonNullable<TrainingDataColumn['numerical_value']>[number]>;
type RangePickInfo = NonNullable<TrainingDataColumn['range_pick_info']>;
type RawTrainingRow = NonNullable<ColumnInfoResponse['raw_training_data']>[number];

const ClassifyValue = struct<ClassifyValue>('ClassifyValue', { name: TextLike, value: NumberLike }, {});

const NumericalValue = struct<NumericalValue>(
  'NumericalValue',
  { max_value: NumberLike, min_value: NumberLike, avg_value: NumberLike, median_value: NumberLike },
  {},
);

const RangePickInfo = struct<RangePickInfo>(
  'RangePickInfo',
  {},
  {
    numeric: struct<NonNullable<RangePickInfo['numeric']>>('NumericRange', { max_val: NumberLike, min_val: NumberLike, initial_threshold: NumberLike }, {}),
    date: struct<NonNullable<RangePickInfo['date']>>(
      'DateRange',
      { max_epoc_sec: NumberLike, min_epoc_sec: NumberLike, initial_threshold_epoc_sec: NumberLike, time_unit_id: IntegerLike },
      {},
    ),
  },
);

/**
 * Codec of {@link TrainingDataColumn}; numbers may arrive as numeric strings.
 *
 * ## Example
 * ```ts
 * TrainingDataColumn.is({ column_id: 0, name: 'a', unique_count: 2, data_count: 3, missing_count: 0 }); // true
 * ```
 *
 * Not exported by the package (only its type is): kept out of the API reference so the
 * interface has one page. @internal
 */
export const TrainingDataColumn: t.Type<TrainingDataColumn, unknown> = struct<TrainingDataColumn>(
  'TrainingDataColumn',
  {
    column_id: IntegerLike,
    name: TextLike,
    unique_count: IntegerLike,
    data_count: IntegerLike,
    missing_count: IntegerLike,
  },
  {
    initial_data_type: IntegerLike,
    available_data_types: listOf(IntegerLike),
    cor_score: NumberLike,
    classify_value: nullableItems(ClassifyValue),
    numerical_value: nullableItems(NumericalValue),
    range_pick_info: RangePickInfo,
  },
);

/**
 * Response of Train Data Set Info (`GET /v1/external/data-sets/column-info`): the column
 * statistics of an upload.
 *
 * ## Example
 * ```ts
 * of({ externalProcessId }).pipe(datasetInfo$(client)).subscribe((info: ColumnInfoResponse) => console.log(info.trainingdata_row_count));
 * ```
 */
export interface ColumnInfoResponse {
  /** The column names of the uploaded file, in order. */
  readonly raw_column_names: readonly string[];
  /** The first rows of the file, as text. */
  readonly raw_training_data?: readonly {
    /** One row, as text. */
    readonly row_data: string;
  }[];
  /** Statistics per column. */
  readonly training_data_columns: readonly TrainingDataColumn[];
  /** Columns the service will not use, or `null` items as documented. */
  readonly useless_column_list?: readonly (string | null)[];
  /** Number of data rows. */
  readonly trainingdata_row_count: number;
}

/**
 * Codec of {@link ColumnInfoResponse}.
 *
 * ## Example
 * ```ts
 * ColumnInfoResponse.decode(json);
 * ```
 *
 * Not exported by the package (only its type is): kept out of the API reference so the
 * interface has one page. @internal
 */
export const ColumnInfoResponse: t.Type<ColumnInfoResponse, unknown> = struct<ColumnInfoResponse>(
  'ColumnInfoResponse',
  {
    raw_column_names: listOf(TextLike),
    training_data_columns: listOf(TrainingDataColumn),
    trainingdata_row_count: IntegerLike,
  },
  {
    raw_training_data: listOf(struct<RawTrainingRow>('RawTrainingRow', { row_data: TextLike }, {})),
    useless_column_list: nullableItems(TextLike),
  },
);
