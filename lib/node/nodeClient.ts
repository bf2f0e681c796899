import { createClient, type ClientConfig, type PredictionOneClient } from 'prediction-one-rx';
import type { FetchLike } from 'prediction-one-rx';
import { createNodeFetch, type NodeFetchOptions } from './nodeFetch';
import { nodeZipCodec } from './nodeInflate';
import { createUndiciFetch, undiciAvailable } from './undiciFetch';

/**
 * undici when it is installed (an optional peer dependency), else the cross-fetch transport with
 * keep-alive agents ({@link createNodeFetch}); chosen on the first request, once.
 */
function defaultNodeFetch(options: NodeFetchOptions): FetchLike {
  let chosen: Promise<FetchLike> | undefined;
  return async (url, init) => {
    chosen ??= undiciAvailable().then((yes) =>
      yes ? createUndiciFetch({ connections: options.maxSockets, keepAliveTimeoutMs: options.keepAliveMsecs }) : createNodeFetch(options),
    );
    return (await chosen)(url, init);
  };
}

/**
 * Creates a client for Node: `undici` keep-alive connections ({@link createUndiciFetch}, about
 * twice the request rate of cross-fetch) when the optional peer dependency `undici` is installed,
 * else cross-fetch with keep-alive agents ({@link createNodeFetch}), streamed uploads (a 500 MB CSV is never held in
 * memory) and result archives inflated by `node:zlib` ({@link NodeInflate}, about 3× fflate's
 * JavaScript inflate). Everything else is {@link createClient}.
 *
 * ## Example
 * ```ts
 * import { createNodeClient, fileSource } from 'prediction-one-rx/node';
 * const client = createNodeClient({ baseUrl, apiKey });
 * of({ train: fileSource('data.csv') }).pipe(upload$(client)).subscribe(console.log);
 * ```
 *
 * @param config - As for {@link createClient}; `fetch` defaults to {@link createUndiciFetch} (or {@link createNodeFetch} without undici),
 *   `zipCodec` to {@link nodeZipCodec}.
 * @param fetchOptions - Connection settings for the default fetch (`maxSockets` = connections per
 *   origin, `keepAliveMsecs` = idle time before a connection is closed).
 * @returns A client.
 */
export function createNodeClient(config: ClientConfig = {}, fetchOptions: NodeFetchOptions = {}): PredictionOneClient {
  return createClient({
    streamUploads: config.fetch === undefined ? true : config.streamUploads,
    zipCodec: nodeZipCodec,
    ...config,
    fetch: config.fetch ?? defaultNodeFetch(fetchOptions),
  });
}
