/** Open-handle detection that works with parallel Jest workers. */
/**
 * Open-handle detection that works with parallel Jest workers: counts the process's live,
 * referenced resources (Node's public `process.getActiveResourcesInfo()`: servers, sockets,
 * child processes, pipes, timers…) when a spec file starts and again when it ends, and names
 * what the file left behind. Timers are also followed one by one (`trackTimers`), since a count
 * cannot tell a spec's timer from one of Jest's that ended meanwhile. `--detectOpenHandles` did
 * this through async_hooks and forced one worker; this check runs in each worker
 * (spec/helpers/openHandlesEnvironment.ts) and fails the file instead of printing a hint.
 */
import { promisify } from 'node:util';

/** How many live resources of each type (`Timeout`, `TCPServerWrap`, `ProcessWrap`…) exist. */
export type ResourceCounts = ReadonlyMap<string, number>;

/**
 * Transient requests, not handles: a pending `fs` call ends by itself and keeps nothing open;
 * an immediate runs on the next loop turn. Everything else (timers, servers, sockets, pipes,
 * child processes, signal and file watchers) counts.
 */
const TRANSIENT = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandleCloseReq', 'Immediate']);

/** The live resources of this process right now, by type (unref'd timers and handles excluded). */
export function activeResources(): ResourceCounts {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (!TRANSIENT.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** The timer functions of a global object (a Jest environment's `global`). */
export interface TimerGlobals {
  setTimeout: typeof setTimeout;
  setInterval: typeof setInterval;
  clearTimeout: typeof clearTimeout;
  clearInterval: typeof clearInterval;
}

/** Timers made through a tracked global and neither run (once), cleared nor unref'd. */
export interface TimerTracker {
  pending(): number;
}

/**
 * Wraps `target`'s `setTimeout`/`setInterval` and their `clear…` so that {@link TimerTracker.pending}
 * counts the timers still due: a timeout until it ran or was cleared, an interval until cleared,
 * neither once unref'd. Call before any code runs in that global.
 */
export function trackTimers(target: TimerGlobals): TimerTracker {
  const live = new Set<NodeJS.Timeout>();
  const { setTimeout: realSetTimeout, setInterval: realSetInterval, clearTimeout: realClearTimeout, clearInterval: realClearInterval } = target;
  const forget = (timer: string | number | NodeJS.Timeout | undefined) => {
    if (timer === undefined) return;
    if (typeof timer === 'object') live.delete(timer);
    else for (const t of live) if (Number(t) === Number(timer)) live.delete(t);
  };
  const trackedSetTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = realSetTimeout(
      (...a: unknown[]) => {
        live.delete(timer);
        callback(...a);
      },
      ms,
      ...args,
    );
    live.add(timer);
    return timer;
  };
  const trackedSetInterval = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = realSetInterval(callback, ms, ...args);
    live.add(timer);
    return timer;
  };
  // util.promisify(setTimeout) keeps working (untracked, it ends by itself).
  Object.assign(trackedSetTimeout, { [promisify.custom]: (realSetTimeout as unknown as Record<symbol, unknown>)[promisify.custom] });
  target.setTimeout = trackedSetTimeout as typeof setTimeout;
  target.setInterval = trackedSetInterval as typeof setInterval;
  target.clearTimeout = ((timer) => {
    forget(timer);
    realClearTimeout(timer);
  }) as typeof clearTimeout;
  target.clearInterval = ((timer) => {
    forget(timer);
    realClearInterval(timer);
  }) as typeof clearInterval;
  return { pending: () => [...live].filter((t) => t.hasRef()).length };
}

/**
 * What `after` has beyond `before`, one "N × Type" line per type (empty when nothing grew);
 * `pendingTimers` (from a {@link TimerTracker}) raises the `Timeout` line to at least that many.
 */
export function leftovers(before: ResourceCounts, after: ResourceCounts, pendingTimers = 0): string[] {
  const extra = new Map<string, number>();
  for (const [type, count] of after) if (count > (before.get(type) ?? 0)) extra.set(type, count - (before.get(type) ?? 0));
  if (pendingTimers > (extra.get('Timeout') ?? 0)) extra.set('Timeout', pendingTimers);
  return [...extra].map(([type, n]) => `${n} × ${type}`).sort();
}

/**
 * {@link leftovers} once closing settles: a closed server, socket or killed child releases its
 * handle a few loop turns later, so the check looks again (every 10 ms, real time) until nothing
 * is left or `graceMs` passed, and returns what is still open then.
 */
export async function leftoversAfterSettling(before: ResourceCounts, graceMs: number, timers?: TimerTracker): Promise<string[]> {
  const start = Date.now();
  for (;;) {
    const left = leftovers(before, activeResources(), timers?.pending());
    if (left.length === 0 || Date.now() - start >= graceMs) return left;
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
