/** Specs: a response whose headers came but whose body stalled is cut by `requestTimeoutMs`, and its error says so. */
import { VirtualTimeScheduler, lastValueFrom, of } from 'rxjs';
import { RequestTimeoutError, createClient, pollStatus$, type FetchLike } from 'prediction-one-rx';
import { createNodeFetch, createUndiciFetch } from 'prediction-one-rx/node';
import { recordingServer, type RecordingServer } from '../helpers/redirectServers';

/** A status endpoint that sends its headers and the first bytes of a 100-byte body, then nothing. */
let server: RecordingServer;

beforeEach(async () => {
  server = await recordingServer('127.0.0.1', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"status":');
  });
});

afterEach(() => server.close());

describe('a body that stalls after the headers', () => {
  it.each([
    ['undici', () => createUndiciFetch()],
    ['node-fetch (cross-fetch)', () => createNodeFetch()],
  ] as const)('should end the request at requestTimeoutMs with a RequestTimeoutError that names an incomplete response (%s)', async (_, makeFetch) => {
    const fetch: FetchLike & { close?: () => Promise<void> } = makeFetch();
    const scheduler = new VirtualTimeScheduler();
    let headersCame!: () => void;
    const responded = new Promise<void>((resolve) => (headersCame = resolve));
    const client = createClient({
      baseUrl: server.origin,
      apiKey: 'k',
      fetch,
      scheduler,
      requestTimeoutMs: 5_000,
      retry: { maxAttempts: 1 },
      onRequest: (e) => {
        if (e.phase === 'response') headersCame();
      },
    });
    const result = lastValueFrom(of({ externalProcessId: 'x' }).pipe(pollStatus$(client))).catch((e: unknown) => e);
    // The headers are in: only the body is missing when the time limit passes.
    await responded;
    scheduler.maxFrames = 6_000;
    scheduler.flush();
    const err = await result;
    await fetch.close?.();
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 5_000, idle: false });
    expect((err as Error).message).toContain('no complete response within 5000 ms');
  });
});
