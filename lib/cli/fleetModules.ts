/**
 * The fleet's optional dependencies, loaded only by the commands that need them.
 *
 * @packageDocumentation
 */
import type { Command } from 'commander';
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
  try {
    return await import('prediction-one-rx/bullmq');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' || (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      cmd.error('error: --queue needs bullmq and ioredis: npm install bullmq@6 ioredis', { exitCode: USAGE_EXIT_CODE });
    }
    throw err;
  }
}
