/** Specs: a key over plain HTTP. */
import { ValidationError, createClient, type ClientConfig } from 'prediction-one-rx';
import { createNodeClient } from 'prediction-one-rx/node';
import * as t from 'io-ts';
import { lastValueFrom } from 'rxjs';
import { callUrl$ } from '../../lib/transport/api';

// Issue 20 item 3: a key never goes over plain http to a host that is not loopback, unless the
// caller opts in. Nothing here sends a request: the refusal happens when the client is made.

function refusal(make: () => unknown): ValidationError {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const keys: ReadonlyArray<readonly [string, ClientConfig]> = [
  ['apiKey', { apiKey: 'k-123456' }],
  ['secretKey', { secretKey: 's-123456' }],
  ['apiKeys', { apiKeys: { deploy: 'd-123456' } }],
];

describe('a key over plain http', () => {
  it.each(keys)('should refuse %s with a non-loopback http baseUrl, naming both opt-ins and no key', (_name, key) => {
    for (const baseUrl of [
      'http://10.0.0.5:8080',
      'http://p1-gateway.example.com',
      'http://[2001:db8::1]:80/',
      'http://128.0.0.1',
      'http://localhost.example.com',
      'http://[::ffff:127.0.0.1]',
      'http://127.0.0.1.example.com',
    ]) {
      const err = refusal(() => createClient({ baseUrl, ...key }));
      expect(err.issues).toEqual([expect.stringMatching(/^a key over plain http to http:\/\/\S+, not loopback/)]);
      expect(err.message).toContain('allowInsecureHttp: true');
      expect(err.message).toContain('--allow-insecure-http');
      expect(err.message).not.toMatch(/123456/);
    }
  });

  it('should refuse it through createNodeClient too, with the key from the environment', () => {
    const saved = { ...process.env };
    process.env.P1RX_BASE_URL = 'http://10.0.0.5:8080';
    process.env.P1RX_SECRET_KEY = 's-123456';
    try {
      expect(refusal(() => createNodeClient()).message).toContain('allowInsecureHttp');
    } finally {
      process.env = saved;
    }
  });

  it.each(keys)('should allow %s with allowInsecureHttp: true', (_name, key) => {
    expect(createClient({ baseUrl: 'http://10.0.0.5:8080', allowInsecureHttp: true, ...key }).config.allowInsecureHttp).toBe(true);
  });

  it.each([
    'http://127.0.0.1:8080',
    'http://127.255.0.9',
    'http://localhost:3000',
    'http://LOCALHOST.:3000',
    'http://[::1]:8080',
    'http://[0:0::1]:8080',
    'http://127.1:8080',
    'http://0x7f.0.0.1:8080',
    'https://10.0.0.5',
    'https://p1.example.com',
  ])('should allow %s (loopback, or https)', (baseUrl) => {
    for (const [, key] of keys) expect(createClient({ baseUrl, ...key }).baseUrl).toBe(baseUrl.replace(/\/+$/, ''));
  });

  it('should allow a keyless client behind a proxy that adds the key', () => {
    expect(createClient({ baseUrl: 'http://10.0.0.5:8080', keyAddedByProxy: true }).baseUrl).toBe('http://10.0.0.5:8080');
  });
});

describe('a prediction API endpoint over plain http', () => {
  it('should refuse to send its key to a non-loopback http URL, before any request', async () => {
    const sent: string[] = [];
    const client = createClient({ baseUrl: 'https://p1.example.com', apiKey: 'k-123456', fetch: async (url) => (sent.push(url), new Response('{}')) });
    const err = await lastValueFrom(
      callUrl$(client, { operation: 'inference', method: 'POST', url: 'http://10.0.0.5/predict?sig=1', key: 'd-123456', json: {} }, t.unknown),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(String(err)).toMatch(/plain http.*allowInsecureHttp: true.*--allow-insecure-http/);
    expect(String(err)).not.toMatch(/123456|sig=1/);
    expect(sent).toEqual([]);
  });
});
