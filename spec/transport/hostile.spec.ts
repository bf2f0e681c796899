/** Specs: hostile responses. */
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { DecodeError, RequestTimeoutError, ResponseTooLargeError, ServerError, pollStatus$, upload$, type UploadedEvent } from '../../lib';
import { datasetInfo$ } from '../../lib/deploy';
import { seattleWeather, useEmulator } from '../helpers/emulator';

const STATUS = 'GET /v1/external/models/results';

describe('hostile responses', () => {
  const { emulator, client } = useEmulator({ manual: true });
  const noRetry = () => client({ retry: { maxAttempts: 1 } });
  const poll = (c = noRetry()) => lastValueFrom(of({ externalProcessId: 'x' }).pipe(pollStatus$(c))).catch((e: unknown) => e);

  it.each([
    ['malformed JSON', '{"status": "runn', 'expected JSON, got text that is not JSON'],
    ['an HTML page', '<!DOCTYPE html><html><body>Welcome</body></html>', 'expected JSON, got HTML or XML'],
    ['an empty body', '', 'expected JSON, got an empty body'],
  ])('should give a DecodeError for %s with status 200', async (_, body, issue) => {
    emulator().failNext(STATUS, 200, body);
    const err = await poll();
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).issues).toEqual([`(root): ${issue}`]);
    expect((err as DecodeError).body).toBe(body);
  });

  it('should give a ServerError keeping the raw body of an HTML error page', async () => {
    emulator().failNext(STATUS, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    const err = await poll();
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ httpStatus: 502, code: undefined });
    expect((err as ServerError).body).toContain('502 Bad Gateway');
  });

  it('should retry a 503 with Retry-After and then succeed', async () => {
    emulator().clearLog();
    emulator().failNext('GET /v1/external/data-sets/upload-url', 503, { message: 'busy' }, { retryAfterS: 0 });
    const events = await lastValueFrom(of('a,b\n1,2\n').pipe(upload$(client()), toArray()));
    expect(events[events.length - 1].type).toBe('uploaded');
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(2);
  });

  it('should stop reading a response larger than maxResponseBytes', async () => {
    const events = await lastValueFrom(of(seattleWeather(200)).pipe(upload$(client()), toArray()));
    const uploaded = events.find((e): e is UploadedEvent => e.type === 'uploaded')!;
    const small = client({ maxResponseBytes: 512 });
    const err = await firstValueFrom(of(uploaded).pipe(datasetInfo$(small))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect((err as ResponseTooLargeError).limitBytes).toBe(512);
  });

  it('should time out a request that gets no response and abort it, before the poll deadline', async () => {
    const scheduler = new VirtualTimeScheduler();
    emulator().clearLog();
    emulator().delayNext(STATUS, 10_000);
    const arrived = emulator().waitForRequest(STATUS);
    const result = poll(client({ scheduler, requestTimeoutMs: 5_000, retry: { maxAttempts: 1 } }));
    await arrived;
    const aborted = emulator().waitForAbort(STATUS);
    scheduler.maxFrames = 6_000; // 6 s pass in virtual time: the request timeout, not the 24 h poll deadline
    scheduler.flush();
    const err = await result;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as RequestTimeoutError).timeoutMs).toBe(5_000);
    expect((await aborted).aborted).toBe(true);
  });
});
