/** Checks of a PUT to a pre-signed upload URL, as S3 makes them. */
import type { IncomingMessage } from 'node:http';
import type { EmulatorContext } from '../context';
import { storageDenied } from '../errors';
import { checkUploadFraming, readUploadBody } from '../storageBody';

const SPENT = 'This pre-signed upload URL has already been used.';

/**
 * Checks a PUT to a pre-signed upload URL as S3 would (its framing: a declared
 * `Content-Length`, no chunked encoding unless the emulator allows it; its expiry and
 * signature; single use; the size limit) and reads its body, stopping at the limit. Shared by
 * the training and the retraining uploads.
 *
 * @internal
 */
export async function readSignedUpload<T>(
  req: IncomingMessage,
  url: URL,
  target: T | undefined,
  used: (target: T) => boolean,
  ctx: EmulatorContext,
): Promise<{ target: T; bytes: Uint8Array }> {
  checkUploadFraming(req, ctx.options.allowChunkedUploads);
  ctx.store.signer.verify('PUT', url, req.headers.host);
  if (target === undefined) throw storageDenied('AccessDenied', 'Unknown upload URL.');
  if (used(target)) throw storageDenied('AccessDenied', SPENT);
  const bytes = await readUploadBody(req, ctx.options.maxUploadBytes);
  // Another PUT on the same URL may have finished while this body streamed in.
  if (used(target)) throw storageDenied('AccessDenied', SPENT);
  return { target, bytes };
}
