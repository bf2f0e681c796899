/** Spec helpers: wait until a condition holds, with a guard against a hang. */
/**
 * Waits until `condition()` holds, checking every 5 ms; rejects naming `what` after
 * `timeoutMs` (a guard against a hang, not a speed bound: parallel workers on a loaded machine
 * are slow). For state that changes outside the test's control (a server's request log, a
 * stream being cancelled, files removed on disk), where there is no event to await. `condition` may
 * be async.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Waits until `probe()` gives a value (not `undefined`) and resolves with it, checking every
 * 25 ms; rejects naming `what` after `timeoutMs` (a hang guard, as {@link until}).
 */
export async function waitForValue<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
