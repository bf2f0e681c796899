import * as t from 'io-ts';
import { ExternalProcessId } from './ids';

/**
 * Response of Train Data Upload: three pre-signed upload URLs and the id of the upload.
 *
 * ## Example
 * ```ts
 * UploadUrls.decode(json); // Either<Errors, UploadUrls>
 * ```
 */
export const UploadUrls = t.type(
  {
    learn_data_set_upload_url: t.string,
    eval_data_set_upload_url: t.string,
    column_info_upload_url: t.string,
    external_process_id: ExternalProcessId,
  },
  'UploadUrls',
);
/** Response of Train Data Upload. */
export type UploadUrls = t.TypeOf<typeof UploadUrls>;
