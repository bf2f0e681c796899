/** Layers point one way, type imports included, with no cycles. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import ts from 'typescript';

/**
 * The browser-safe entries' import graph: no cycles at run time (esbuild's metafile of the
 * browser bundle), and dependencies point one way, pipeline -> operators -> transport ->
 * codecs, sources, results -> core (docs/ENTRIES.md), type imports included (read from the
 * source, since a bundle drops them).
 */
const root = path.resolve(__dirname, '../..');
const rank: Record<string, number> = { core: 0, codecs: 1, sources: 1, results: 1, transport: 2, operators: 3, pipeline: 4, engine: 5, deploy: 5, data: 5 };
const ENTRIES = ['lib/index.ts', 'lib/engine/index.ts', 'lib/deploy/index.ts', 'lib/data/index.ts'];

async function graph(): Promise<Map<string, string[]>> {
  const result = await build({
    entryPoints: ENTRIES.map((entry) => path.join(root, entry)),
    bundle: true,
    platform: 'browser',
    write: false,
    outdir: 'out',
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

  it('should only import from the same layer or below, type imports included', () => {
    expect(upwardImports(path.join(root, 'lib'))).toEqual([]);
  });
});

/**
 * Every import of a layered folder of `lib` (`import`, `import type`, `export … from` and
 * `import('…')` types) that points to a higher layer, as `file -> target`.
 */
export function upwardImports(lib: string): string[] {
  const upward: string[] = [];
  for (const layer of Object.keys(rank)) {
    const dir = path.join(lib, layer);
    let files: string[];
    try {
      files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    } catch {
      continue;
    }
    for (const file of files) {
      const full = path.join(dir, file);
      const source = ts.createSourceFile(full, readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        let specifier: ts.Expression | undefined;
        if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) specifier = node.moduleSpecifier;
        else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) specifier = node.argument.literal;
        if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
          const target = path.relative(lib, path.resolve(path.dirname(full), specifier.text)).split(path.sep)[0];
          if (rank[target] !== undefined && rank[target] > rank[layer]) upward.push(`lib/${layer}/${file} -> ${specifier.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return upward.sort();
}
