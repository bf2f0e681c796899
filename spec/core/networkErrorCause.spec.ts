/** Specs: no pre-signed URL secret in a NetworkError or its cause. */
import { inspect } from 'node:util';
import { lastValueFrom, of, toArray } from 'rxjs';
import { upload$, type RetryEvent } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

describe('pre-signed URL secrets in NetworkError', () => {
  const { emulator, client } = useEmulator();

  it('should not expose the X-Amz-Signature of a pre-signed upload URL when the error is logged', async () => {
    emulator().injectNext('PUT /storage/upload', 'resetAfter');
    const c = client({ retry: { maxAttempts: 1 } });
    const err = await lastValueFrom(of(seattleWeather(40)).pipe(upload$(c), toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    // What console.error(err) prints (Node shows the [cause] chain).
    // Observed: the cause (the fetch error) quotes the full URL with its signature.
    expect(inspect(err)).not.toMatch(/X-Amz-Signature=[0-9a-f]{8}/);
  });
});

// An emulator of its own: the PUT beside the one reset above may still reach the first one
// after its upload failed, and would take this test's injected fault.
describe('pre-signed URL secrets in RetryEvent', () => {
  const { emulator, client } = useEmulator();

  it('should not expose the signature through RetryEvent.cause, documented as carrying no secrets', async () => {
    emulator().injectNext('PUT /storage/upload', 'resetAfter');
    const events: RetryEvent[] = [];
    const c = client({ retry: { maxAttempts: 2, onRetry: (e) => events.push(e) } });
    await lastValueFrom(of(seattleWeather(40)).pipe(upload$(c), toArray())).catch(() => undefined);
    expect(events.length).toBeGreaterThan(0);
    expect(inspect(events, { depth: 10 })).not.toMatch(/X-Amz-Signature=[0-9a-f]{8}/);
  });
});
