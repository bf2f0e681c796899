/** The error bodies the emulator answers with. */
/**
 * The error bodies the emulator answers with. The contract documents `{ code, error, message }`
 * with codes shaped `<HTTP status><7 digits>`, so the HTTP status is always `code / 10^7`.
 * @internal
 */
import { createHash, randomUUID } from 'node:crypto';

/** Code of every documented `PREDA_EXTERNAL_BAD_REQUEST` error. @internal */
export const BAD_REQUEST_CODE = 4001000204;

/**
 * The documented JSON error body.
 *
 * ## Example
 * ```ts
 * const body: ApiErrorBody = { code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'invalid_api_key.' };
 * ```
 * @internal
 */
export interface ApiErrorBody {
  code: number;
  error: string;
  message: string;
}

/**
 * A failure a route handler throws; the server turns it into the HTTP response.
 *
 * ## Example
 * ```ts
 * throw badRequest('external_process_id is required.');
 * ```
 * @internal
 */
export class EmulatorFault extends Error {
  override readonly name = 'EmulatorFault';
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body === 'string' ? body : body.message);
  }
}

/**
 * 400 `PREDA_EXTERNAL_BAD_REQUEST` with the given message (the documented messages end with a dot).
 *
 * ## Example
 * ```ts
 * badRequest('invalid_api_key.').status; // 400
 * ```
 * @internal
 */
export function badRequest(message: string): EmulatorFault {
  return new EmulatorFault(400, { code: BAD_REQUEST_CODE, error: 'PREDA_EXTERNAL_BAD_REQUEST', message });
}

/**
 * 404 for a path or method the emulator does not serve.
 *
 * ## Example
 * ```ts
 * notFound('GET', '/nope').status; // 404
 * ```
 * @internal
 */
export function notFound(method: string, path: string): EmulatorFault {
  return new EmulatorFault(404, { code: 4041000000, error: 'NOT_FOUND', message: `No route for ${method} ${path}.` });
}

/**
 * S3's 400 `EntityTooLarge` for an upload bigger than `maxUploadBytes`, in its XML form with the
 * proposed size (when the request declared it) and the limit. The connection is closed: the rest
 * of the body is not read.
 *
 * ## Example
 * ```ts
 * entityTooLarge(20, 10).status; // 400, <Code>EntityTooLarge</Code>…<ProposedSize>20</ProposedSize><MaxSizeAllowed>10</MaxSizeAllowed>
 * ```
 * @internal
 */
export function entityTooLarge(proposedBytes: number | undefined, limitBytes: number): EmulatorFault {
  const proposed = proposedBytes === undefined ? '' : `<ProposedSize>${proposedBytes}</ProposedSize>`;
  return storageError(
    400,
    'EntityTooLarge',
    'Your proposed upload exceeds the maximum allowed size',
    `${proposed}<MaxSizeAllowed>${limitBytes}</MaxSizeAllowed>`,
    {
      connection: 'close',
    },
  );
}

/**
 * 403 from the storage side, shaped like S3's XML error (pre-signed URLs point at object
 * storage, which does not speak the API's JSON error format; clients must cope with that).
 *
 * ## Example
 * ```ts
 * storageDenied('SignatureDoesNotMatch', 'The signature does not match.').status; // 403
 * ```
 * @internal
 */
export function storageDenied(code: 'AccessDenied' | 'SignatureDoesNotMatch', message: string, details = ''): EmulatorFault {
  return storageError(403, code, message, details);
}

/**
 * An error of the storage side in S3's documented XML form,
 * `<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId></Error>`.
 *
 * ## Example
 * ```ts
 * storageError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.').status; // 411
 * ```
 * @internal
 */
export function storageError(status: number, code: string, message: string, details = '', headers: Readonly<Record<string, string>> = {}): EmulatorFault {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${details}<RequestId>${requestId}</RequestId></Error>`;
  return new EmulatorFault(status, xml, { ...headers, 'content-type': 'application/xml' });
}

/**
 * S3's 501 `NotImplemented` for a PUT sent with `Transfer-Encoding: chunked` and no
 * `Content-Length` (pre-signed PUTs must declare their length).
 *
 * ## Example
 * ```ts
 * chunkedNotImplemented().status; // 501
 * ```
 * @internal
 */
export function chunkedNotImplemented(): EmulatorFault {
  return storageError(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', '<Header>Transfer-Encoding</Header>');
}

/**
 * S3's 411 `MissingContentLength` for a PUT without `Content-Length`.
 *
 * ## Example
 * ```ts
 * missingContentLength().status; // 411
 * ```
 * @internal
 */
export function missingContentLength(): EmulatorFault {
  return storageError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
}

/**
 * S3's 400 `IncompleteBody`: the client ended its request before sending the bytes its
 * `Content-Length` declared.
 *
 * ## Example
 * ```ts
 * incompleteBody().status; // 400
 * ```
 * @internal
 */
export function incompleteBody(): EmulatorFault {
  return storageError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
}

/**
 * 500 for a bug in the emulator itself (never used for training failures: those are `failed` jobs).
 *
 * ## Example
 * ```ts
 * internalError('boom').status; // 500
 * ```
 * @internal
 */
export function internalError(message: string): EmulatorFault {
  return new EmulatorFault(500, { code: 5001000000, error: 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR', message });
}

/**
 * 500 `5001000201 Not found configuration_file.` of Retrain Data Upload: the model's
 * configuration file is gone (the emulator's `deleteModelConfiguration` control).
 *
 * ## Example
 * ```ts
 * configurationFileNotFound().status; // 500
 * ```
 * @internal
 */
export function configurationFileNotFound(): EmulatorFault {
  return new EmulatorFault(500, { code: 5001000201, error: 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR', message: 'Not found configuration_file.' });
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'ACCESS_DENIED',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE_ERROR',
  504: 'GATEWAY_TIMEOUT',
};

/**
 * Default body of a scripted fault (`failNext` without a body): documented shape, code derived
 * from the status so clients map it like a real one.
 *
 * ## Example
 * ```ts
 * scriptedErrorBody(503).code; // 5031000000 (the '1' after the status, as in the documented codes)
 * ```
 * @internal
 */
export function scriptedErrorBody(status: number): ApiErrorBody {
  return {
    code: status * 10_000_000 + 1_000_000,
    error: STATUS_NAMES[status] ?? `HTTP_${status}`,
    message: `Scripted fault (HTTP ${status}).`,
  };
}

/**
 * S3's 403 `SignatureDoesNotMatch` page for a request as it was sent. Like S3's own, it quotes
 * what a client must never print: the access key id, the signature provided, the
 * `StringToSign` and the `CanonicalRequest` (with the pre-signed query string) and their bytes
 * in hex. Used for a wrong signature and for the `'signatureMismatch'` fault, so clients'
 * redaction meets the real page.
 *
 * ## Example
 * ```ts
 * signatureDoesNotMatch('PUT', new URL('http://h/storage/upload/x?X-Amz-Signature=ab'), 'h').status; // 403
 * ```
 * @internal
 */
export function signatureDoesNotMatch(method: string, url: URL, host: string | undefined): EmulatorFault {
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = `${amzDate.slice(0, 8)}/ap-northeast-1/s3/aws4_request`;
  const query = [...url.searchParams.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .concat([
      ['X-Amz-Credential', `${EMULATOR_ACCESS_KEY_ID}/${scope}`],
      ['X-Amz-Date', amzDate],
      ['X-Amz-SignedHeaders', 'host'],
    ])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  const canonicalRequest = `${method}\n${url.pathname}\n${query}\nhost:${host ?? url.host}\n\nhost\nUNSIGNED-PAYLOAD`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const hex = (text: string) => [...Buffer.from(text)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const details =
    `<AWSAccessKeyId>${EMULATOR_ACCESS_KEY_ID}</AWSAccessKeyId>` +
    `<StringToSign>${xmlEscape(stringToSign)}</StringToSign>` +
    `<SignatureProvided>${xmlEscape(url.searchParams.get('X-Amz-Signature') ?? '')}</SignatureProvided>` +
    `<StringToSignBytes>${hex(stringToSign)}</StringToSignBytes>` +
    `<CanonicalRequest>${xmlEscape(canonicalRequest)}</CanonicalRequest>` +
    `<CanonicalRequestBytes>${hex(canonicalRequest)}</CanonicalRequestBytes>`;
  return storageDenied(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details,
  );
}

/** The emulator's storage access key id, shaped like AWS's (`AKIA` + 16). @internal */
export const EMULATOR_ACCESS_KEY_ID = 'AKIAP1RXEMULATOR0001';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
