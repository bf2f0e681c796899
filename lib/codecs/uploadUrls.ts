/** Codec of the Train Data Upload response. */
import * as t from 'io-ts';
import { ExternalProcessId } from './ids';
import { struct } from './lenient';

/**
 * Response of Train Data Upload (`GET /v1/external/data-sets/upload-url`): three pre-signed
 * upload URLs and the id of the upload. The URLs are secrets: never log them.
 *
 * ## Example
 * ```ts
 * const urls: UploadUrls = decoded;
 * console.log(urls.external_process_id); // '0b7c…'
 * ```
 */
export interface UploadUrls {
  /** Pre-signed PUT URL of the training data set. */
  readonly learn_data_set_upload_url: string;
  /** Pre-signed PUT URL of the (optional) evaluation data set. */
  readonly eval_data_set_upload_url: string;
  /** Pre-signed PUT URL of the column information CSV. */
  readonly column_info_upload_url: string;
  /** The id of this upload, used by Train Data Set Info, Create Model and Train Status Check. */
  readonly external_process_id: ExternalProcessId;
}

/**
 * Codec of {@link UploadUrls}: every field required (an upload cannot go on without them); the
 * id may arrive as a number.
 *
 * ## Example
 * ```ts
 * UploadUrls.decode(json); // Either<Errors, UploadUrls>
 * ```
 */
export const UploadUrls: t.Type<UploadUrls, unknown> = struct<UploadUrls>(
  'UploadUrls',
  {
    learn_data_set_upload_url: t.string,
    eval_data_set_upload_url: t.string,
    column_info_upload_url: t.string,
    external_process_id: ExternalProcessId,
  },
  {},
);
