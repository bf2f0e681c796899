/** createNodeClient: a client with a Node transport. */
import { createClient, type ClientConfig, type PredictionOneClient } from 'prediction-one-rx';
import type { FetchLike } from 'prediction-one-rx';
import { createNodeFetch, type NodeFetchOptions } from './nodeFetch';
import { nodeZipCodec } from './nodeInflate';
import { createUndiciFetch, undiciAvailable } from './undiciFetch';
import { tempFileSpool } from './spool';

/**
 * undici when it is installed (an optional peer dependency), else the cross-fetch transport with
 * keep-alive agents ({@link createNodeFetch}); chosen on the first request, once.
 */
function defaultNodeFetch(options: NodeFetchOptions): FetchLike {
  let chosen: Promise<FetchLike> | undefined;
  // Once chosen, a request goes straight to it (no promise of ours per request).
  let fetch: FetchLike | undefined;
  return (url, init) => {
    if (fetch !== undefined) return fetch(url, init);
    chosen ??= undiciAvailable().then((yes) =>
      yes ? createUndiciFetch({ connections: options.maxSockets, keepAliveTimeoutMs: options.keepAliveMsecs }) : createNodeFetch(options),
    );
    return chosen.then((f) => (fetch = f)(url, init));
  };
}

/** The configuration with `P1RX_*` variables filling what `config` leaves out. */
function withEnvironment(config: ClientConfig, env: Readonly<Record<string, string | undefined>>): ClientConfig {
  const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
  // A key given in any form (or a proxy that adds it) means the caller chose: the environment's
  // keys are not mixed in, so an explicit apiKey is never joined by an unrelated secret key.
  const keyed = given(config.apiKey) || given(config.secretKey) || Object.values(config.apiKeys ?? {}).some(given) || config.keyAddedByProxy === true;
  return {
    ...config,
    baseUrl: given(config.baseUrl) ? config.baseUrl : env.P1RX_BASE_URL || undefined,
    ...(keyed ? {} : { apiKey: env.P1RX_API_KEY || undefined, secretKey: env.P1RX_SECRET_KEY || undefined }),
  };
}

/**
 * Creates a client for Node: `undici` keep-alive connections ({@link createUndiciFetch}, about
 * twice the request rate of cross-fetch) when the optional peer dependency `undici` is installed,
 * else cross-fetch with keep-alive agents ({@link createNodeFetch}), streamed uploads (a 500 MB CSV is never held in
 * memory; each PUT declares its `Content-Length`, a stream of unknown length is spooled to a
 * temporary file by {@link tempFileSpool}) and result archives inflated by `node:zlib` ({@link NodeInflate}, about 3× fflate's
 * JavaScript inflate). Everything else is {@link createClient}.
 *
 * What `config` leaves out is read from the environment: `baseUrl` from `P1RX_BASE_URL`, and,
 * when `config` gives no key at all, `apiKey` from `P1RX_API_KEY` and `secretKey` from
 * `P1RX_SECRET_KEY`. Explicit options always win.
 *
 * **Errors**: throws `ValidationError` as {@link createClient} does, when neither `config` nor
 * the environment gives a `baseUrl` or a key.
 *
 * ## Example
 * ```ts
 * import { createNodeClient, fileSource } from 'prediction-one-rx/node';
 * // P1RX_BASE_URL=http://127.0.0.1:8080 P1RX_API_KEY=my-key node train.js
 * const client = createNodeClient();
 * of({ train: fileSource('data.csv') }).pipe(upload$(client)).subscribe(console.log);
 * ```
 *
 * @param config - As for {@link createClient}; `fetch` defaults to {@link createUndiciFetch} (or {@link createNodeFetch} without undici),
 *   `zipCodec` to {@link nodeZipCodec}, `spool` to {@link tempFileSpool}.
 * @param fetchOptions - Connection settings for the default fetch (`maxSockets` = connections per
 *   origin, `keepAliveMsecs` = idle time before a connection is closed).
 * @returns A client.
 */
export function createNodeClient(config: ClientConfig = {}, fetchOptions: NodeFetchOptions = {}): PredictionOneClient {
  const resolved = withEnvironment(config, process.env);
  return createClient({
    streamUploads: resolved.fetch === undefined ? true : resolved.streamUploads,
    // A stream of unknown length goes to a temporary file first: the upload must declare its length.
    spool: tempFileSpool(),
    zipCodec: nodeZipCodec,
    ...resolved,
    fetch: resolved.fetch ?? defaultNodeFetch(fetchOptions),
  });
}
