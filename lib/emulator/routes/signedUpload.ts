import type { IncomingMessage } from 'node:http';
import { payloadTooLarge, signatureDoesNotMatch, storageDenied } from '../errors';
import { signatureMatches } from '../signing';

/** What a single-use pre-signed upload URL points at. @internal */
export interface SignedTarget {
  readonly signature: string;
}

const SPENT = 'This pre-signed upload URL has already been used.';

/**
 * Checks a PUT to a pre-signed upload URL (signature, single use, size limit) and reads its
 * body, stopping at the limit. Shared by the training and the retraining uploads.
 *
 * @internal
 */
export async function readSignedUpload<T extends SignedTarget>(
  req: IncomingMessage,
  url: URL,
  target: T | undefined,
  used: (target: T) => boolean,
  limit: number,
): Promise<{ target: T; bytes: Uint8Array }> {
  if (target === undefined) throw storageDenied('AccessDenied', 'Unknown upload URL.');
  if (!signatureMatches(target.signature, url.searchParams.get('X-Amz-Signature'))) {
    throw signatureDoesNotMatch(req.method ?? 'GET', url, req.headers.host);
  }
  if (used(target)) throw storageDenied('AccessDenied', SPENT);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw payloadTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop buffering at once; Node discards the rest of the body after the 413 is sent.
    if (size > limit) throw payloadTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  // Another PUT on the same URL may have finished while this body streamed in.
  if (used(target)) throw storageDenied('AccessDenied', SPENT);
  return { target, bytes: new Uint8Array(Buffer.concat(chunks)) };
}
