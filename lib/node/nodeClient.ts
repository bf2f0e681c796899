import { createClient, type ClientConfig, type PredictionOneClient } from 'prediction-one-rx';
import { createNodeFetch, type NodeFetchOptions } from './nodeFetch';

/**
 * Creates a client for Node: keep-alive connections and streamed uploads (a 500 MB CSV is
 * never held in memory). Everything else is {@link createClient}.
 *
 * ## Example
 * ```ts
 * import { createNodeClient, fileSource } from 'prediction-one-rx/node';
 * const client = createNodeClient({ baseUrl, apiKey });
 * of({ train: fileSource('data.csv') }).pipe(upload$(client)).subscribe(console.log);
 * ```
 *
 * @param config - As for {@link createClient}; `fetch` defaults to {@link createNodeFetch}.
 * @param fetchOptions - Agent settings for the default fetch.
 * @returns A client.
 */
export function createNodeClient(config: ClientConfig = {}, fetchOptions: NodeFetchOptions = {}): PredictionOneClient {
  return createClient({ streamUploads: config.fetch === undefined ? true : config.streamUploads, ...config, fetch: config.fetch ?? createNodeFetch(fetchOptions) });
}
