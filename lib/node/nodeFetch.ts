/** The cross-fetch Node transport with keep-alive agents. */
/**
 * The Node transport: cross-fetch (node-fetch) with keep-alive agents, able to send streamed
 * request bodies.
 *
 * @packageDocumentation
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import crossFetch from 'cross-fetch';
import type { FetchInit, FetchLike } from 'prediction-one-rx';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * Options of {@link createNodeFetch}.
 *
 * ## Example
 * ```ts
 * const fetch = createNodeFetch({ maxSockets: 64 });
 * ```
 */
export interface NodeFetchOptions {
  /** Most sockets per origin. Default 256. */
  readonly maxSockets?: number;
  /** How long an idle socket is kept. Default 30 s. */
  readonly keepAliveMsecs?: number;
}

type NodeFetch = (url: string, init: Omit<FetchInit, 'body'> & { body?: unknown; agent?: http.Agent }) => ReturnType<FetchLike>;
type WebStream = Parameters<typeof Readable.fromWeb>[0];

/**
 * A fetch for Node that reuses connections (keep-alive agents) and sends `ReadableStream`
 * bodies as streams, so large uploads go from disk without being held in memory. The client's
 * `redirect: 'manual'` reaches node-fetch, so a redirect is never followed with the key.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, fetch: createNodeFetch(), streamUploads: true });
 * ```
 *
 * @param options - Agent settings.
 * @returns A fetch to give to `createClient`.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): FetchLike {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? LIBRARY_DEFAULTS.node.maxSockets,
    keepAliveMsecs: options.keepAliveMsecs ?? LIBRARY_DEFAULTS.node.keepAliveMs,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const fetch = crossFetch as unknown as NodeFetch;
  return (url, init) => {
    const { duplex: _duplex, body, ...rest } = init;
    void _duplex;
    // node-fetch sends Node streams, not WHATWG ones.
    const nodeBody = body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : Readable.fromWeb(body as WebStream);
    return fetch(url, { ...rest, body: nodeBody, agent: url.startsWith('https:') ? httpsAgent : httpAgent });
  };
}
