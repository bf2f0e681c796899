/** Specs: the strict shape comparison of p1rx conformance. */
import { DOCUMENTED_SHAPES, shapeDifferences } from '../../lib/cli/conformance/shapes';

describe('shapeDifferences (strict, for p1rx conformance)', () => {
  it('should pass a body exactly as the page documents it', () => {
    expect(shapeDifferences(DOCUMENTED_SHAPES.trainingStatus, { status: 'running', created_datetime: 'a', updated_datetime: 'b' })).toEqual([]);
    expect(
      shapeDifferences(DOCUMENTED_SHAPES.trainingStatus, { status: 'finished', created_datetime: 'a', updated_datetime: 'b', result_url: 'https://x' }),
    ).toEqual([]);
  });

  it('should report what the client tolerates: null, numeric strings, extra and missing fields', () => {
    expect(shapeDifferences(DOCUMENTED_SHAPES.trainingStatus, { status: 'running', created_datetime: null, result_url: null, progress: 0.5 })).toEqual([
      { field: 'created_datetime', expected: 'str', got: 'null' },
      { field: 'updated_datetime', expected: 'str', got: '(absent)' },
      { field: 'result_url', expected: 'str', got: 'null' },
      { field: 'progress', expected: '(not documented)', got: 'float 0.5' },
    ]);
    expect(shapeDifferences(DOCUMENTED_SHAPES.dataSets, { data_sets: [], metadata: { offset: '0', limit: 30, total: 1.5 } })).toEqual([
      { field: 'metadata.offset', expected: 'int', got: 'str "0"' },
      { field: 'metadata.total', expected: 'int', got: 'float 1.5' },
    ]);
  });

  it('should accept None where the page says Or(x, None), and name that type when something else comes', () => {
    const model = {
      model_id: 1,
      owner_user_id: 'u',
      target_type: null,
      name: null,
      version: null,
      config: {},
      is_api_option: true,
      updated_date: 'u',
      created_date: 'c',
    };
    expect(shapeDifferences(DOCUMENTED_SHAPES.models, { models: [model], metadata: { offset: 0, limit: 1, total: 1 } })).toEqual([]);
    expect(shapeDifferences(DOCUMENTED_SHAPES.models, { models: [{ ...model, name: 3 }], metadata: { offset: 0, limit: 1, total: 1 } })).toEqual([
      { field: 'models.0.name', expected: 'Or(str, None)', got: 'int 3' },
    ]);
  });

  it('should check nested optional parts and null list items of the column statistics', () => {
    const column = {
      column_id: 0,
      name: 'a',
      initial_data_type: 1,
      available_data_types: [1],
      unique_count: 1,
      data_count: 1,
      missing_count: 0,
      cor_score: null,
      classify_value: [null, { name: 'x', value: 1 }],
      numerical_value: [null],
    };
    const body = { raw_column_names: ['a'], raw_training_data: [], training_data_columns: [column], useless_column_list: [null], trainingdata_row_count: 1 };
    expect(shapeDifferences(DOCUMENTED_SHAPES.columnInfo, body)).toEqual([]);
    const broken = {
      ...body,
      training_data_columns: [{ ...column, classify_value: [{ name: 'x', value: '1' }], range_pick_info: { numeric: null, date: { max_epoc_sec: 1 } } }],
    };
    expect(shapeDifferences(DOCUMENTED_SHAPES.columnInfo, broken)).toEqual([
      { field: 'training_data_columns.0.classify_value.0.value', expected: 'int', got: 'str "1"' },
      { field: 'training_data_columns.0.range_pick_info.date.min_epoc_sec', expected: 'int', got: '(absent)' },
      { field: 'training_data_columns.0.range_pick_info.date.initial_threshold_epoc_sec', expected: 'int', got: '(absent)' },
      { field: 'training_data_columns.0.range_pick_info.date.time_unit_id', expected: 'int', got: '(absent)' },
    ]);
  });

  it('should show only the type of a secret-looking field, never its value', () => {
    const diffs = shapeDifferences(DOCUMENTED_SHAPES.createClassifier, {
      classifier_id: 'c',
      api_key: 'p1inf_secret',
      version: 1,
      upload_url: 'https://s3/x?sig=1',
    });
    expect(diffs).toEqual([
      { field: 'version', expected: 'str', got: 'int 1' },
      { field: 'upload_url', expected: '(not documented)', got: 'str' },
    ]);
    expect(shapeDifferences(DOCUMENTED_SHAPES.apiKey, { api_key: 424242, end_date: 'x', secret_key: 'abcdef' })).toEqual([
      { field: 'api_key', expected: 'str', got: 'int' },
      { field: 'secret_key', expected: '(not documented)', got: 'str' },
    ]);
  });

  it('should report a body that is not an object at the root', () => {
    expect(shapeDifferences(DOCUMENTED_SHAPES.apiKey, ['a'])).toEqual([{ field: '(root)', expected: 'object', got: 'array' }]);
  });
});
