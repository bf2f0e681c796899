/** RxJS is used through its public API only: no internals, no subclassing. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ts from 'typescript';

/**
 * The library builds on RxJS's public API only: no import from `rxjs/internal` (or any deep
 * `rxjs/...` path but the documented `rxjs/operators`, `rxjs/testing`, `rxjs/ajax`, `rxjs/fetch`,
 * `rxjs/webSocket`), and no class that extends an RxJS class. A minor RxJS release may change
 * its internals without notice; this spec keeps us off them.
 */
const LIB = path.join(__dirname, '..', '..', 'lib');
const RXJS_CLASSES = new Set([
  'Observable',
  'Subscriber',
  'Subscription',
  'Subject',
  'BehaviorSubject',
  'ReplaySubject',
  'AsyncSubject',
  'ConnectableObservable',
  'Scheduler',
  'AsyncScheduler',
  'AsyncAction',
  'VirtualTimeScheduler',
  'VirtualAction',
  'Notification',
]);
const PUBLIC_SUBPATHS = /^rxjs(\/(operators|testing|ajax|fetch|webSocket))?$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** What a file imports from rxjs (module path and the local names bound), and the classes it declares with their `extends`. */
function scan(file: string, text = readFileSync(file, 'utf8')): { deepImports: string[]; rxjsNames: Set<string>; extendsRx: string[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const deepImports: string[] = [];
  const rxjsNames = new Set<string>();
  const extendsRx: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const from = node.moduleSpecifier.text;
      if (from.startsWith('rxjs')) {
        if (!PUBLIC_SUBPATHS.test(from)) deepImports.push(from);
        const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : undefined;
        if (bindings && ts.isNamedImports(bindings))
          for (const el of bindings.elements) if (RXJS_CLASSES.has((el.propertyName ?? el.name).text)) rxjsNames.add(el.name.text);
        if (bindings && ts.isNamespaceImport(bindings)) rxjsNames.add(`${bindings.name.text}.*`);
      }
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg) && arg.text.startsWith('rxjs') && !PUBLIC_SUBPATHS.test(arg.text)) deepImports.push(arg.text);
    }
    if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.heritageClauses) {
      for (const clause of node.heritageClauses) {
        if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
        for (const type of clause.types) {
          const base = type.expression.getText(source);
          const [head] = base.split('.');
          if (rxjsNames.has(base) || rxjsNames.has(`${head}.*`)) extendsRx.push(`${node.name?.text ?? '(anonymous)'} extends ${base}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { deepImports, rxjsNames, extendsRx };
}

describe('RxJS public API only', () => {
  const all = files(LIB);

  it('should scan every source file of lib/', () => {
    expect(all.length).toBeGreaterThan(100);
  });

  it('should import nothing from rxjs/internal or another undocumented rxjs path', () => {
    const found = all.flatMap((file) => scan(file).deepImports.map((from) => `${path.relative(LIB, file)}: ${from}`));
    expect(found).toEqual([]);
  });

  it('should not extend an RxJS class', () => {
    const found = all.flatMap((file) => scan(file).extendsRx.map((what) => `${path.relative(LIB, file)}: ${what}`));
    expect(found).toEqual([]);
  });

  it('should catch both in a file that does them (the check can fail)', () => {
    const probe = path.join(__dirname, '__probe__.ts');
    const text = "import { Subscriber as S } from 'rxjs';\nimport { x } from 'rxjs/internal/util/x';\nclass Lean extends S<number> {}\n";
    const { deepImports: deep, extendsRx: ext } = scan(probe, text);
    expect(deep).toEqual(['rxjs/internal/util/x']);
    expect(ext).toEqual(['Lean extends S']);
  });
});
