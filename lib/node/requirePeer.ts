/** Loads an optional peer dependency or says how to install it. */
/**
 * Loads an optional peer dependency synchronously, or throws the one message every subpath
 * gives for a missing package (name, supported range, install line).
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { MissingPeerError, isModuleNotFound, type OptionalPeer } from '../core/optionalPeers';

// Resolved from this file (the installed package), where npm puts its peers. The ESM build gets
// `__filename` from tsup's shims.
const requireHere = createRequire(__filename);

/**
 * `require(name)`, or a {@link MissingPeerError} naming `who` needs it.
 *
 * ## Example
 * ```ts
 * const { Worker } = requirePeer<typeof import('bullmq')>('bullmq', 'prediction-one-rx/bullmq');
 * ```
 * @internal
 */
export function requirePeer<T>(name: OptionalPeer, who: string, alsoNeeded: readonly OptionalPeer[] = []): T {
  try {
    return requireHere(name) as T;
  } catch (err) {
    if (!isModuleNotFound(err) || !String((err as Error).message).includes(`'${name}'`)) throw err;
    const missing = [name, ...alsoNeeded.filter((other) => !resolvable(other))];
    throw new MissingPeerError(who, missing, false, { cause: err });
  }
}

function resolvable(name: string): boolean {
  try {
    requireHere.resolve(name);
    return true;
  } catch {
    return false;
  }
}
