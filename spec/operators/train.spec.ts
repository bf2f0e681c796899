/** Specs: train$. */
import { lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, AuthError, train$, upload$, ValidationError, type FetchLike, type FetchResponse, type TrainingConfig } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

describe('train$', () => {
  const { emulator, client } = useEmulator({ manual: true });

  async function uploadedId(): Promise<string> {
    const events = await lastValueFrom(of(seattleWeather(60)).pipe(upload$(client()), toArray()));
    const done = events.find((e) => e.type === 'uploaded');
    if (done?.type !== 'uploaded') throw new Error('no upload');
    return done.externalProcessId;
  }

  it('should start a training and emit queued, passing earlier events through', async () => {
    const events = await lastValueFrom(
      of(seattleWeather(60)).pipe(
        upload$(client()),
        train$(client(), { name: (id) => `m-${id}`, config: { tt: 'multi_classification', tc: 'weather' } }),
        toArray(),
      ),
    );
    const queued = events[events.length - 1];
    expect(queued.type).toBe('queued');
    expect(events.some((e) => e.type === 'uploadProgress')).toBe(true);
    if (queued.type !== 'queued') return;
    expect(queued.name).toBe(`m-${queued.externalProcessId}`);
    expect(emulator().job(queued.externalProcessId)?.modelsCreated).toBe(1);
  });

  it('should send the config as written: no value turned between strings, numbers and booleans', async () => {
    const sent: unknown[] = [];
    // Passes every request to the emulator; notes the Create Model bodies on the way.
    const noting: FetchLike = (url, init) => {
      if (init.method === 'POST' && new URL(url).pathname === '/v1/external/models') sent.push((JSON.parse(String(init.body)) as { config: unknown }).config);
      return globalThis.fetch(url, init) as Promise<FetchResponse>;
    };
    const written: TrainingConfig[] = [
      { tt: 'multi_classification', tc: 'weather', cv: '2', im: 'true' },
      { tt: 'multi_classification', tc: 'weather', cv: 2, im: true },
    ];
    for (const config of written) {
      const externalProcessId = await uploadedId();
      const events = await lastValueFrom(of({ externalProcessId }).pipe(train$(client({ fetch: noting }), { name: 'm', config }), toArray()));
      expect(events).toEqual([expect.objectContaining({ type: 'queued', config })]);
    }
    expect(sent).toEqual(written);
  });

  it('should validate the config before sending', async () => {
    const externalProcessId = await uploadedId();
    emulator().clearLog();
    const bad = { tt: 'binary_classification', tc: 'weather' } as unknown as TrainingConfig;
    await expect(lastValueFrom(of({ externalProcessId }).pipe(train$(client(), { name: 'x', config: bad })))).rejects.toThrow(ValidationError);
    expect(emulator().count('POST /v1/external/models')).toBe(0);
  });

  it("should surface the service's config errors as ApiError with code and message", async () => {
    const externalProcessId = await uploadedId();
    const err = await lastValueFrom(
      of({ externalProcessId }).pipe(train$(client(), { name: 'x', config: { tt: 'multi_classification', tc: 'no_such_column' } })),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ httpStatus: 400, code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST' });
    expect((err as ApiError).apiMessage).toMatch(/no_such_column/);
  });

  it('should fail with AuthError for an unknown key, without the key in the message', async () => {
    const externalProcessId = await uploadedId();
    const err = await lastValueFrom(
      of({ externalProcessId }).pipe(train$(client({ apiKey: 'wrong-key-123456' }), { name: 'x', config: { tt: 'regression', tc: 'wind' } })),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).apiMessage).toBe('invalid_api_key.');
    expect(String(err)).not.toContain('wrong-key-123456');
  });
});
