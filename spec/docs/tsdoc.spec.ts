/** Specs: every public export is documented with an example. */
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
  'lib/otel/index.ts',
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

  /** Every property of every exported interface of every entry, with its declared type. */
  function exportedProperties(): { owner: string; property: ts.Symbol; type: ts.Type }[] {
    const found: { owner: string; property: ts.Symbol; type: ts.Type }[] = [];
    for (const entry of entries) {
      const moduleSymbol = checker.getSymbolAtLocation(prog.getSourceFile(path.join(root, entry))!)!;
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!(target.flags & ts.SymbolFlags.Interface)) continue;
        for (const property of checker.getDeclaredTypeOfSymbol(target).getProperties()) {
          const declaration = property.valueDeclaration ?? property.declarations?.[0];
          if (declaration)
            found.push({ owner: `${target.getName()}.${property.getName()}`, property, type: checker.getTypeOfSymbolAtLocation(property, declaration) });
        }
      }
    }
    return found;
  }

  it('should show ids by their names (ExternalProcessId, ModelId ...), not as Branded<...>, as TypeDoc prints them', () => {
    const branded = exportedProperties()
      .map(({ owner, type }) => `${owner}: ${checker.typeToString(type)}`)
      .filter((line) => /Branded|IdBrand/.test(line));
    expect(branded).toEqual([]);
    const ids = exportedProperties().filter(({ owner }) => /^(UploadedEvent\.externalProcessId|ModelSummary\.model_id|Classifier\.classifier_id)$/.test(owner));
    expect(ids.map(({ owner, type }) => `${owner}: ${checker.typeToString(type)}`)).toEqual([
      'UploadedEvent.externalProcessId: ExternalProcessId',
      'ModelSummary.model_id: ModelId',
      'Classifier.classifier_id: ClassifierId',
    ]);
  });

  it('should list the known values where a status field or status type is documented', () => {
    const known = (name: string): string[] => {
      const alias = prog
        .getSourceFiles()
        .flatMap((f) => (f.fileName.endsWith('lib/core/events.ts') ? f.statements : []))
        .find((st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === name);
      const type = checker.getTypeAtLocation(alias!);
      return (type.isUnion() ? type.types : [type]).filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
    };
    const unlisted: string[] = [];
    const check = (owner: string, doc: string, values: readonly string[]) => {
      const missing = values.filter((v) => !doc.includes(`\`${v}\``));
      if (missing.length > 0) unlisted.push(`${owner} does not name ${missing.join(', ')}`);
    };
    let fields = 0;
    for (const { owner, property } of exportedProperties()) {
      const annotation = (property.valueDeclaration as ts.PropertySignature | undefined)?.type;
      const alias = annotation && ts.isTypeReferenceNode(annotation) ? annotation.typeName.getText() : '';
      const m = /^(Training|Retrain|Classifier)StatusValue$/.exec(alias);
      if (!m) continue;
      fields++;
      check(owner, ts.displayPartsToString(property.getDocumentationComment(checker)), known(`Known${m[1]}Status`));
    }
    for (const kind of ['Training', 'Retrain', 'Classifier']) {
      const aliasDoc = prog
        .getSourceFiles()
        .flatMap((f) => (f.fileName.endsWith('lib/core/events.ts') ? f.statements : []))
        .find((st) => ts.isTypeAliasDeclaration(st) && st.name.text === `${kind}StatusValue`)!;
      check(
        `${kind}StatusValue`,
        ts
          .getJSDocCommentsAndTags(aliasDoc)
          .map((d) => d.getText())
          .join('\n'),
        known(`Known${kind}Status`),
      );
    }
    expect(fields).toBeGreaterThanOrEqual(4);
    expect(unlisted).toEqual([]);
  });
});
