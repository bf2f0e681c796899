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
