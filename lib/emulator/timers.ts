/** Every timer the emulator starts, so close() can clear them. */
/**
 * Every timer the emulator starts, so `close()` can clear them all and leave no open handles.
 *
 * ## Example
 * ```ts
 * const timers = new TimerSet();
 * timers.set(() => console.log('tick'), 10);
 * timers.clearAll(); // nothing is printed
 * ```
 * @internal
 */
export class TimerSet {
  private readonly handles = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  /** Like `setTimeout`, but tracked. */
  set(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setTimeout(
      () => {
        this.handles.delete(handle);
        fn();
      },
      Math.max(0, ms),
    );
    this.handles.add(handle);
    return handle;
  }

  /** Clears one tracked timer. */
  clear(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Resolves after `ms`, or early (still resolving) when {@link clearAll} runs. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.sleepers.delete(done);
        this.clear(handle);
        resolve();
      };
      const handle = this.set(done, ms);
      this.sleepers.add(done);
    });
  }

  /** Clears every timer; pending sleeps resolve at once so nothing awaits forever. */
  clearAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
    for (const wake of [...this.sleepers]) wake();
  }
}
