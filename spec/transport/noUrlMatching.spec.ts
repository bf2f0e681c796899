/** Specs: no code recognises a request by its URL or body; requests carry their operation (docs/CONTRACT.md). */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The library's sources, but the emulator's: it is the service, and a service routes by URL. */
const sources = readdirSync(path.join(root, 'lib'), { recursive: true, encoding: 'utf8' })
  .map((f) => `lib/${f.split(path.sep).join('/')}`)
  .filter((f) => /\.ts$/.test(f) && !f.startsWith('lib/emulator/'));

/** A comment line (TSDoc, `//`): examples in prose are not code. */
const COMMENT = /^\s*(\*|\/\/|\/\*)/;
/** A regular expression on an API route (`/\/v1\/external\/models/`): only a matcher writes one. */
const ROUTE_REGEX = /\\\/(v1|external|models)\b/;
/** A route string compared with or searched in something (`url === '/v1/external/models'`, `url.endsWith('/models')`). */
const ROUTE_COMPARED = new RegExp(
  [
    String.raw`(===|!==|\bcase)\s*['"\x60][^'"\x60]*\/models`,
    String.raw`['"\x60][^'"\x60]*\/models[^'"\x60]*['"\x60]\s*(===|!==)`,
    String.raw`(startsWith|endsWith|includes|indexOf|test|match|exec|search)\(\s*['"\x60][^'"\x60]*\/models`,
  ].join('|'),
);
/** Reading what a request sends: parsing its body. */
const BODY_PARSE = /JSON\.parse\([^)]*\b(init|request|req|options)\??\.body\b/;

/** The offending lines of `text`, as `file:line: code`. */
function offences(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (COMMENT.test(line)) return;
    if (ROUTE_REGEX.test(line) || ROUTE_COMPARED.test(line) || BODY_PARSE.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return found;
}

describe('requests are known by their operation, never by their URL or body', () => {
  it('should find the sources', () => {
    expect(sources).toEqual(expect.arrayContaining(['lib/bullmq/fleet.ts', 'lib/transport/api.ts', 'lib/angular/httpClientFetch.ts']));
  });

  it('should find no code that matches Create Model (or any model route) by URL, nor parses a request body', () => {
    const found = sources.flatMap((file) => offences(file, readFileSync(path.join(root, file), 'utf8')));
    expect(found).toEqual([]);
  });

  it('should catch the fleet gate as it once was (a URL regex and a JSON.parse of the body)', () => {
    const old = [
      'function createModelUpload(url: string, init: FetchInit): string | undefined {',
      String.raw`  if (!/\/v1\/external\/models\/?(\?|$)/.test(url)) return undefined;`,
      '    const body = JSON.parse(init.body) as { external_process_id?: unknown };',
      "  if (new URL(url).pathname === '/v1/external/models') return id;",
      "  if (url.endsWith('/v1/external/models')) return id;",
    ].join('\n');
    expect(offences('old.ts', old)).toHaveLength(4);
  });
});
