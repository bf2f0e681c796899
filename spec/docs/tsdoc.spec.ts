import path from 'node:path';
import ts from 'typescript';

/**
 * Every public export has a TSDoc comment with a short example (engineering standard); this
 * reads the barrels with the compiler API so a new undocumented export fails the suite.
 */
const root = path.resolve(__dirname, '../..');
const entries = [
  'lib/index.ts',
  'lib/node/index.ts',
  'lib/emulator/index.ts',
  'lib/angular/index.ts',
  'lib/bullmq/index.ts',
  'lib/engine/index.ts',
  'lib/deploy/index.ts',
].filter((e) => ts.sys.fileExists(path.join(root, e)));

function program(): ts.Program {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram(
    entries.map((e) => path.join(root, e)),
    parsed.options,
  );
}

function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const text = ts.displayPartsToString(target.getDocumentationComment(checker));
  const tags = target.getJsDocTags(checker).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`);
  return [text, ...tags].join('\n');
}

describe('public API documentation', () => {
  const prog = program();
  const checker = prog.getTypeChecker();

  it.each(entries)('should document every export of %s with an example', (entry) => {
    const source = prog.getSourceFile(path.join(root, entry));
    expect(source).toBeDefined();
    const moduleSymbol = checker.getSymbolAtLocation(source!)!;
    const missing = checker
      .getExportsOfModule(moduleSymbol)
      .map((s) => [s.getName(), docOf(s, checker)] as const)
      .filter(([, doc]) => doc.trim() === '' || !/## Example|@example/.test(doc))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
