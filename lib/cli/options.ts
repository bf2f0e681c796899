/** Option parsers and the client that the resource commands build from their flags. */
import { InvalidArgumentError } from 'commander';
import { createNodeClient } from 'prediction-one-rx/node';
import type { PredictionOneClient } from 'prediction-one-rx';
import { retryLine } from './retryLine';
import { baseUrlIssue } from './errorHints';

/** Parses an integer option, with the option's name in the error. @internal */
export function parseIntOption(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`--${name} must be an integer, got '${value}'`);
    return n;
  };
}

/** Connection options every service command shares. @internal */
export interface ConnectionOptions {
  baseUrl?: string;
  apiKey?: string;
  secretKey?: string;
  /** `--allow-insecure-http`: a key may go over plain http to a host that is not loopback (`ClientConfig.allowInsecureHttp`). */
  allowInsecureHttp?: boolean;
}

/**
 * Builds a client from flags, falling back to `P1RX_BASE_URL`, `P1RX_API_KEY` and
 * `P1RX_SECRET_KEY` (keys in the environment stay out of shell history). Each retry prints a
 * `p1rx: retrying 2/4 after 503 (in 1.2 s): GET /v1/…` line on `stderr`.
 *
 * @internal
 */
export function clientFrom(opts: ConnectionOptions, stderr: { write(text: string): unknown } = process.stderr): PredictionOneClient {
  const apiKey = opts.apiKey ?? process.env.P1RX_API_KEY;
  const secretKey = opts.secretKey ?? process.env.P1RX_SECRET_KEY;
  if (!apiKey && !secretKey) {
    throw new InvalidArgumentError('give --api-key or --secret-key (or set P1RX_API_KEY / P1RX_SECRET_KEY)');
  }
  const baseUrl = opts.baseUrl ?? process.env.P1RX_BASE_URL;
  if (!baseUrl) {
    throw new InvalidArgumentError(
      "give --base-url (or set P1RX_BASE_URL): the emulator's URL, or https://developer-api.predictionone.sony.biz for the real service",
    );
  }
  const urlIssue = baseUrlIssue(baseUrl);
  if (urlIssue) throw new InvalidArgumentError(opts.baseUrl === undefined ? urlIssue.replace('--base-url', 'P1RX_BASE_URL') : urlIssue);
  return createNodeClient({
    baseUrl,
    apiKey,
    secretKey,
    allowInsecureHttp: opts.allowInsecureHttp === true,
    // Every retry is visible: a slow or failing service never looks like a hang.
    retry: { onRetry: (e) => void stderr.write(`p1rx: ${retryLine(e)}\n`) },
  });
}
