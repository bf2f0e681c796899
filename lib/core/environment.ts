/** Where the library runs, found from globals only. */
/**
 * Where the library runs, found from globals only (the core imports nothing from Node).
 *
 * @packageDocumentation
 */

/**
 * Whether this looks like a browser page or a web worker: code and memory that the user of
 * the device can read. Node, Deno and Bun servers answer false; so does a Node test run unless
 * it defines `window` and `document` (as jsdom does: such a test is treated as a browser).
 *
 * @internal
 */
export function isBrowserLike(scope: object = globalThis): boolean {
  const g = scope as { window?: { document?: unknown }; document?: unknown; importScripts?: unknown; WorkerGlobalScope?: unknown };
  const page = typeof g.window === 'object' && g.window !== null && typeof g.window.document === 'object' && g.window.document !== null;
  const worker = typeof g.importScripts === 'function' && typeof g.WorkerGlobalScope === 'function';
  return page || worker;
}
