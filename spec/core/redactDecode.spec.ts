/** Specs: no secret in DecodeError bodies. */
import { lastValueFrom, of, toArray } from 'rxjs';
import { apiKey$ } from '../../lib';
import { classifiers$ } from '../../lib/deploy';
import { SECRET_KEY, useEmulator } from '../helpers/emulator';

const ISSUED = 'p1emu_issued_key_0123456789abcdef';
const INFERENCE = 'inference_key_0123456789abcdef';

function leaked(err: unknown, secret: string): string[] {
  const e = err as Record<string, unknown>;
  const places: string[] = [];
  for (const field of ['message', 'body', 'issues', 'stack']) {
    if (JSON.stringify(e[field] ?? '').includes(secret)) places.push(field);
  }
  if (String(err).includes(secret)) places.push('toString');
  return places;
}

describe('secrets in DecodeError bodies', () => {
  const { emulator, client } = useEmulator();

  it('should not put a newly issued API key in the error of a Get API Key response that fails to decode', async () => {
    // A null end_date is tolerated (the key counts as long-lived); an object is not a date at all.
    emulator().failNext('GET /v1/external/api-key', 200, { api_key: ISSUED, end_date: { at: 'tomorrow' } });
    const err = await lastValueFrom(of(SECRET_KEY).pipe(apiKey$(client()))).catch((e: unknown) => e);
    expect((err as Error).name).toBe('DecodeError');
    expect(leaked(err, ISSUED)).toEqual([]);
  });

  it("should not put classifiers' inference keys in the error of a List Classifiers response that fails to decode", async () => {
    emulator().failNext('GET /v1/external/classifiers', 200, {
      classifiers: [{ classifier_id: 'c1', model_id: 1, status: 7, api_key: INFERENCE, version: '1', url: null, active: true, is_editable: true }],
    });
    const err = await lastValueFrom(classifiers$(client()).pipe(toArray())).catch((e: unknown) => e);
    expect((err as Error).name).toBe('DecodeError');
    expect(leaked(err, INFERENCE)).toEqual([]);
  });
});
