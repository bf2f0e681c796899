/** Spec helper: the marble test scheduler. */
import { TestScheduler, type RunHelpers } from 'rxjs/testing';

/**
 * Virtual time a marble test may use by default: ten virtual minutes. The longest legitimate
 * marble test here spans about one virtual minute; an endless poll reaches the limit in a few
 * thousand steps at the shortest cadence the specs use, instead of running until the machine
 * runs out of memory.
 */
export const DEFAULT_MAX_FRAMES = 600_000;

/** Options of {@link testScheduler}. */
export interface MarbleOptions {
  /** Last virtual frame the scheduler runs; work scheduled later fails the test. */
  readonly maxFrames?: number;
}

/**
 * A TestScheduler that compares with Jest's deep equality and runs at most `maxFrames` frames of
 * virtual time, so a stream that never ends (an endless poll, a deadline that was lost) FAILS the
 * test with a message saying so, instead of hanging it.
 *
 * Every marble test uses this, never `new TestScheduler` directly. Use as usual:
 * `testScheduler().run(({ cold, expectObservable }) => ...)`.
 *
 * Why the limit is set inside the callback: RxJS 7's `TestScheduler.run` resets the public
 * `maxFrames` to `Infinity` on entry and restores it on exit, so a limit set on the instance
 * beforehand would not apply to run mode. `VirtualTimeScheduler.flush` itself only *stops* at the
 * limit (it does not throw), so the comparison and the end of `run` check for work still
 * scheduled past the limit and fail on it.
 */
export function testScheduler(options: MarbleOptions = {}): TestScheduler {
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
  const failIfUnfinished = (): void => {
    const pending = scheduler.actions.length;
    if (pending > 0) {
      throw new Error(
        `marble test reached maxFrames (${maxFrames} virtual ms) with ${pending} action(s) still scheduled ` +
          `(next at frame ${scheduler.actions[0]?.delay}): the stream under test does not end`,
      );
    }
  };
  const scheduler = new TestScheduler((actual, expected) => {
    // Checked first: an endless stream's recorded notifications would otherwise show as a huge diff.
    failIfUnfinished();
    expect(actual).toEqual(expected);
  });
  const run = scheduler.run.bind(scheduler);
  scheduler.run = <T>(callback: (helpers: RunHelpers) => T): T => {
    const result = run((helpers) => {
      scheduler.maxFrames = maxFrames;
      return callback(helpers);
    });
    failIfUnfinished();
    return result;
  };
  return scheduler;
}
