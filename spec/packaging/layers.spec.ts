import path from 'node:path';
import { build, type Metafile } from 'esbuild';

/**
 * The core's runtime import graph (esbuild's metafile of the browser bundle): no cycles, and
 * dependencies point one way, pipeline -> operators -> transport -> core (docs/CONTRIBUTING.md, "Layers").
 */
const root = path.resolve(__dirname, '../..');
const rank: Record<string, number> = { core: 0, codecs: 0, sources: 1, results: 1, transport: 2, operators: 3, pipeline: 4 };

async function graph(): Promise<Map<string, string[]>> {
  const result = await build({
    entryPoints: [path.join(root, 'lib/index.ts')],
    bundle: true,
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    packages: 'external',
  });
  const inputs = (result.metafile as Metafile).inputs;
  return new Map(
    Object.entries(inputs)
      .filter(([file]) => file.startsWith('lib/'))
      .map(([file, input]) => [file, input.imports.map((i) => i.path).filter((p) => p.startsWith('lib/'))]),
  );
}

describe('the core import graph', () => {
  it('should have no cycles', async () => {
    const edges = await graph();
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of edges.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('should only import from the same layer or below', async () => {
    const edges = await graph();
    const layer = (file: string) => file.split('/')[1];
    const upward: string[] = [];
    for (const [file, imports] of edges) {
      for (const target of imports) {
        const from = rank[layer(file)];
        const to = rank[layer(target)];
        if (from !== undefined && to !== undefined && to > from) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
