/** Specs: the error hierarchy and its redaction. */
import { ApiError, AuthError, DecodeError, NetworkError, RateLimitError, ResourceGoneError, ServerError } from '../../lib/core/errors';
import { redactText, redactUrl } from '../../lib/core/redact';
import { apiErrorFrom } from '../../lib/transport/errorFactory';

const signed = 'https://bucket.example/results/1/result.zip?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA';

describe('redaction', () => {
  it('should drop the query string and user info of URLs', () => {
    expect(redactUrl(signed)).toBe('https://bucket.example/results/1/result.zip?[REDACTED]');
    expect(redactUrl('https://user:pw@host/x')).toBe('https://host/x');
  });

  it('should remove known secrets and URL queries from free text', () => {
    expect(redactText(`key sk-123456 failed at ${signed} now`, ['sk-123456'])).toBe(
      'key [REDACTED] failed at https://bucket.example/results/1/result.zip?[REDACTED] now',
    );
  });

  it('should keep keys and signatures out of every error message and toString', () => {
    const apiKey = 'api-key-abcdef';
    const errors = [
      new ApiError({ httpStatus: 403, method: 'GET', url: signed, body: `denied for ${apiKey}` }, [apiKey]),
      new NetworkError('PUT', signed, new Error(`socket hang up ${signed}`), [apiKey]),
      new DecodeError('X', [`status: expected string, got "${apiKey}"`], `{"k":"${apiKey}"}`, [apiKey]),
    ];
    for (const err of errors) {
      const everything = `${err.message} ${String(err)} ${JSON.stringify(err)} ${(err as { body?: string }).body ?? ''}`;
      expect(everything).not.toContain('deadbeef');
      expect(everything).not.toContain(apiKey);
    }
  });
});

describe('apiErrorFrom', () => {
  const base = { method: 'GET', url: 'http://h/v1/external/models/results' };

  it('should map the documented key errors to AuthError with code, error and message', () => {
    const err = apiErrorFrom({ ...base, status: 400, body: '{"code":4001000204,"error":"PREDA_EXTERNAL_BAD_REQUEST","message":"invalid_api_key."}' }, []);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ httpStatus: 400, code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', apiMessage: 'invalid_api_key.' });
    expect(err.message).toContain('HTTP 400: 4001000204 PREDA_EXTERNAL_BAD_REQUEST invalid_api_key.');
  });

  it('should keep other 4001000204 messages as plain ApiError', () => {
    for (const message of ['Retrain job is not finished.', 'Model id is required.', 'config.tc (target column) is required.']) {
      const err = apiErrorFrom({ ...base, status: 400, body: JSON.stringify({ code: '4001000204', message }) }, []);
      expect(err.constructor).toBe(ApiError);
      expect(err.code).toBe(4001000204);
    }
  });

  it.each([
    ['This model may be deleted.', 'model'],
    ['This job may be deleted.', 'job'],
    ['Not found retrain job.', 'retrainJob'],
    ['Not found classifier.', 'classifier'],
  ])('should map 4001000204 %s to ResourceGoneError %s', (message, resource) => {
    const err = apiErrorFrom({ ...base, status: 400, body: JSON.stringify({ code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message }) }, []);
    expect(err).toBeInstanceOf(ResourceGoneError);
    expect(err).toMatchObject({ resource, apiMessage: message, retryable: false });
  });

  it('should map HTTP 500 5001000201 to ResourceGoneError configurationFile, and the same code on a 503 to ServerError', () => {
    const body = JSON.stringify({ code: 5001000201, error: 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR', message: 'Not found configuration_file.' });
    const gone = apiErrorFrom({ ...base, status: 500, body }, []);
    expect(gone).toBeInstanceOf(ResourceGoneError);
    expect(gone).not.toBeInstanceOf(ServerError);
    expect(gone).toMatchObject({ resource: 'configurationFile', httpStatus: 500, retryable: false });
    expect(apiErrorFrom({ ...base, status: 503, body }, [])).toBeInstanceOf(ServerError);
  });

  it('should map 429 and 5xx, with Retry-After', () => {
    const limited = apiErrorFrom({ ...base, status: 429, retryAfterMs: 3000, body: '' }, []);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.retryAfterMs).toBe(3000);
    expect(apiErrorFrom({ ...base, status: 503, body: '<html>Bad gateway</html>' }, [])).toBeInstanceOf(ServerError);
  });

  it('should give a clear error for a non-JSON body and keep the raw body', () => {
    const err = apiErrorFrom({ ...base, status: 502, body: '<html><body>Bad Gateway</body></html>' }, []);
    expect(err.code).toBeUndefined();
    expect(err.body).toContain('Bad Gateway');
    expect(err.message).toBe('GET http://h/v1/external/models/results failed with HTTP 502');
  });
});

describe('redaction of response bodies', () => {
  it('should hide key fields a response carries, even cut short, and signed URL queries', () => {
    const body = '{"api_key":"fresh-key-1","end_date":null,"url":"https://s3/x?X-Amz-Signature=ab"}';
    const err = new DecodeError('ApiKeyResponse', ['(root): expected ApiKeyResponse, got {"api_key":"fresh-ke...'], body);
    const all = `${err.message} ${err.issues.join(' ')} ${err.body}`;
    expect(all).not.toContain('fresh-ke');
    expect(all).not.toContain('X-Amz-Signature');
    expect(err.body).toContain('"end_date":null');
  });
});
