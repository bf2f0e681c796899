/** Specs: the emulator's HTML error fault. */
import { lastValueFrom, toArray } from 'rxjs';
import { ServerError } from '../../lib';
import { models$ } from '../../lib/deploy';
import { API_KEY, useEmulator } from '../helpers/emulator';

describe("emulator 'error' fault with html: true", () => {
  const { emulator, client } = useEmulator();

  it('should answer an HTML page, which the client maps to a retried ServerError', async () => {
    emulator().injectNext('GET /v1/external/models', 'error', { status: 500, html: true });
    const res = await fetch(`${emulator().url}/v1/external/models`, { headers: { 'x-api-key': API_KEY } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);

    emulator().clearLog();
    emulator().injectNext('GET /v1/external/models', 'error', { status: 500, html: true });
    await lastValueFrom(models$(client()).pipe(toArray()));
    expect(emulator().count('GET /v1/external/models')).toBe(2);
    emulator().injectNext('GET /v1/external/models', 'error', { status: 500, html: true });
    const err = await lastValueFrom(models$(client({ retry: { maxAttempts: 1 } })).pipe(toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
  });

  it('should refuse html on another kind', () => {
    expect(() => emulator().injectNext('GET /v1/external/models', 'rateLimit', { html: true })).toThrow(/html applies to 'error' only/);
  });
});
