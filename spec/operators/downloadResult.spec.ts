/** Specs: downloadResult$. */
import { Subscription, lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, ResultArchiveError, downloadResult$, onlyResult, pollStatus$, train$, upload$ } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

describe('downloadResult$', () => {
  const { emulator, client } = useEmulator();

  async function finishedResultUrl(): Promise<{ id: string; resultUrl: string }> {
    const events = await lastValueFrom(
      of(seattleWeather(120)).pipe(
        upload$(client()),
        train$(client(), { name: 'd', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }),
        pollStatus$(client()),
        toArray(),
      ),
    );
    const last = events[events.length - 1];
    if (last.type !== 'status' || !last.resultUrl) throw new Error('not finished');
    return { id: last.externalProcessId, resultUrl: last.resultUrl };
  }

  it('should download, unzip and parse the result, with progress', async () => {
    const { id, resultUrl } = await finishedResultUrl();
    const events = await lastValueFrom(of({ resultUrl, externalProcessId: id }).pipe(downloadResult$(client()), toArray()));
    const progress = events.filter((e) => e.type === 'downloadProgress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const last = events[events.length - 1];
    expect(last.type).toBe('completed');
    if (last.type !== 'completed') return;
    expect(last.externalProcessId).toBe(id);
    expect(last.result.metrics.map((m) => m.name)).toContain('accuracy');
    const raw = new TextDecoder().decode(last.result.files['evaluation_raw_data.csv']);
    expect(raw.split('\n')[0]).toContain('predicted');
  });

  it('should give an ApiError without the signature when the URL is refused', async () => {
    const { resultUrl } = await finishedResultUrl();
    const forged = resultUrl.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00');
    const err = await lastValueFrom(of({ resultUrl: forged }).pipe(downloadResult$(client()), onlyResult())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).httpStatus).toBe(403);
    const signature = new URL(resultUrl).searchParams.get('X-Amz-Signature')!;
    expect(`${String(err)} ${JSON.stringify(err)}`).not.toContain(signature);
    expect((err as Error).message).not.toContain('X-Amz');
  });

  it('should refuse a body that is not a zip', async () => {
    const { resultUrl } = await finishedResultUrl();
    emulator().failNext('GET /storage/result', 200, '<html><body>Access denied</body></html>');
    const err = await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client({ retry: { maxAttempts: 1 } })))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResultArchiveError);
  });

  it('should download again once after a corrupt archive', async () => {
    const { resultUrl } = await finishedResultUrl();
    emulator().clearLog();
    emulator().failNext('GET /storage/result', 200, 'PK\u0003\u0004 not really a zip');
    const result = await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client()), onlyResult()));
    expect(result.metrics.length).toBeGreaterThan(0);
    expect(emulator().count('GET /storage/result')).toBe(2);
  });

  it('should abort the download when unsubscribed', async () => {
    const { resultUrl } = await finishedResultUrl();
    emulator().clearLog();
    emulator().delayNext('GET /storage/result', 10_000);
    const arrived = emulator().waitForRequest('GET /storage/result');
    const subscription: Subscription = of({ resultUrl }).pipe(downloadResult$(client())).subscribe();
    await arrived;
    const aborted = emulator().waitForAbort('GET /storage/result');
    subscription.unsubscribe();
    expect((await aborted).aborted).toBe(true);
  });
});
