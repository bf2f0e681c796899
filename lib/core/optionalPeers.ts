/** The optional peer dependencies and the message when one is missing. */
/**
 * The optional peer dependencies, their supported ranges and the one sentence every subpath
 * says when one is missing. Browser-safe (data and strings only).
 *
 * @packageDocumentation
 */

/**
 * Each optional peer dependency and its range, as `package.json#peerDependencies` says
 * (spec/core/optionalPeers.spec.ts fails when the two differ).
 *
 * @internal
 */
export const OPTIONAL_PEERS = {
  '@angular/common': '>=21.0.0',
  '@angular/core': '>=21.0.0',
  bullmq: '^6.7.0',
  ioredis: '>=5.0.0',
  'cli-progress': '^3.12.0',
  commander: '^13.1.0',
  'ml-random-forest': '^2.1.0',
  undici: '^7.30.2',
  pino: '^9.14.0',
  'prom-client': '^15.1.3',
  '@opentelemetry/api': '^1.3.0',
} as const;

/** The name of an optional peer dependency. @internal */
export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/**
 * `name@range` as a shell word: quoted only when the range has a character a shell reads
 * (`>=5.0.0` would otherwise redirect the output to a file named `=5.0.0`).
 *
 * ## Example
 * ```ts
 * peerInstallSpec('bullmq'); // 'bullmq@^6.7.0'
 * peerInstallSpec('ioredis'); // "'ioredis@>=5.0.0'"
 * ```
 * @internal
 */
export function peerInstallSpec(name: OptionalPeer): string {
  const spec = `${name}@${OPTIONAL_PEERS[name]}`;
  return /^[\w@/.^~-]+$/.test(spec) ? spec : `'${spec}'`;
}

/**
 * The message for optional peers that are not installed: which ones, with the range we
 * support, who needs them and the install line.
 *
 * ## Example
 * ```ts
 * missingPeerMessage('prediction-one-rx/bullmq', ['bullmq', 'ioredis']);
 * // prediction-one-rx/bullmq needs bullmq (^6.7.0) and ioredis (>=5.0.0), optional peer dependencies that are not installed. Install them beside prediction-one-rx: npm install bullmq@^6.7.0 'ioredis@>=5.0.0'
 * ```
 * @param who - What needs them (a subpath or a function).
 * @param missing - The missing packages.
 * @param dev - Whether they belong in devDependencies (the emulator, the CLI).
 * @internal
 */
export function missingPeerMessage(who: string, missing: readonly OptionalPeer[], dev = false): string {
  const names = missing.map((name) => `${name} (${OPTIONAL_PEERS[name]})`);
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const one = missing.length === 1;
  return (
    `${who} needs ${listed}, ${one ? 'an optional peer dependency that is' : 'optional peer dependencies that are'} not installed. ` +
    `Install ${one ? 'it' : 'them'} beside prediction-one-rx: npm install ${dev ? '--save-dev ' : ''}${missing.map(peerInstallSpec).join(' ')}`
  );
}

/**
 * The `Error` thrown when optional peers are missing (its `cause` is the resolution error).
 *
 * @internal
 */
export class MissingPeerError extends Error {
  override readonly name = 'MissingPeerError';
  constructor(
    who: string,
    /** The missing packages. */
    readonly packages: readonly OptionalPeer[],
    dev = false,
    options?: { cause?: unknown },
  ) {
    super(missingPeerMessage(who, packages, dev), options);
  }
}

/** Whether `err` says a module could not be found (CommonJS or ESM). @internal */
export function isModuleNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}
