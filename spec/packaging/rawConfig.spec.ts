/** No read of raw client config after it is resolved. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Options are resolved once: after createClient, lib/ reads a client's resolved settings
 * (`client.settings`, `client.poll`, `client.http`, `client.credentials`), never its raw
 * `ClientConfig`. This scan fails on a read of raw configuration outside the places that build
 * or resolve a configuration before a client exists.
 */
const root = path.resolve(__dirname, '../..');

/** The files allowed to read a raw configuration, and why. */
const RESOLVERS: Record<string, string> = {
  'lib/transport/client.ts': 'checks and resolves a configuration (the constructor, checkConfig, withOptions)',
  'lib/core/settings.ts': 'resolveSettings: the configuration over the defaults',
  'lib/node/nodeClient.ts': 'fills a configuration from the environment before createClient',
  'lib/angular/providePredictionOne.ts': 'checks the Angular configuration before createClient',
};

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return rel === 'lib/emulator' ? [] : sources(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The field names of `ClientConfig`, read from its declaration. */
function clientConfigFields(): string[] {
  const text = readFileSync(path.join(root, 'lib/core/config.ts'), 'utf8');
  const start = text.indexOf('export interface ClientConfig {');
  const body = text.slice(start, text.indexOf('\n}\n', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]);
}

/** The code of a file without its comments (a field named in TSDoc is not a read). */
function code(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  return text.split('\n').map((line) => line.replace(/(^|[^:'"`])\/\/.*$/, '$1'));
}

function rawReads(files: readonly string[]): string[] {
  const fields = clientConfigFields();
  const read = new RegExp(`\\b\\w*[cC]lient\\??\\.config\\b|\\b\\w*[cC]onfig\\??\\.(?:${fields.join('|')})\\b`);
  return files.flatMap((file) => code(file).flatMap((line, i) => (read.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
}

describe('options resolved once', () => {
  it('should know every ClientConfig field', () => {
    expect(clientConfigFields()).toEqual(
      expect.arrayContaining(['baseUrl', 'apiKey', 'secretKey', 'fetch', 'headers', 'streamUploads', 'spool', 'zipCodec', 'limits']),
    );
  });

  it('should find the reads of the resolution functions themselves (the scan sees what it looks for)', () => {
    const resolver = rawReads(['lib/transport/client.ts', 'lib/core/settings.ts']);
    expect(resolver.some((r) => r.includes('config.streamUploads'))).toBe(true);
    expect(resolver.some((r) => r.includes('config.keyAddedByProxy'))).toBe(true);
  });

  it('should read no raw ClientConfig in lib/ after createClient resolved it', () => {
    const files = sources('lib').filter((file) => !(file in RESOLVERS));
    expect(files.length).toBeGreaterThan(50);
    expect(rawReads(files)).toEqual([]);
  });
});
