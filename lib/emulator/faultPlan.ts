/** The faults the emulator can inject, and the plan that picks them. */
/**
 * The kinds of fault the emulator can inject:
 *
 * - `'error'`: answers `status` (default 503) with the documented `{ code, error, message }`
 *   body (an HTML page with `html: true`), plus `Retry-After` when `retryAfterS` is set,
 *   without handling the request.
 * - `'rateLimit'`: answers 429 with `Retry-After: <retryAfterS>` (default 1), without handling it.
 * - `'latency'`: holds the answer (whatever it is) for `latencyMs` more; combines with the others.
 * - `'resetBefore'`: resets the connection before handling the request: nothing happened server-side.
 * - `'resetAfter'`: handles the request fully (a model *is* created), then resets the connection
 *   instead of answering: the ambiguous failure a client must not blindly retry for a POST.
 * - `'truncate'`: handles the request, sends the headers with the full `Content-Length` but only
 *   half of the body, then closes the connection.
 * - `'corruptZip'`: on downloads (`GET /storage/…`), flips bytes inside every zip entry's data so
 *   CRC-32 (or inflate) fails; still 200 with the full length.
 * - `'failTraining'`: on Create Model (`POST /v1/external/models`), answers normally but the
 *   training later ends `failed` (no `result_url`); on a retraining's data PUT
 *   (`PUT /storage/retrain`), stores the data but the retraining ends `failed` (no
 *   `download_url`).
 * - `'signatureMismatch'`: on pre-signed storage URLs (`PUT /storage/…`, `GET /storage/…`), answers
 *   S3's 403 `SignatureDoesNotMatch` XML page for the request as sent, without handling it. Like
 *   S3's, the page quotes the access key id, the signature, `StringToSign` and `CanonicalRequest`
 *   (what a client must never print).
 *
 * ## Example
 * ```ts
 * const kind: FaultKind = 'resetAfter';
 * ```
 */
export type FaultKind = 'error' | 'rateLimit' | 'latency' | 'resetBefore' | 'resetAfter' | 'truncate' | 'corruptZip' | 'failTraining' | 'signatureMismatch';

/**
 * Every {@link FaultKind}, in a stable order (for help texts and counters).
 *
 * ## Example
 * ```ts
 * FAULT_KINDS.includes('truncate'); // true
 * ```
 */
export const FAULT_KINDS: readonly FaultKind[] = [
  'error',
  'rateLimit',
  'latency',
  'resetBefore',
  'resetAfter',
  'truncate',
  'corruptZip',
  'failTraining',
  'signatureMismatch',
];

/**
 * Parameters of one fault; each applies to some kinds only (others reject it).
 *
 * ## Example
 * ```ts
 * emulator.injectNext('GET /v1/external/models', 'error', { status: 502, retryAfterS: 0 } satisfies FaultSettings);
 * ```
 */
export interface FaultSettings {
  /** HTTP status of an `'error'` fault, 400..599; default 503. */
  status?: number;
  /** `Retry-After` seconds (integer >= 0): default 1 for `'rateLimit'`, none for `'error'`. */
  retryAfterS?: number;
  /** Added delay of a `'latency'` fault, in ms (required for that kind). */
  latencyMs?: number;
  /** An `'error'` fault answers an HTML page (as a proxy or load balancer does) instead of the JSON body. */
  html?: boolean;
}

/**
 * One rule of a {@link FaultPlan}: on each request to `route` (every route when omitted), inject
 * `kind` with probability `rate`. `'corruptZip'` only ever applies to downloads (`GET /storage/…`),
 * `'signatureMismatch'` to storage URLs (`GET`/`PUT /storage/…`) and `'failTraining'` to Create
 * Model and to a retraining's data PUT, even when `route` is omitted.
 *
 * ## Example
 * ```ts
 * const rule: FaultRule = { route: 'GET /v1/external/models/results', kind: 'error', rate: 0.05, status: 503 };
 * ```
 */
export interface FaultRule extends FaultSettings {
  /** Route key as in {@link RecordedRequest.route}, e.g. `'POST /v1/external/models'`. */
  route?: string;
  kind: FaultKind;
  /** Probability per request, 0..1 (0 never, 1 always). */
  rate: number;
}

/**
 * Random fault injection for {@link EmulatorOptions.faults}. Decisions come from a seeded PRNG,
 * one stream per rule and route, so the n-th request on a route meets the same faults on every
 * run with the same seed, however other routes interleave. Rules are tried in order: at most
 * one fault other than `'latency'` hits a request (the first rule that draws it); latencies add up.
 *
 * ## Example
 * ```ts
 * const emulator = await startEmulator({
 *   faults: {
 *     seed: 7,
 *     rules: [
 *       { kind: 'error', rate: 0.05 },
 *       { kind: 'rateLimit', rate: 0.02, retryAfterS: 1 },
 *       { kind: 'resetAfter', rate: 0.01, route: 'POST /v1/external/models' },
 *     ],
 *   },
 * });
 * ```
 */
export interface FaultPlan {
  /** Seed of the fault decisions; default {@link EmulatorOptions.seed}. */
  seed?: number;
  rules: readonly FaultRule[];
}

/**
 * The routes that start a training, the only ones `'failTraining'` applies to: Create Model, and
 * the PUT of a retraining's data (which starts the retraining). @internal
 */
export const TRAINING_START_ROUTES: readonly string[] = ['POST /v1/external/models', 'PUT /storage/retrain'];

/**
 * Whether a fault kind can apply to a route at all (`'corruptZip'` needs a download,
 * `'failTraining'` a route that starts a training).
 *
 * ## Example
 * ```ts
 * faultAppliesTo('corruptZip', 'GET /v1/external/models'); // false
 * ```
 * @internal
 */
export function faultAppliesTo(kind: FaultKind, route: string): boolean {
  if (kind === 'corruptZip') return route.startsWith('GET /storage/');
  if (kind === 'failTraining') return TRAINING_START_ROUTES.includes(route);
  if (kind === 'signatureMismatch') return route.startsWith('GET /storage/') || route.startsWith('PUT /storage/');
  return true;
}

/**
 * Checks one fault's kind and settings; returns a message saying what is wrong, or undefined.
 * `routes`, when given, are the known route keys `route` must be one of.
 *
 * ## Example
 * ```ts
 * faultProblem('latency', {}); // 'latency needs latencyMs (ms > 0)'
 * ```
 * @internal
 */
export function faultProblem(kind: string, settings: FaultSettings, route?: string, routes?: readonly string[]): string | undefined {
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) return `unknown fault kind '${kind}' (expected one of ${FAULT_KINDS.join(', ')})`;
  const k = kind as FaultKind;
  const { status, retryAfterS, latencyMs } = settings;
  if (status !== undefined && k !== 'error') return `status applies to 'error' only, not '${k}'`;
  if (status !== undefined && (!Number.isInteger(status) || status < 400 || status > 599)) return `status must be an integer 400..599 (got ${status})`;
  if (retryAfterS !== undefined && k !== 'error' && k !== 'rateLimit') return `retryAfter applies to 'error' and 'rateLimit' only, not '${k}'`;
  if (retryAfterS !== undefined && (!Number.isInteger(retryAfterS) || retryAfterS < 0))
    return `retryAfter must be an integer >= 0 seconds (got ${retryAfterS})`;
  if (latencyMs !== undefined && k !== 'latency') return `ms (latencyMs) applies to 'latency' only, not '${k}'`;
  if (settings.html !== undefined && k !== 'error') return `html applies to 'error' only, not '${k}'`;
  if (k === 'latency' && (latencyMs === undefined || !Number.isFinite(latencyMs) || latencyMs <= 0))
    return `latency needs latencyMs (ms > 0)${latencyMs === undefined ? '' : ` (got ${latencyMs})`}`;
  if (route !== undefined && routes !== undefined && !routes.includes(route)) return `unknown route '${route}' (known: ${routes.join(', ')})`;
  if (route !== undefined && !faultAppliesTo(k, route)) {
    if (k === 'signatureMismatch') return `signatureMismatch applies to pre-signed storage URLs (GET or PUT /storage/…), not '${route}'`;
    return k === 'corruptZip'
      ? `corruptZip applies to downloads (GET /storage/…), not '${route}'`
      : `failTraining applies to ${TRAINING_START_ROUTES.map((r) => `'${r}'`).join(' and ')} only, not '${route}'`;
  }
  return undefined;
}

/**
 * Validates a whole plan, throwing a `RangeError` that names the rule and what is wrong.
 *
 * ## Example
 * ```ts
 * validateFaultPlan({ rules: [{ kind: 'error', rate: 2 }] }, keys); // RangeError: EmulatorOptions.faults.rules[0]: rate must be …
 * ```
 * @internal
 */
export function validateFaultPlan(plan: FaultPlan, routes: readonly string[]): void {
  if (typeof plan !== 'object' || plan === null || !Array.isArray(plan.rules))
    throw new RangeError('EmulatorOptions.faults must be { seed?, rules: FaultRule[] }.');
  if (plan.seed !== undefined && !Number.isInteger(plan.seed)) throw new RangeError('EmulatorOptions.faults.seed must be an integer.');
  plan.rules.forEach((rule, i) => {
    const problem =
      typeof rule.rate !== 'number' || !(rule.rate >= 0 && rule.rate <= 1)
        ? `rate must be a number 0..1 (got ${String(rule.rate)})`
        : faultProblem(rule.kind, rule, rule.route, routes);
    if (problem !== undefined) throw new RangeError(`EmulatorOptions.faults.rules[${i}]: ${problem}.`);
  });
}
