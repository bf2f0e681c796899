/** Specs: the message of NetworkError. */
import { NetworkError } from '../../lib/core/errors';

describe('NetworkError message', () => {
  it('should print the URL once when the transport quotes it (node-fetch: "request to <url> failed, reason: …")', () => {
    const url = 'http://127.0.0.1:1/v1/external/models?api_key=k-secret';
    const err = new NetworkError('GET', url, new Error(`request to ${url} failed, reason: connect ECONNREFUSED 127.0.0.1:1`));
    expect(err.message).toBe('GET http://127.0.0.1:1/v1/external/models?[REDACTED] failed: connect ECONNREFUSED 127.0.0.1:1');
    expect(err.message.split('/v1/external/models').length).toBe(2);
  });

  it('should replace the URL anywhere else in the cause with "it"', () => {
    const url = 'http://127.0.0.1:1/v1/external/models';
    expect(new NetworkError('GET', url, new Error(`socket hang up while reading ${url}`)).message).toBe(`GET ${url} failed: socket hang up while reading it`);
  });
});
