/** The p1rx executable: checks the CLI's optional peers, then runs the CLI. */
/**
 * The `p1rx` executable: checks that the CLI's optional peer dependencies are installed, then
 * runs the CLI. Imports nothing but Node built-ins, so a missing package is reported as a
 * sentence saying what to install, not as a module-resolution stack trace.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { OPTIONAL_PEERS, peerInstallSpec, type OptionalPeer } from '../core/optionalPeers';

/** Packages every command needs, and those only some commands need. */
const CLI_PACKAGES = ['commander', 'cli-progress'];
const COMMAND_PACKAGES: Readonly<Record<string, readonly string[]>> = { emulator: ['ml-random-forest'], worker: ['bullmq', 'ioredis'] };

/**
 * The optional peer dependencies `argv` needs that cannot be resolved from `from`.
 *
 * @internal
 */
export function missingPackages(argv: readonly string[], from: string = __dirname): string[] {
  const needed = [...CLI_PACKAGES, ...(COMMAND_PACKAGES[argv[0] ?? ''] ?? [])];
  return needed.filter((name) => {
    try {
      require.resolve(name, { paths: [from] });
      return false;
    } catch {
      return true;
    }
  });
}

/** `name@range` as the package's peerDependencies say (an unpinned install may pick a major it does not support). */
function pinned(name: string, peers: Readonly<Record<string, string>>): string {
  const range = peers[name];
  if (range === undefined) return name in OPTIONAL_PEERS ? peerInstallSpec(name as OptionalPeer) : name;
  return /^[\w@/.^~-]+$/.test(`${name}@${range}`) ? `${name}@${range}` : `'${name}@${range}'`;
}

/**
 * What to tell a user who lacks `missing`: install them, or run in one command with npx.
 *
 * @internal
 */
export function missingMessage(argv: readonly string[], missing: readonly string[], peers: Readonly<Record<string, string>> = {}): string {
  const all = [...CLI_PACKAGES, ...(COMMAND_PACKAGES[argv[0] ?? ''] ?? [])].map((name) => pinned(name, peers));
  // The user's own arguments, but never a key (`--api-key k` or `--api-key=k`).
  const shown = argv.map((a, i) => (/^--(api|secret)-key$/.test(argv[i - 1] ?? '') ? '…' : a.replace(/^(--(api|secret)-key=).*/, '$1…')));
  const command = ['p1rx', ...shown].join(' ');
  return [
    `p1rx: this command needs ${missing.join(', ')}, not installed: prediction-one-rx keeps its command-line and emulator`,
    '  packages optional so a browser app does not install them. Either install them beside it:',
    `    npm install --save-dev ${all.join(' ')}`,
    '  or run it in one command without installing anything:',
    `    npx -y -p prediction-one-rx -p ${all.join(' -p ')} ${command}`,
  ].join('\n');
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const missing = missingPackages(argv);
  if (missing.length > 0) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(__dirname, '..', '..', 'package.json')) as { peerDependencies?: Record<string, string> };
    process.stderr.write(`${missingMessage(argv, missing, pkg.peerDependencies)}\n`);
    process.exitCode = 1;
  } else {
    // A computed path: the bundler leaves the CLI a separate file, loaded only now.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cli = require(path.join(__dirname, 'main.js')) as { run(argv: readonly string[]): Promise<number> };
    void cli.run(argv).then((code) => {
      process.exitCode = code;
    });
  }
}
