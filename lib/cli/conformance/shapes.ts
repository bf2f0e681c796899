/** The strict response shapes of the vendor's pages, for p1rx conformance. */
/**
 * The response shapes the vendor's Japanese pages document, strictly, for `p1rx conformance`:
 * unlike the client's codecs (which tolerate `null`, numeric strings and extra fields), these
 * report every missing field, every field nobody documented and every type that differs.
 *
 * @packageDocumentation
 */

/** A documented JSON shape. @internal */
export type Shape =
  | { readonly kind: 'string' | 'int' | 'float' | 'bool' | 'object-any' }
  | { readonly kind: 'nullable'; readonly of: Shape }
  | { readonly kind: 'array'; readonly of: Shape }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Field>> };

/** A field of an object shape; `optional` is the pages' `Optional("name")`. @internal */
export interface Field {
  readonly shape: Shape;
  readonly optional?: boolean;
}

/** One way a body differs from its documented shape. @internal */
export interface ShapeDifference {
  /** Path of the field, `models.0.model_id`; `(root)` for the body itself. */
  readonly field: string;
  /** What the page documents: `int`, `str`, `Or(str, None)`, `(not documented)`… */
  readonly expected: string;
  /** What came: a type, with the value when it is short and not a secret. */
  readonly got: string;
}

const str: Shape = { kind: 'string' };
const int: Shape = { kind: 'int' };
const float: Shape = { kind: 'float' };
const bool: Shape = { kind: 'bool' };
const anyObject: Shape = { kind: 'object-any' };
const orNone = (of: Shape): Shape => ({ kind: 'nullable', of });
const list = (of: Shape): Shape => ({ kind: 'array', of });
const optional = (shape: Shape): Field => ({ shape, optional: true });
function object(fields: Record<string, Shape | Field>): Shape {
  return { kind: 'object', fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, 'kind' in v ? { shape: v } : v])) };
}

/** Fields whose values are secrets (keys, pre-signed URLs): only their type is ever shown. */
const SECRET_FIELD = /key|url|secret|token|signature/i;

/** The pages' own notation of a shape: `int`, `str`, `Or(str, None)`, `[int]`, `{…}`. */
export function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return 'str';
    case 'int':
    case 'float':
    case 'bool':
      return shape.kind;
    case 'object-any':
      return 'object';
    case 'nullable':
      return `Or(${describeShape(shape.of)}, None)`;
    case 'array':
      return `[${describeShape(shape.of)}]`;
    case 'object':
      return 'object';
  }
}

function describeValue(value: unknown, field: string): string {
  if (value === undefined) return '(absent)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (SECRET_FIELD.test(field))
    return typeof value === 'string'
      ? 'str'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'int'
          : 'float'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value;
  if (typeof value === 'string') {
    return `str ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? `int ${value}` : `float ${value}`;
  return `${typeof value === 'boolean' ? 'bool' : typeof value} ${String(value)}`;
}

function matchesScalar(kind: 'string' | 'int' | 'float' | 'bool', value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      // JSON has one number type: an integer is a valid float.
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
  }
}

/**
 * Every difference between `value` and the documented `shape`: missing fields, fields the page
 * does not document, and type differences (a numeric string where an `int` is documented is a
 * difference here, though the client reads it). Secret values are never shown.
 *
 * @internal
 */
export function shapeDifferences(shape: Shape, value: unknown, path = ''): ShapeDifference[] {
  const here = path || '(root)';
  const differ = (): ShapeDifference[] => [{ field: here, expected: describeShape(shape), got: describeValue(value, here) }];
  switch (shape.kind) {
    case 'nullable':
      return value === null
        ? []
        : shapeDifferences(shape.of, value, path).map((d) =>
            d.field === here && d.expected === describeShape(shape.of) ? { ...d, expected: describeShape(shape) } : d,
          );
    case 'object-any':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? [] : differ();
    case 'array':
      if (!Array.isArray(value)) return differ();
      return value.flatMap((item, i) => shapeDifferences(shape.of, item, path ? `${path}.${i}` : String(i)));
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return differ();
      const record = value as Record<string, unknown>;
      const at = (k: string) => (path ? `${path}.${k}` : k);
      const out: ShapeDifference[] = [];
      for (const [k, field] of Object.entries(shape.fields)) {
        if (!(k in record)) {
          if (!field.optional) out.push({ field: at(k), expected: describeShape(field.shape), got: '(absent)' });
          continue;
        }
        out.push(...shapeDifferences(field.shape, record[k], at(k)));
      }
      for (const k of Object.keys(record)) {
        if (!(k in shape.fields)) out.push({ field: at(k), expected: '(not documented)', got: describeValue(record[k], at(k)) });
      }
      return out;
    }
    default:
      return matchesScalar(shape.kind, value) ? [] : differ();
  }
}

const rule = object({ source: str, order: str, priority: int });
const classifier = object({
  classifier_id: str,
  model_id: int,
  status: str,
  api_key: str,
  version: str,
  url: orNone(str),
  active: bool,
  is_editable: bool,
  create_datetime: str,
  update_datetime: str,
  rules: list(rule),
});
const paging = object({ offset: int, limit: int, total: int });

/**
 * The documented response bodies, by endpoint (the Japanese pages' "Response body" sections).
 *
 * @internal
 */
export const DOCUMENTED_SHAPES = {
  apiKey: object({ api_key: str, end_date: str }),
  uploadUrls: object({ learn_data_set_upload_url: str, eval_data_set_upload_url: str, column_info_upload_url: str, external_process_id: str }),
  columnInfo: object({
    raw_column_names: list(str),
    raw_training_data: list(object({ row_data: str })),
    training_data_columns: list(
      object({
        column_id: int,
        name: str,
        initial_data_type: int,
        available_data_types: list(int),
        unique_count: int,
        data_count: int,
        missing_count: int,
        cor_score: orNone(float),
        classify_value: list(orNone(object({ name: str, value: int }))),
        numerical_value: list(orNone(object({ max_value: float, min_value: float, avg_value: float, median_value: float }))),
        range_pick_info: optional(
          orNone(
            object({
              numeric: optional(orNone(object({ max_val: float, min_val: float, initial_threshold: float }))),
              date: optional(orNone(object({ max_epoc_sec: int, min_epoc_sec: int, initial_threshold_epoc_sec: int, time_unit_id: int }))),
            }),
          ),
        ),
      }),
    ),
    useless_column_list: list(orNone(str)),
    trainingdata_row_count: int,
  }),
  createModel: object({ external_process_id: str }),
  trainingStatus: object({ status: str, created_datetime: str, updated_datetime: str, result_url: optional(str) }),
  models: object({
    models: list(
      object({
        model_id: int,
        owner_user_id: str,
        target_type: orNone(str),
        name: orNone(str),
        version: orNone(str),
        config: anyObject,
        is_api_option: bool,
        updated_date: str,
        created_date: str,
      }),
    ),
    metadata: paging,
  }),
  dataSets: object({
    data_sets: list(
      object({
        data_set_id: int,
        owner_user_id: str,
        name: orNone(str),
        extension: str,
        column_count: int,
        data_count: int,
        data_size: int,
        download_url: str,
        updated_date: str,
        created_date: str,
      }),
    ),
    metadata: paging,
  }),
  classifiers: object({ classifiers: list(classifier) }),
  createClassifier: object({ classifier_id: str, api_key: str, version: str }),
  updateClassifier: object({ classifier }),
  retrainUploadUrl: object({ retrain_job_id: str, upload_url: str }),
  retrainStatus: object({
    status: str,
    model_id: optional(int),
    message: optional(str),
    download_url: optional(str),
    metadata: object({ retrain_job_id: str }),
  }),
  switchModel: object({ metadata: object({ retrain_job_id: str }) }),
  inference: object({ version: str, outputs: list(object({ name: str, data: str })) }),
  /** The error tables' `code`, `error`, `message` (the body shape itself is undocumented). */
  error: object({ code: int, error: str, message: str }),
} as const satisfies Record<string, Shape>;
