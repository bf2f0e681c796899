import * as t from 'io-ts';

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** Value count of one class of a string column. */
const ClassifyValue = t.type({ name: t.string, value: t.number }, 'ClassifyValue');

/** Summary statistics of a numeric column. */
const NumericalValue = t.type(
  { max_value: t.number, min_value: t.number, avg_value: t.number, median_value: t.number },
  'NumericalValue',
);

const RangePickInfo = t.partial(
  {
    numeric: nullable(t.type({ max_val: t.number, min_val: t.number, initial_threshold: t.number })),
    date: nullable(
      t.type({
        max_epoc_sec: t.number,
        min_epoc_sec: t.number,
        initial_threshold_epoc_sec: t.number,
        time_unit_id: t.number,
      }),
    ),
  },
  'RangePickInfo',
);

/**
 * Statistics of one column of the training data (Train Data Set Info, step 3).
 *
 * ## Example
 * ```ts
 * info.training_data_columns.map((c) => `${c.name}: ${c.missing_count} missing`);
 * ```
 */
export const TrainingDataColumn = t.intersection(
  [
    t.type({
      column_id: t.number,
      name: t.string,
      unique_count: t.number,
      data_count: t.number,
      missing_count: t.number,
    }),
    t.partial({
      initial_data_type: t.number,
      available_data_types: t.array(t.number),
      cor_score: nullable(t.number),
      classify_value: t.array(nullable(ClassifyValue)),
      numerical_value: t.array(nullable(NumericalValue)),
      range_pick_info: nullable(RangePickInfo),
    }),
  ],
  'TrainingDataColumn',
);
/** Statistics of one column of the training data. */
export type TrainingDataColumn = t.TypeOf<typeof TrainingDataColumn>;

/**
 * Response of Train Data Set Info: the column statistics of an upload.
 *
 * ## Example
 * ```ts
 * of({ externalProcessId }).pipe(datasetInfo$(client)).subscribe((info) => console.log(info.trainingdata_row_count));
 * ```
 */
export const ColumnInfoResponse = t.intersection(
  [
    t.type({
      raw_column_names: t.array(t.string),
      training_data_columns: t.array(TrainingDataColumn),
      trainingdata_row_count: t.number,
    }),
    t.partial({
      raw_training_data: t.array(t.type({ row_data: t.string })),
      useless_column_list: t.array(nullable(t.string)),
    }),
  ],
  'ColumnInfoResponse',
);
/** Response of Train Data Set Info. */
export type ColumnInfoResponse = t.TypeOf<typeof ColumnInfoResponse>;
