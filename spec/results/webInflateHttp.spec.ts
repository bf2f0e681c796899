/** Specs: result downloads with DecompressionStream against the emulator. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnzipInflate, strToU8, zipSync } from 'fflate';
import { lastValueFrom, of, toArray, type Subscription } from 'rxjs';
import { ResultArchiveError, createClient, downloadResult$, onlyResult, pollStatus$, train$, upload$, type ClientConfig, type FetchLike } from '../../lib';
import { streamResult$, type ResultSink } from '../../lib/data';
import { webZipCodec } from '../../lib/node';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { spyOnDecompressionStream, type StreamSpy } from './decompressionStreams';
import { until } from '../helpers/wait';

/** A sink keeping every entry in memory, recording what happened to it. */
function memorySink(): ResultSink & { files: Record<string, Uint8Array[]>; ended: string[]; finished: boolean; aborted: boolean; writesAfterAbort: number } {
  const sink = {
    files: {} as Record<string, Uint8Array[]>,
    ended: [] as string[],
    finished: false,
    aborted: false,
    writesAfterAbort: 0,
    open(name: string) {
      const chunks: Uint8Array[] = (sink.files[name] = []);
      return {
        write: (data: Uint8Array) => {
          if (sink.aborted) sink.writesAfterAbort++;
          chunks.push(data);
        },
        end: () => void sink.ended.push(name),
      };
    },
    finish() {
      sink.finished = true;
    },
    abort() {
      sink.aborted = true;
    },
  };
  return sink;
}

const joined = (files: Record<string, Uint8Array[]>) =>
  Object.fromEntries(Object.entries(files).map(([name, chunks]) => [name, new Uint8Array(Buffer.concat(chunks))]));

/** CSV rows that compress well but not trivially. */
function rows(n: number): Uint8Array {
  const lines = ['id,value,label'];
  for (let i = 0; i < n; i++) lines.push(`${i},${((i * 7919) % 1000) / 7},${i % 3 === 0 ? 'rain' : 'sun'}`);
  return strToU8(`${lines.join('\n')}\n`);
}

describe('result downloads with the web codecs (DecompressionStream) against the emulator', () => {
  const { emulator, client } = useEmulator();
  let spy: { spies: StreamSpy[]; restore: () => void };
  let resultUrl: string;

  beforeAll(async () => {
    const events = await lastValueFrom(
      of(seattleWeather(120)).pipe(
        upload$(client()),
        train$(client(), { name: 'web', config: { tt: 'multi_classification', tc: 'weather', cv: 2 } }),
        pollStatus$(client()),
        toArray(),
      ),
    );
    const last = events[events.length - 1];
    if (last.type !== 'status' || !last.resultUrl) throw new Error('not finished');
    resultUrl = last.resultUrl;
  });
  beforeEach(() => {
    spy = spyOnDecompressionStream();
  });
  afterEach(() => spy.restore());

  const fflateResult = () => lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client({ zipCodec: { inflate: UnzipInflate } })), onlyResult()));

  it('should give downloadResult$ the same result as fflate, inflated by DecompressionStream', async () => {
    const web = await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client({ zipCodec: webZipCodec })), onlyResult()));
    expect(spy.spies.length).toBeGreaterThanOrEqual(3);
    expect(spy.spies.every((s) => s.ended && s.produced > 0)).toBe(true);
    const reference = await fflateResult();
    expect(spy.spies.every((s) => s.ended)).toBe(true);
    expect(web.files).toEqual(reference.files);
    expect(web.metrics.map((m) => m.name)).toContain('accuracy');
  });

  it('should use DecompressionStream by default with createClient', async () => {
    const result = await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client()), onlyResult()));
    expect(spy.spies.length).toBeGreaterThanOrEqual(3);
    expect(result.files).toEqual((await fflateResult()).files);
  });

  it('should stream entries to a sink with streamResult$, then finish it', async () => {
    const sink = memorySink();
    const events = await lastValueFrom(streamResult$(client({ zipCodec: webZipCodec }), resultUrl, sink).pipe(toArray()));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(spy.spies.length).toBeGreaterThanOrEqual(3);
    expect(sink.finished).toBe(true);
    expect(sink.aborted).toBe(false);
    const reference = await fflateResult();
    expect(sink.ended.sort()).toEqual(Object.keys(reference.files).sort());
    expect(joined(sink.files)).toEqual(reference.files);
  });

  it('should fail a corrupt archive with ResultArchiveError, in memory and streamed (the sink aborted)', async () => {
    emulator().injectNext('GET /storage/result', 'corruptZip');
    const inMemory = await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client({ zipCodec: webZipCodec, retry: { maxAttempts: 1 } })))).catch(
      (e: unknown) => e,
    );
    expect(inMemory).toBeInstanceOf(ResultArchiveError);
    emulator().injectNext('GET /storage/result', 'corruptZip');
    const sink = memorySink();
    const streamed = await lastValueFrom(streamResult$(client({ zipCodec: webZipCodec, retry: { maxAttempts: 1 } }), resultUrl, sink)).catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(ResultArchiveError);
    expect(sink.aborted).toBe(true);
    expect(sink.finished).toBe(false);
    expect(spy.spies.length).toBeGreaterThan(0);
  });
});

describe('result downloads with the web codecs over a slow or scripted connection', () => {
  const big = zipSync({ 'metrics.csv': strToU8('metric,value\naccuracy,0.875\n'), 'scored.csv': rows(300_000) }, { level: 6 });
  let server: Server;
  let base: string;
  let spy: { spies: StreamSpy[]; restore: () => void };

  beforeAll(async () => {
    // Sends the first half of the archive, then nothing until the client goes away.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(big.byteLength) });
      res.write(big.subarray(0, big.byteLength >> 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    spy = spyOnDecompressionStream();
  });
  afterEach(() => spy.restore());

  const config = (extra: ClientConfig = {}): ClientConfig => ({ baseUrl: base, apiKey: API_KEY, zipCodec: webZipCodec, retry: { maxAttempts: 1 }, ...extra });

  it.each(['downloadResult$', 'streamResult$'])('should cancel the decoder of the entry in flight when %s is unsubscribed', async (operator) => {
    const sink = memorySink();
    const client = createClient(config());
    const events$ =
      operator === 'streamResult$' ? streamResult$(client, `${base}/big.zip`, sink) : of({ resultUrl: `${base}/big.zip` }).pipe(downloadResult$(client));
    const subscription: Subscription = events$.subscribe({ error: () => undefined });
    try {
      await until(() => spy.spies.some((s) => s.produced > 1_000_000 && !s.ended), 'an entry half inflated');
    } finally {
      subscription.unsubscribe();
    }
    const scored = spy.spies.find((s) => !s.ended)!;
    await until(() => scored.cancelled, 'the decoder stream cancelled');
    if (operator === 'streamResult$') await until(() => sink.aborted, 'the sink aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.writesAfterAbort).toBe(0);
    expect(scored.ended).toBe(false);
  });

  it.each(['downloadResult$', 'streamResult$'])('should read the next chunk in %s only once the decoder took in the previous one', async (operator) => {
    spy.restore();
    spy = spyOnDecompressionStream({ writeDelayMs: 1 });
    let pulls = 0;
    let ahead = 0;
    // A scripted transport: the operator pulls each chunk when it wants the next one.
    const fetch: FetchLike = async () => ({
      status: 200,
      headers: new Headers({ 'content-length': String(big.byteLength) }),
      arrayBuffer: async () => big.slice().buffer,
      body: (async function* () {
        for (let i = 0; i < big.byteLength; i += 8192) {
          pulls++;
          ahead = Math.max(ahead, ...spy.spies.map((s) => s.submitted - s.taken));
          yield big.subarray(i, i + 8192);
        }
      })(),
    });
    const client = createClient(config({ fetch }));
    const sink = memorySink();
    if (operator === 'streamResult$') {
      await lastValueFrom(streamResult$(client, `${base}/scripted.zip`, sink));
      expect(sink.finished).toBe(true);
    } else {
      const result = await lastValueFrom(of({ resultUrl: `${base}/scripted.zip` }).pipe(downloadResult$(client), onlyResult()));
      expect(Object.keys(result.files).sort()).toEqual(['metrics.csv', 'scored.csv']);
    }
    expect(pulls).toBeGreaterThan(50);
    expect(spy.spies.reduce((n, s) => n + s.submitted, 0)).toBeGreaterThan(big.byteLength / 2);
    expect(ahead).toBe(0);
  });
});
