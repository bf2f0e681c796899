/** Specs: the public types, checked by the compiler. */
import path from 'node:path';
import ts from 'typescript';

/**
 * Type-level checks: Jest only transpiles (SWC, isolatedModules), so this spec runs the
 * TypeScript compiler itself over spec/types/*.types.ts and fails on any diagnostic. A negative
 * control proves the assertions can fail.
 */
const ROOT = path.resolve(__dirname, '../..');

function compile(files: readonly string[], virtual: Readonly<Record<string, string>> = {}): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('tsconfig.json not readable');
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, incremental: false };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => virtual[f] ?? read(f);
  host.fileExists = (f) => f in virtual || exists(f);
  host.getSourceFile = (f, lang, onError, fresh) => (f in virtual ? ts.createSourceFile(f, virtual[f], lang) : getSource(f, lang, onError, fresh));
  const roots = [...files, ...Object.keys(virtual)];
  const program = ts.createProgram(roots, options, host);
  // What getPreEmitDiagnostics reports, for the files given: the checker then checks lib/ only as
  // far as these files use it (lib/ itself is type-checked by `npm run typecheck`, which CI runs).
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...roots.flatMap((file) => {
      const source = program.getSourceFile(file);
      if (!source) throw new Error(`${file} is not in the program`);
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source), ...program.getDeclarationDiagnostics(source)];
    }),
  ];
  return diagnostics.map((d) => `${d.file ? path.relative(ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const NEGATIVE = path.join(ROOT, 'spec/types/__negative__.types.ts');
const NEGATIVE_SOURCE = [
  "import { createClient, type Metric } from '../../lib';",
  "import { trainEachFrom$, type KeyedTrainingJob } from '../../lib/engine';",
  "import { expectType } from './typeCheck';",
  "const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });",
  'const jobs: KeyedTrainingJob<{ shop: number }>[] = [];',
  'export const x$ = trainEachFrom$(client, jobs, { onResult: async (_r, job) => void expectType<unknown>()(job.key) });',
  "export const y = (m: Metric) => m.value.startsWith('0');",
].join('\n');

describe('public types', () => {
  let problems: string[] = [];
  // One program for both files: the compiler is the slow part.
  beforeAll(() => {
    problems = compile([path.join(ROOT, 'spec/types/inference.types.ts'), path.join(ROOT, 'spec/types/peerTypes.types.ts')], { [NEGATIVE]: NEGATIVE_SOURCE });
  }, 120_000);

  it("should infer onResult's job.key, a numeric Metric.value and ApiError.status (spec/types/inference.types.ts), and fit the optional peers' classes to our structural types (peerTypes.types.ts)", () => {
    expect(problems.filter((p) => !p.startsWith('spec/types/__negative__'))).toEqual([]);
  });

  it('should fail to compile a wrong expectation (negative control)', () => {
    const negative = problems.filter((p) => p.startsWith('spec/types/__negative__'));
    expect(negative.length).toBe(2);
    expect(negative.join('\n')).toMatch(/not assignable to parameter of type 'never'/);
    expect(negative.join('\n')).toMatch(/startsWith/);
  });
});
