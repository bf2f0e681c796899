/** Specs: the open-handle check. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { activeResources, leftovers, leftoversAfterSettling, trackTimers, type TimerGlobals } from './openHandles';

/**
 * The open-handle check itself (spec/helpers/openHandles.ts, run after every spec file by
 * spec/helpers/openHandlesEnvironment.ts) must see what a spec leaves open: a timer, a listening
 * server, a child process; and nothing once they are closed.
 */
describe('open-handle check', () => {
  it('should name a timer left running, and nothing once it is cleared', async () => {
    const before = activeResources();
    const timer = setTimeout(() => undefined, 60_000);
    try {
      expect(leftovers(before, activeResources())).toEqual(['1 × Timeout']);
    } finally {
      clearTimeout(timer);
    }
    expect(await leftoversAfterSettling(before, 1_000)).toEqual([]);
  });

  it('should not count an unref’d timer, which does not keep the process alive', () => {
    const before = activeResources();
    const timer = setTimeout(() => undefined, 60_000).unref();
    try {
      expect(leftovers(before, activeResources())).toEqual([]);
    } finally {
      clearTimeout(timer);
    }
  });

  it('should name a listening server, and nothing once it is closed', async () => {
    const before = activeResources();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await leftoversAfterSettling(before, 50)).toEqual(['1 × TCPServerWrap']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await leftoversAfterSettling(before, 1_000)).toEqual([]);
  });

  it('should name a child process still running, and nothing once it exited', async () => {
    const before = activeResources();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      expect(await leftoversAfterSettling(before, 50)).toContain('1 × ProcessWrap');
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(await leftoversAfterSettling(before, 1_000)).toEqual([]);
  });

  it('should follow each timer of a tracked global: pending until it ran, was cleared or unref’d', async () => {
    const timers: TimerGlobals = { setTimeout, setInterval, clearTimeout, clearInterval };
    const tracker = trackTimers(timers);
    const interval = timers.setInterval(() => undefined, 60_000);
    const long = timers.setTimeout(() => undefined, 60_000);
    const unrefd = timers.setTimeout(() => undefined, 60_000);
    let ran = false;
    timers.setTimeout(() => (ran = true), 1);
    expect(tracker.pending()).toBe(4);
    unrefd.unref();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toBe(true);
    expect(tracker.pending()).toBe(2);
    // A count of live resources cannot tell these apart from Jest's own timers; the tracker can.
    expect(leftovers(new Map([['Timeout', 5]]), new Map([['Timeout', 5]]), tracker.pending())).toEqual(['2 × Timeout']);
    timers.clearInterval(interval);
    timers.clearTimeout(Number(long));
    clearTimeout(unrefd);
    expect(tracker.pending()).toBe(0);
  });
});
