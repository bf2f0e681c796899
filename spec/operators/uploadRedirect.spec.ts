/** Specs: upload$ when the storage redirects its PUTs. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, of, tap, toArray } from 'rxjs';
import { RedirectError, upload$, type TrainingEvent } from '../../lib';
import { createNodeClient } from '../../lib/node';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { OTHER_HOST, recordingServer, type RecordingServer } from '../helpers/redirectServers';

// Issue 20 item 2 through upload$: the storage (behind a proxy in front of the emulator, on
// 127.0.0.1) answers every pre-signed PUT with a 307 to another loopback host (127.0.0.2).
// Nothing may be reported `uploaded` unless a 2xx came back, and no key goes there.

const { emulator } = useEmulator();

let other: RecordingServer;
let proxy: Server;
let proxyOrigin: string;

beforeEach(async () => {
  other = await recordingServer(OTHER_HOST);
  const upstream = emulator().url;
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (req.method === 'PUT' && !path.startsWith('/v1/')) {
        res.writeHead(307, { location: `${other.origin}${path}` });
        res.end();
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      void globalThis
        .fetch(`${upstream}${path}`, { method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined })
        .then(async (answer) => {
          // Pre-signed URLs the emulator hands out point at the proxy, so the PUTs come here.
          const text = (await answer.text()).split(upstream).join(proxyOrigin);
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        });
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await other.close();
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

const client = () => createNodeClient({ baseUrl: proxyOrigin, apiKey: API_KEY, retry: { maxAttempts: 1 } });

/** Over the 1 MiB the library reads into memory before it streams the rest (Seattle's weather, repeated). */
function bigCsv(): string {
  const [header, ...rows] = seattleWeather(1400).trim().split('\n');
  const lines = [header];
  for (let size = 0; size < 1.5 * 1024 * 1024; size += rows[0].length * rows.length) lines.push(...rows);
  return `${lines.join('\n')}\n`;
}

/** A one-shot stream of the CSV, as a browser's `file.stream()` or a socket would give. */
function oneShot(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

describe('upload$ when the storage redirects its pre-signed PUTs', () => {
  it('should not report a one-shot stream as uploaded (createNodeClient, undici): a RedirectError, nothing at the other host', async () => {
    const events: TrainingEvent[] = [];
    const err = await lastValueFrom(
      of({ train: oneShot(bigCsv()) }).pipe(
        upload$(client()),
        tap((e) => events.push(e)),
      ),
    ).then(
      (last) => new Error(`expected a failure, got ${last.type}`),
      (e: unknown) => e,
    );
    expect(events.filter((e) => e.type === 'uploaded')).toEqual([]);
    expect(err).toBeInstanceOf(RedirectError);
    expect(other.seen.filter((s) => s.body.length > 0 && s.body.toString().startsWith('date,'))).toEqual([]);
    expect(other.seen.filter((s) => s.headers['x-api-key'] !== undefined)).toEqual([]);
  });

  it('should follow the redirect with bytes it can send again, report uploaded only after the other host stored them, and send it no key', async () => {
    const csv = seattleWeather(40);
    const events = await lastValueFrom(of(csv).pipe(upload$(client()), toArray()));
    expect(events.at(-1)?.type).toBe('uploaded');
    const puts = other.seen.filter((s) => s.method === 'PUT');
    expect(puts.map((s) => s.body.toString())).toContain(csv);
    expect(other.seen.filter((s) => s.headers['x-api-key'] !== undefined)).toEqual([]);
  });
});
