/** Specs: the snippets of docs/ANGULAR.md compile and run. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Every ```ts block of docs/ANGULAR.md type-checks with the TypeScript compiler API against the
// repo's lib (the tsconfig's `paths` map `prediction-one-rx` and its subpaths to lib/) and the
// installed @angular packages (the devDependency, Angular 21). Each block is its own module.
//
// The prelude, kept small and honest, only supplies what a reader already has:
// - imports of the names a snippet uses without importing them (Angular, rxjs and this
//   library's exports, as an app would import them), from IMPORTS below;
// - declarations of the app's own things the snippets refer to (your session check, your
//   AppComponent...), from DECLARED below;
// - a snippet that starts with `readonly` is a list of component members (the docs say so):
//   it is wrapped in a class with the `p1` field of the component snippets;
// - `./p1-proxy` (the proxy recipe, shown whole in the guide) is the example's file
//   docs/examples/angular/p1-proxy.ts, which must equal the guide's block.

const ROOT = path.resolve(__dirname, '../..');
const DOC = path.join(ROOT, 'docs/ANGULAR.md');
const PROXY = path.join(ROOT, 'docs/examples/angular/p1-proxy.ts');

const IMPORTS: Record<string, string> = {
  Component: '@angular/core',
  inject: '@angular/core',
  input: '@angular/core',
  signal: '@angular/core',
  resource: '@angular/core',
  provideZonelessChangeDetection: '@angular/core',
  rxResource: '@angular/core/rxjs-interop',
  toObservable: '@angular/core/rxjs-interop',
  toSignal: '@angular/core/rxjs-interop',
  AsyncPipe: '@angular/common',
  HttpClient: '@angular/common/http',
  HttpInterceptorFn: '@angular/common/http',
  provideHttpClient: '@angular/common/http',
  withFetch: '@angular/common/http',
  withInterceptors: '@angular/common/http',
  bootstrapApplication: '@angular/platform-browser',
  EMPTY: 'rxjs',
  Subject: 'rxjs',
  switchMap: 'rxjs',
  take: 'rxjs',
  toArray: 'rxjs',
  createClient: 'prediction-one-rx',
  trainModel: 'prediction-one-rx',
  models$: 'prediction-one-rx',
  TrainingJob: 'prediction-one-rx',
  providePredictionOne: 'prediction-one-rx/angular',
  PredictionOneService: 'prediction-one-rx/angular',
  httpClientFetch: 'prediction-one-rx/angular',
  PREDICTION_ONE_REQUEST: 'prediction-one-rx/angular',
  PREDICTION_ONE_OPERATION: 'prediction-one-rx/angular',
};

const DECLARED: Record<string, string> = {
  sessionOk: "declare function sessionOk(req: import('node:http').IncomingMessage): boolean;",
  Session: 'declare class Session { token(): string; }',
  AppComponent: "declare const AppComponent: import('@angular/core').Type<unknown>;",
  ENV: "declare const ENV: import('@angular/core').InjectionToken<{ p1ProxyUrl: string }>;",
  logInterceptor: "declare const logInterceptor: import('@angular/common/http').HttpInterceptorFn;",
  baseUrl: 'declare const baseUrl: string;',
  apiKey: 'declare const apiKey: string;',
  yourApp: "declare function yourApp(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void;",
};

interface Snippet {
  /** Line of docs/ANGULAR.md where the code starts. */
  readonly line: number;
  readonly code: string;
}

/** The ```ts blocks of a Markdown text, list-indented ones included. */
export function tsBlocks(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const fence = /^( *)```ts\n([\s\S]*?)^\1```/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    const indent = m[1]!;
    const code = m[2]!
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    out.push({ line: markdown.slice(0, m.index).split('\n').length + 1, code });
  }
  return out;
}

const uses = (code: string, name: string) => new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code);
const imports = (code: string, name: string) => new RegExp(`import[^;]*[{,\\s]${name.replace(/\$/g, '\\$')}[\\s,}][^;]*from`).test(code);
const declares = (code: string, name: string) => new RegExp(`\\b(const|let|class|function|interface|type)\\s+${name}\\b`).test(code);

/** The module compiled for a snippet, and how many lines come before the snippet's own. */
export function withPrelude(code: string): { source: string; preludeLines: number } {
  const fragment = /^(\s*\/\/[^\n]*\n)*\s*readonly\s/.test(code);
  const head = fragment ? 'class Fragment {\nprivate readonly p1 = inject(PredictionOneService);\n' : '';
  const body = `${head}${code}${fragment ? '}\n' : ''}`;
  const prelude: string[] = [];
  const byModule = new Map<string, string[]>();
  for (const [name, from] of Object.entries(IMPORTS)) {
    if (uses(body, name) && !imports(code, name) && !declares(code, name)) byModule.set(from, [...(byModule.get(from) ?? []), name]);
  }
  for (const [from, names] of byModule) prelude.push(`import { ${names.join(', ')} } from '${from}';`);
  for (const [name, declaration] of Object.entries(DECLARED)) if (uses(code, name) && !declares(code, name)) prelude.push(declaration);
  prelude.push('export {};');
  const before = `${prelude.join('\n')}\n${head}`;
  const linked = code.replace(/from '\.\/p1-proxy'/g, `from ${JSON.stringify(PROXY.replace(/\.ts$/, ''))}`);
  return { source: `${before}${linked}${fragment ? '}\n' : ''}`, preludeLines: before.split('\n').length - 1 };
}

/** Type errors of each source, compiled together in one program with the repo's settings. */
function typeErrors(sources: readonly string[]): string[][] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    declaration: false,
    // What an Angular project's tsconfig says (the CLI's default), for @Component.
    experimentalDecorators: true,
    // Snippets import more than each one uses; an app would use them elsewhere.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
  };
  const files = sources.map((_, i) => path.join(ROOT, 'spec/angular', `__angular_md_snippet_${i}.ts`));
  const host = ts.createCompilerHost(options);
  const byPath = new Map(files.map((f, i) => [f, sources[i]!]));
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) => {
    const text = byPath.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile.call(host, name, lang, ...rest);
  };
  host.fileExists = (name) => byPath.has(path.resolve(name)) || fileExists.call(host, name);
  host.readFile = (name) => byPath.get(path.resolve(name)) ?? readFile.call(host, name);
  const program = ts.createProgram(files, options, host);
  return files.map((f) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
}

describe('docs/ANGULAR.md snippets', () => {
  it('should type-check every ts block against lib/ and the installed Angular', () => {
    const snippets = tsBlocks(readFileSync(DOC, 'utf8'));
    // Extraction itself works: the guide has a dozen blocks, one of them inside a list item.
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    expect(snippets.some((s) => s.code.startsWith('export const traceInterceptor'))).toBe(true);
    // The proxy recipe is the example's file, verbatim (the e2e test runs that file).
    expect(snippets.map((s) => s.code)).toContain(readFileSync(PROXY, 'utf8'));
    const built = snippets.map((s) => withPrelude(s.code));
    // The last source is a known-bad one: the check can fail.
    const errors = typeErrors([...built.map((b) => b.source), `${withPrelude('').source}\nconst n: number = 'not a number';\n`]);
    expect(errors.at(-1)!.join('\n')).toMatch(/not assignable to type 'number'/);
    const report = snippets.flatMap((s, i) =>
      errors[i]!.map((e) => {
        const [line, ...message] = e.split(': ');
        const at = Number(line) - built[i]!.preludeLines;
        return `docs/ANGULAR.md:${at >= 0 ? s.line + at : `${s.line} (prelude)`}: ${message.join(': ')}`;
      }),
    );
    expect(report).toEqual([]);
  });
});
