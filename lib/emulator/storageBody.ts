/** Reading upload bodies on the emulator's storage routes. */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { chunkedNotImplemented, entityTooLarge, incompleteBody, missingContentLength } from './errors';

/**
 * The uploads being read, by socket: a client that half-closes its side before sending the
 * bytes its `Content-Length` declared makes Node's parser fail on that socket (a `clientError`),
 * and the upload reading from it is told so it can answer S3's 400 `IncompleteBody`.
 */
const reading = new WeakMap<Socket, () => void>();

/**
 * Checks the framing of a PUT to a pre-signed URL as S3 does, before anything else:
 * `Transfer-Encoding: chunked` without a `Content-Length` answers 501 `NotImplemented` (unless
 * `allowChunked`, the emulator's `allowChunkedUploads` leniency); no `Content-Length` at all
 * answers 411 `MissingContentLength`.
 *
 * ## Example
 * ```ts
 * checkUploadFraming(req, ctx.options.allowChunkedUploads);
 * ```
 * @internal
 */
export function checkUploadFraming(req: IncomingMessage, allowChunked: boolean): void {
  if (req.headers['content-length'] !== undefined) return;
  if (req.headers['transfer-encoding'] !== undefined) {
    if (!allowChunked) throw chunkedNotImplemented();
    return;
  }
  throw missingContentLength();
}

/**
 * Reads an upload's body, at most `limit` bytes. Past the limit it answers S3's 400
 * `EntityTooLarge` at once: by the declared `Content-Length` before reading, or as soon as a
 * streamed body crosses it (the rest is discarded, not stored); a body that ends before its declared `Content-Length`
 * (the client half-closed its side) answers S3's 400 `IncompleteBody`.
 *
 * ## Example
 * ```ts
 * const bytes = await readUploadBody(req, ctx.options.maxUploadBytes);
 * ```
 * @internal
 */
export function readUploadBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(entityTooLarge(declared, limit));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = req.socket;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (reading.get(socket) === onIncomplete) reading.delete(socket);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      done();
      // Discard the rest as it comes; the error goes out with `connection: close`.
      req.resume();
      reject(entityTooLarge(undefined, limit));
    };
    const onEnd = (): void => {
      done();
      resolve(new Uint8Array(Buffer.concat(chunks)));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onIncomplete = (): void => {
      done();
      reject(incompleteBody());
    };
    reading.set(socket, onIncomplete);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * The server's `clientError` listener. A request whose body ended early (the client half-closed
 * after fewer bytes than its `Content-Length`) while an upload reads it is answered by that
 * upload (S3's `IncompleteBody`); any other parse error is answered as Node would by default
 * (400, 408 or 431, then the socket is closed).
 *
 * ## Example
 * ```ts
 * server.on('clientError', onClientError);
 * ```
 * @internal
 */
export function onClientError(err: Error & { code?: string }, socket: Socket): void {
  const incomplete = reading.get(socket);
  if (incomplete !== undefined && err.code === 'HPE_INVALID_EOF_STATE' && socket.writable) {
    incomplete();
    return;
  }
  if (err.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
}
