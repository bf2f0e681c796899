/**
 * The key of a method on the `init` the client passes to its fetch: a transport that knows it
 * (the Node entry's undici fetch) calls `init[ABORT_HOOK](abort)` to be told of an abort by a
 * plain callback, instead of listening on `init.signal`. Listening on an `AbortSignal` costs
 * Node about 2 KB of allocations and 5-20 µs per request (EventTarget listeners), about half of
 * the client's own cost of a status poll; the signal is then never made. Any other fetch (or a
 * wrapper that spreads `init`) reads `init.signal` and gets a real `AbortSignal`, aborted as
 * before. `Symbol.for`, so the core and the Node entry (separate bundles) agree on it.
 *
 * @internal
 */
export const ABORT_HOOK: unique symbol = Symbol.for('prediction-one-rx.abortHook') as never;

/**
 * What `init[ABORT_HOOK]` is, when the client set it.
 *
 * @internal
 */
export type AbortHook = (onAbort: () => void) => void;
