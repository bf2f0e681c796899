/** Scripted failures queued by the emulator's failNext. */
import type { OneShotFault } from './faultInjector';

/**
 * One scripted failure queued by `failNext`.
 * @internal
 */
export interface ScriptedFailure {
  status: number;
  body: unknown;
  retryAfterS?: number;
}

/**
 * Queues of one-shot faults and delays per route key; each queued item is used by exactly one
 * request, in order.
 *
 * ## Example
 * ```ts
 * const faults = new FaultScript();
 * faults.failNext('GET /x', { status: 503, body: undefined });
 * faults.takeFailure('GET /x'); // { status: 503, ... }
 * faults.takeFailure('GET /x'); // undefined
 * ```
 * @internal
 */
export class FaultScript {
  private readonly failures = new Map<string, ScriptedFailure[]>();
  private readonly delays = new Map<string, number[]>();
  private readonly injected = new Map<string, OneShotFault[]>();

  /** Queues a failure for the next request on `route`. */
  failNext(route: string, failure: ScriptedFailure): void {
    push(this.failures, route, failure);
  }

  /** Queues a delay for the next response on `route`. */
  delayNext(route: string, ms: number): void {
    push(this.delays, route, ms);
  }

  /** Queues an injected fault (`injectNext`) for the next request on `route`. */
  injectNext(route: string, fault: OneShotFault): void {
    push(this.injected, route, fault);
  }

  /** Removes and returns the oldest queued injected fault for `route`. */
  takeInjected(route: string): OneShotFault | undefined {
    return this.injected.get(route)?.shift();
  }

  /** Removes and returns the oldest queued failure for `route`. */
  takeFailure(route: string): ScriptedFailure | undefined {
    return this.failures.get(route)?.shift();
  }

  /** Removes and returns the oldest queued delay for `route`. */
  takeDelay(route: string): number | undefined {
    return this.delays.get(route)?.shift();
  }

  /** Drops everything queued. */
  clear(): void {
    this.failures.clear();
    this.delays.clear();
    this.injected.clear();
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}
