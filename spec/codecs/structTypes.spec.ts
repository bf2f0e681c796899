/** Specs: each codec matches its interface. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The compiler checks every codec against its interface (`struct<Interface>(...)`): a field
 * missing from the codec, a field the interface does not have, a required field among the
 * optional ones, a codec of the wrong type. Jest does not type-check, so this compiles small
 * files with the project's options (one program for all of them) and reads the diagnostics.
 */
const root = path.resolve(__dirname, '../..');

const CASES: Record<string, string> = {
  matching: `struct<Thing>('Thing', { id: IntegerLike }, { name: TextLike })`,
  'a field of the interface has no codec': `struct<Thing>('Thing', { id: IntegerLike }, {})`,
  'the codec has a field the interface does not': `struct<Thing>('Thing', { id: IntegerLike }, { name: TextLike, extra: TextLike })`,
  'a required field is among the optional ones': `struct<Thing>('Thing', {}, { id: IntegerLike, name: TextLike })`,
  'a codec decodes to the wrong type': `struct<Thing>('Thing', { id: IntegerLike }, { name: BooleanLike })`,
};

let found: Record<string, string[]> = {};

beforeAll(() => {
  // Inside the checkout (gitignored), so io-ts resolves from its node_modules.
  mkdirSync(path.join(root, '.scratch'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.scratch', 'struct-'));
  try {
    const files = Object.entries(CASES).map(([name, expression], i) => {
      const file = path.join(dir, `case${i}.ts`);
      writeFileSync(
        file,
        `import type * as t from 'io-ts';\nimport { BooleanLike, IntegerLike, TextLike, struct } from '../../lib/codecs/lenient';\n` +
          `interface Thing {\n  readonly id: number;\n  readonly name?: string;\n}\nexport const Thing: t.Type<Thing, unknown> = ${expression};\nvoid BooleanLike;\n`,
      );
      return [name, file] as const;
    });
    const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(
      files.map(([, f]) => f),
      { ...parsed.options, noEmit: true },
    );
    found = Object.fromEntries(
      files.map(([name, f]) => [
        name,
        ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]),
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('struct<Interface>: the codec checked against the interface by the compiler', () => {
  it('should compile a codec that matches its interface field by field', () => {
    expect(found.matching).toEqual([]);
  });

  it.each(Object.keys(CASES).filter((k) => k !== 'matching'))('should not compile when %s', (name) => {
    expect(found[name].length).toBeGreaterThan(0);
  });
});
