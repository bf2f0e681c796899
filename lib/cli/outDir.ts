/** Checks of --out folders, and the recovery hint after an interrupted training. */
/**
 * `--out` folders checked before anything is uploaded, and the recovery hint printed when a
 * command stops after the service accepted a training.
 *
 * @packageDocumentation
 */
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A local input the command refuses before any request (a bad `--out`, a job's data that does
 * not fit its config). Exit code 2, like other usage errors.
 *
 * @internal
 */
export class LocalCheckError extends Error {
  override readonly name = 'LocalCheckError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * Why `dir` cannot hold the results, without creating anything (so a job refused for another
 * reason leaves no empty folder): it is a file, lies under a file, or the folder that would hold
 * it is not writable. `undefined` when it can be used; {@link makeOutDir} then creates it.
 *
 * @internal
 */
export async function outDirIssue(dir: string, flag = '--out'): Promise<string | undefined> {
  let at = path.resolve(dir);
  for (;;) {
    let found;
    try {
      found = await stat(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return `${flag} ${dir} lies under a file`;
      if (code !== 'ENOENT') return `${flag} ${dir} cannot be used (${code ?? String(err)})`;
    }
    if (found && !found.isDirectory()) return at === path.resolve(dir) ? `${flag} ${dir} is a file, not a folder` : `${flag} ${dir} lies under a file (${at})`;
    if (found) break;
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  try {
    await access(at, constants.W_OK);
    // access() answers for the mode bits only (and not at all for root); a probe, removed at
    // once, also catches read-only mounts, ACLs and full disks.
    if (at === path.resolve(dir)) {
      const probe = path.join(at, `.p1rx-write-test-${process.pid}`);
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } else {
      await rmdir(await mkdtemp(path.join(at, '.p1rx-write-test-')));
    }
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${flag} ${dir} is not writable${at === path.resolve(dir) ? '' : ` (${at} is not)`} (${code ?? String(err)})`;
  }
}

/**
 * Creates `dir` and its parents once {@link outDirIssue} found nothing.
 *
 * **Errors**: {@link LocalCheckError} when it still cannot be created.
 *
 * @internal
 */
export async function makeOutDir(dir: string, flag = '--out'): Promise<void> {
  try {
    await mkdir(path.resolve(dir), { recursive: true });
  } catch (err) {
    throw new LocalCheckError(`${flag} ${dir} cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Quotes a shell word when it needs it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The lines telling where a training accepted by the service can be followed and fetched
 * (it goes on at the service whatever happens to this process). Never prints a key.
 *
 * @internal
 */
export function recoveryHint(externalProcessId: string, options: { out: string; baseUrl?: string }): string {
  const base = options.baseUrl ? ` --base-url ${shellWord(options.baseUrl)}` : '';
  const id = shellWord(externalProcessId);
  return [
    `p1rx: training ${externalProcessId} was accepted by the service and goes on there.`,
    `  follow it:      p1rx status ${id} --watch${base}`,
    `  fetch it later: p1rx download ${id} --wait --out ${shellWord(options.out)}${base}`,
  ].join('\n');
}
