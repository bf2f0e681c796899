/** The specs' child-process programs (the p1rx CLI, spec helpers), bundled once per Jest run so a child starts in plain Node. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A child started with `node --import tsx lib/cli/main.ts` compiles lib/ at every start, and the
 * fleet, CLI and memory specs start dozens (docs/PERFORMANCE.md, "Test suite"). Jest's global setup
 * (spec/helpers/globalSetup.ts) bundles each program here from the current sources with esbuild
 * (the bundler tsup uses for dist/), its dependencies left to node_modules as in the published
 * package: `node <bundle>` is then the program itself, so a signal reaches it, as with the
 * installed `p1rx`.
 */
const root = path.resolve(__dirname, '../..');
const BUNDLE_DIR = path.join(root, 'node_modules', '.cache', 'p1rx-spec');

const ENTRIES = {
  p1rx: 'lib/cli/main.ts',
  memoryChild: 'spec/helpers/memoryChild.ts',
  serviceTimeChild: 'spec/helpers/serviceTimeChild.ts',
} as const;

/** The bundled program `name` (a .js file for `node`). */
export function childScript(name: keyof typeof ENTRIES): string {
  const file = path.join(BUNDLE_DIR, `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: Jest's globalSetup (spec/helpers/globalSetup.ts) bundles it`);
  return file;
}

/** The `p1rx` CLI from lib/, as `node` runs it: `spawn(process.execPath, [p1rxScript(), ...args])`. */
export const p1rxScript = (): string => childScript('p1rx');

/**
 * Bundles every program from the current sources. Each file is written beside its place and
 * renamed into it, so a Jest run started while another one runs (the open-handle spec starts
 * one) never lets a child read half a file.
 */
export async function bundleChildren(): Promise<void> {
  const esbuild = await import('esbuild');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<
    'dependencies' | 'devDependencies' | 'peerDependencies',
    Record<string, string>
  >;
  // Every package stays in node_modules (a copy bundled in would not be the one the specs load);
  // the package's own name resolves to lib/ through tsconfig.json's paths.
  const external = [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies].flatMap((deps) => Object.keys(deps)).flatMap((name) => [name, `${name}/*`]);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: BUNDLE_DIR,
    external,
    tsconfig: path.join(root, 'tsconfig.json'),
    write: false,
    logLevel: 'error',
  });
  await mkdir(BUNDLE_DIR, { recursive: true });
  await Promise.all(
    result.outputFiles.map(async (file) => {
      const partial = `${file.path}.${process.pid}.partial`;
      await writeFile(partial, file.contents);
      await rename(partial, file.path);
    }),
  );
}
