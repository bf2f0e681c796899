/** Loads the fleet's optional dependencies for the commands that need them. */
/**
 * The fleet's optional dependencies, loaded only by the commands that need them.
 *
 * @packageDocumentation
 */
import type { Command } from 'commander';
import { missingPeerMessage } from '../core/optionalPeers';
import { USAGE_EXIT_CODE } from './batchIo';

/** The `prediction-one-rx/bullmq` entry. @internal */
export type BullmqEntry = typeof import('prediction-one-rx/bullmq');

/**
 * Loads `prediction-one-rx/bullmq` (and so `bullmq` and `ioredis`, optional peers), or stops
 * with exit code 2 and the install line.
 *
 * @internal
 */
export async function loadBullmq(cmd: Command): Promise<BullmqEntry> {
  // The entry loads bullmq and ioredis when a worker or processor is made: check them first.
  const missing = (['bullmq', 'ioredis'] as const).filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) cmd.error(`error: ${missingPeerMessage('p1rx (--queue, worker)', missing)}`, { exitCode: USAGE_EXIT_CODE });
  return import('prediction-one-rx/bullmq');
}
