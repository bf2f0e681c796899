/** Decides which requests the emulator faults, and how. */
import { FAULT_KINDS, faultAppliesTo, faultProblem, type FaultKind, type FaultPlan, type FaultSettings } from './faultPlan';
import { seededRandom } from './training/random';

/**
 * What happens to one request: at most one fault other than latency, plus added latency.
 * @internal
 */
export interface FaultDecision {
  kind?: Exclude<FaultKind, 'latency'>;
  /** Settings of `kind` (status, retryAfterS). */
  settings: FaultSettings;
  /** Sum of the latency faults that hit, in ms (0 for none). */
  latencyMs: number;
}

/**
 * A fault queued by `emulator.injectNext`, used by exactly one request.
 * @internal
 */
export interface OneShotFault {
  kind: FaultKind;
  settings: FaultSettings;
}

/**
 * Draws the faults of a {@link FaultPlan} for each request and counts the faults applied.
 * Each (rule, route) pair has its own seeded stream, drawn once per request it could apply to,
 * so the decision for the n-th request on a route depends only on the seed, the rule and n.
 *
 * ## Example
 * ```ts
 * const injector = new FaultInjector({ rules: [{ kind: 'error', rate: 1 }] }, 42);
 * injector.decide('GET /v1/external/models').kind; // 'error'
 * ```
 * @internal
 */
export class FaultInjector {
  /** How many times each kind was applied (the handler calls {@link count}). */
  readonly counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  private readonly streams = new Map<string, () => number>();
  private readonly seed: number;

  constructor(
    private readonly plan: FaultPlan,
    defaultSeed: number,
  ) {
    this.seed = plan.seed ?? defaultSeed;
  }

  /** The faults for the next request on `route`; a one-shot fault overrides the plan's pick. */
  decide(route: string, oneShot?: OneShotFault): FaultDecision {
    const decision: FaultDecision = { settings: {}, latencyMs: 0 };
    this.plan.rules.forEach((rule, i) => {
      if ((rule.route !== undefined && rule.route !== route) || !faultAppliesTo(rule.kind, route)) return;
      // Draw even when a fault was already picked, so each stream advances once per request.
      if (!(this.stream(i, route)() < rule.rate)) return;
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 0;
      else if (decision.kind === undefined) {
        decision.kind = rule.kind;
        decision.settings = rule;
      }
    });
    if (oneShot?.kind === 'latency') decision.latencyMs += oneShot.settings.latencyMs ?? 0;
    else if (oneShot !== undefined) {
      decision.kind = oneShot.kind;
      decision.settings = oneShot.settings;
    }
    return decision;
  }

  /** Counts one applied fault. */
  count(kind: FaultKind): void {
    this.counts[kind]++;
  }

  private stream(rule: number, route: string): () => number {
    const key = `${rule} ${route}`;
    let next = this.streams.get(key);
    if (next === undefined) {
      next = seededRandom(fnv1a(`${this.seed}|${key}`));
      this.streams.set(key, next);
    }
    return next;
  }
}

/** 32-bit FNV-1a: a stable, well-spread seed for each stream. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Validates the arguments of `emulator.injectNext`; throws a `RangeError` saying what is wrong.
 *
 * ## Example
 * ```ts
 * oneShotFault('GET /v1/external/models', 'error', { status: 502 }, routeKeys); // { kind: 'error', settings: { status: 502 } }
 * ```
 * @internal
 */
export function oneShotFault(route: string, kind: FaultKind, settings: FaultSettings, routes: readonly string[]): OneShotFault {
  const problem = faultProblem(kind, settings, route, routes);
  if (problem !== undefined) throw new RangeError(`injectNext: ${problem}.`);
  return { kind, settings: { ...settings } };
}
