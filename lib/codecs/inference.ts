import * as t from 'io-ts';

/**
 * Response of the inference endpoint: base64 result files by name
 * (`prediction_valid.csv`, and `prediction_analysis.csv` when asked for).
 *
 * ## Example
 * ```ts
 * InferenceResponse.is({ version: '1', outputs: [{ name: 'prediction_valid.csv', data: 'YQ==' }] }); // true
 * ```
 */
export const InferenceResponse = t.intersection(
  [
    t.type({ outputs: t.array(t.intersection([t.type({ name: t.string }), t.partial({ data: t.union([t.string, t.null]) })])) }),
    t.partial({ version: t.union([t.string, t.number, t.null]) }),
  ],
  'InferenceResponse',
);
/** Response of the inference endpoint. */
export type InferenceResponse = t.TypeOf<typeof InferenceResponse>;
