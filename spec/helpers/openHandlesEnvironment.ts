/** Jest's Node environment with the open-handle check. */
/**
 * Jest's Node environment plus the open-handle check of spec/helpers/openHandles.ts: counts live
 * resources when a spec file starts (`run_start`) and follows its timers; after every test and
 * `afterAll` hook has run (`run_finish`), fails the file with the list of timers, servers,
 * sockets or child processes it left open. Set as `testEnvironment` in jest.config.ts.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';
import { activeResources, leftoversAfterSettling, trackTimers, type ResourceCounts, type TimerGlobals, type TimerTracker } from './openHandles';

/** How long a closing handle may take to go away before it counts as left open. */
const GRACE_MS = 5_000;

export default class OpenHandlesEnvironment extends NodeEnvironment {
  private before: ResourceCounts = new Map();
  private readonly timers: TimerTracker;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.timers = trackTimers(this.global as unknown as TimerGlobals);
  }

  async handleTestEvent(event: Circus.Event, state: Circus.State): Promise<void> {
    if (event.name === 'run_start') this.before = activeResources();
    if (event.name === 'run_finish') {
      const left = await leftoversAfterSettling(this.before, GRACE_MS, this.timers);
      if (left.length > 0) {
        state.unhandledErrors.push(
          new Error(
            `open handles: this spec file left ${left.join(', ')} open after its last test (close servers, clear timers, kill and await child processes in afterAll/finally)`,
          ),
        );
      }
    }
  }
}
