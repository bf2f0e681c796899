/** Codec of the inference response. */
import * as t from 'io-ts';
import { TextLike, struct, listOf } from './lenient';

/**
 * Response of the inference endpoint (`POST <classifier url>`): base64 result files by name
 * (`prediction_valid.csv`, and `prediction_analysis.csv` when asked for).
 *
 * ## Example
 * ```ts
 * const res: InferenceResponse = { version: '1', outputs: [{ name: 'prediction_valid.csv', data: 'YQ==' }] };
 * ```
 */
export interface InferenceResponse {
  /** The version of the model that answered (a number is read as its text). */
  readonly version?: string;
  /** The result files. */
  readonly outputs: readonly {
    /** The file's name: `prediction_valid.csv` or `prediction_analysis.csv`. */
    readonly name: string;
    /** The file's content, base64; absent when the service sent none or `null`. */
    readonly data?: string;
  }[];
}

/** One result file of an inference. */
type InferenceOutput = InferenceResponse['outputs'][number];

/**
 * Codec of {@link InferenceResponse}: `outputs` required, each with a `name`.
 *
 * ## Example
 * ```ts
 * InferenceResponse.is({ version: '1', outputs: [{ name: 'prediction_valid.csv', data: 'YQ==' }] }); // true
 * ```
 */
export const InferenceResponse: t.Type<InferenceResponse, unknown> = struct<InferenceResponse>(
  'InferenceResponse',
  { outputs: listOf(struct<InferenceOutput>('InferenceOutput', { name: t.string }, { data: t.string })) },
  { version: TextLike },
);
