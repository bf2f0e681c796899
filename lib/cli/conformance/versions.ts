/** The versions a conformance report carries. */
/**
 * The versions a conformance report carries, so a user can paste it into a bug report.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Package, Node and platform of the run. @internal */
export interface RunVersions {
  readonly package: string;
  readonly node: string;
  readonly platform: string;
}

/**
 * This package's version (read from its package.json, found from this file up), Node's version
 * and the platform.
 *
 * ## Example
 * ```ts
 * runVersions(); // { package: 'prediction-one-rx 0.9.0', node: 'v20.11.1', platform: 'linux x64' }
 * ```
 * @internal
 */
export function runVersions(): RunVersions {
  return { package: `prediction-one-rx ${packageVersion() ?? '(unknown)'}`, node: process.version, platform: `${process.platform} ${process.arch}` };
}

function packageVersion(): string | undefined {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'prediction-one-rx' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here: look one level up.
    }
  }
  return undefined;
}
