/** Spec helper: recording loopback servers that can answer with redirects. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test server saw. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A loopback HTTP server that records every request (headers and body) and answers with `reply`. */
export interface RecordingServer {
  readonly origin: string;
  readonly seen: Seen[];
  reply: (req: Seen, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** The second host of the redirect specs: another loopback address, so a different origin. */
export const OTHER_HOST = '127.0.0.2';

/**
 * Starts a recording server on `host` (loopback only) and an OS-given port. The default reply
 * is `200 {}`.
 */
export async function recordingServer(host: string, reply?: RecordingServer['reply']): Promise<RecordingServer> {
  const seen: Seen[] = [];
  const state: { reply: RecordingServer['reply'] } = {
    reply:
      reply ??
      ((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      state.reply(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    seen,
    get reply() {
      return state.reply;
    },
    set reply(fn) {
      state.reply = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A reply that redirects every request with `status` to `location(req)`. */
export function redirectTo(status: number, location: (req: Seen) => string): RecordingServer['reply'] {
  return (req, res) => {
    res.writeHead(status, { location: location(req), 'content-type': 'text/plain' });
    res.end('moved');
  };
}
