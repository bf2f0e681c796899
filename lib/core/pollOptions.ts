/** Poll options, resolved once. */
/**
 * Poll options resolved once: every field filled in and frozen, so the poller below never
 * falls back to a default.
 *
 * @packageDocumentation
 */
import type { PollOptions } from './config';
import { POLL_DEFAULTS } from './defaults';
import { ValidationError } from './errors';

/**
 * A complete, frozen poll schedule and status policy: what {@link resolvePollOptions} makes of
 * {@link PollOptions}. Built when a client is created (its `poll` defaults) and when an
 * operator is called (the caller's options over the client's); passed down from there.
 *
 * @internal
 */
export type ResolvedPollOptions = Readonly<Required<PollOptions>>;

/**
 * The library's poll defaults, resolved (randomness from `Math.random`).
 *
 * @internal
 */
export const DEFAULT_POLL_OPTIONS: ResolvedPollOptions = Object.freeze({ ...POLL_DEFAULTS, random: Math.random });

/**
 * `options` over `base`, checked and frozen. Returns `base` itself when `options` adds nothing,
 * so the usual call (no options) allocates nothing.
 *
 * **Errors**: throws {@link ValidationError} for a negative or non-numeric delay, a multiplier
 * below 1, or a negative deadline.
 *
 * @internal
 */
export function resolvePollOptions(base: ResolvedPollOptions, options: PollOptions | undefined): ResolvedPollOptions {
  if (options === undefined || options === base) return base;
  let changed = false;
  for (const key of Object.keys(options) as (keyof PollOptions)[]) {
    if (options[key] !== undefined && options[key] !== base[key]) changed = true;
  }
  if (!changed) return base;
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as PollOptions;
  const resolved: Required<PollOptions> = {
    ...base,
    ...defined,
    terminalStatuses: Object.freeze([...(defined.terminalStatuses ?? base.terminalStatuses)]),
    failureStatuses: Object.freeze([...(defined.failureStatuses ?? base.failureStatuses)]),
  };
  const issues: string[] = [];
  for (const key of ['firstDelayMs', 'minDelayMs', 'maxDelayMs', 'maxWaitMs'] as const) {
    const v = resolved[key];
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) issues.push(`${key} must be a number >= 0, got ${String(v)}`);
  }
  if (typeof resolved.multiplier !== 'number' || !(resolved.multiplier >= 1))
    issues.push(`multiplier must be a number >= 1, got ${String(resolved.multiplier)}`);
  if (resolved.jitter !== 'none' && resolved.jitter !== 'full') issues.push(`jitter must be 'none' or 'full', got ${String(resolved.jitter)}`);
  if (issues.length > 0) throw new ValidationError('poll options', issues);
  return intern(base, resolved);
}

/**
 * `options` over `base`, split in two: the schedule and status names, which a shared poller is
 * keyed on (with `base`'s `firstDelayMs` and `maxWaitMs`, so equal schedules are one object
 * whatever each caller's first delay and deadline), and the caller's own `firstDelayMs` and
 * `maxWaitMs`. A program spreading its first polls with a random `firstDelayMs` per training
 * keeps one schedule for all of them, not one each.
 *
 * **Errors**: as {@link resolvePollOptions}.
 *
 * @internal
 */
export function resolveConsumerPoll(
  base: ResolvedPollOptions,
  options: PollOptions | undefined,
): { readonly schedule: ResolvedPollOptions; readonly firstDelayMs: number; readonly maxWaitMs: number } {
  // Checked as one set of options; the schedule leaves the consumer's two out.
  const full = resolvePollOptions(base, options);
  const { firstDelayMs, maxWaitMs } = full;
  if (full === base) return { schedule: base, firstDelayMs, maxWaitMs };
  return { schedule: resolvePollOptions(base, { ...options, firstDelayMs: undefined, maxWaitMs: undefined }), firstDelayMs, maxWaitMs };
}

/**
 * Per base, the resolved options already made, by value: a program that calls an operator per
 * training with equal option literals (`pollStatus$(client, { minDelayMs: 5000 })` in a loop)
 * gets one object, so its trainings share one schedule, one share key and one policy instead of
 * keeping a copy each. Options with a function of their own (`random`) are not interned.
 */
const interned = new WeakMap<ResolvedPollOptions, Map<string, ResolvedPollOptions>>();

function intern(base: ResolvedPollOptions, resolved: Required<PollOptions>): ResolvedPollOptions {
  if (resolved.random !== base.random) return Object.freeze(resolved);
  let byValue = interned.get(base);
  if (byValue === undefined) interned.set(base, (byValue = new Map()));
  const key = JSON.stringify(resolved, (_, v: unknown) => (typeof v === 'function' ? undefined : v));
  let found = byValue.get(key);
  if (found === undefined) {
    // Bounded: a program making endless distinct schedules still keeps only the latest ones.
    if (byValue.size >= 64) byValue.clear();
    byValue.set(key, (found = Object.freeze(resolved)));
  }
  return found;
}

/**
 * The wait before poll number `n + 2` (`n` counts the waits so far, from 0): `minDelayMs`
 * multiplied by `multiplier` per wait, capped at `maxDelayMs`, with optional full jitter.
 *
 * @internal
 */
export function pollDelayMs(n: number, options: ResolvedPollOptions): number {
  const max = Math.max(options.minDelayMs, options.maxDelayMs);
  const interval = Math.min(max, options.minDelayMs * options.multiplier ** n);
  return options.jitter === 'none' ? interval : Math.round(interval * options.random());
}
