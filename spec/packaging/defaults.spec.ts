/** One table of defaults: no inline literal defaults in lib/. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '../../lib';
import { LIBRARY_DEFAULTS } from '../../lib/core/defaults';
import { DEFAULT_POLL_OPTIONS } from '../../lib/core/pollOptions';

/**
 * One table of defaults (lib/core/defaults.ts): no option falls back to a number written inline
 * elsewhere in lib/, and what a client resolves is what the table says.
 */
const root = path.resolve(__dirname, '../..');

/** Inline fallbacks that are not an option's default, and why. */
const NOT_DEFAULTS: readonly RegExp[] = [
  /limits\.maxPerSecond \?\? 1\b/, // the limiter's wake-up, reached only when maxPerSecond is set
];

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    // The emulator is a server of its own: its options and their defaults are lib/emulator/options.ts.
    if (entry.isDirectory()) return rel === 'lib/emulator' ? [] : sources(rel);
    return entry.name.endsWith('.ts') && rel !== 'lib/core/defaults.ts' ? [rel] : [];
  });
}

/** `options.x ?? 30`, `o.timeoutMs ?? 60_000`, `options.highWaterMark ?? 256 * 1024`: an option's value or a number. `?? 0` (a count, a port 0) is not a default. */
const INLINE_DEFAULT = /\b(?:options|opts|o|config|flags|limits)\??\.\w+ \?\? (?!0\b)-?\d/;

describe('the table of defaults', () => {
  it('should hold every numeric option default of lib/ (none written inline)', () => {
    const inline = sources('lib').flatMap((file) =>
      readFileSync(path.join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
        .split('\n')
        .flatMap((line, i) => (INLINE_DEFAULT.test(line) && !NOT_DEFAULTS.some((ok) => ok.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(inline).toEqual([]);
  });

  it('should be what a client resolves when its configuration says nothing', () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    const { retry, headers, allowInsecureHttp, streamUploads, spooling, zipCodec, ...numbers } = client.settings;
    expect(numbers).toEqual(LIBRARY_DEFAULTS.client);
    expect(spooling.maxMemoryBytes).toBe(LIBRARY_DEFAULTS.client.maxSpoolBytes);
    expect({ maxAttempts: retry.maxAttempts, baseDelayMs: retry.baseDelayMs, maxDelayMs: retry.maxDelayMs, deadlineMs: retry.deadlineMs }).toEqual(
      LIBRARY_DEFAULTS.retry,
    );
    expect({ headers, allowInsecureHttp, streamUploads, zipCodec }).toEqual({ headers: {}, allowInsecureHttp: false, streamUploads: false, zipCodec: {} });
    const { random, ...schedule } = client.poll;
    expect(schedule).toEqual(LIBRARY_DEFAULTS.poll);
    expect(random).toBe(DEFAULT_POLL_OPTIONS.random);
  });

  it('should be frozen', () => {
    expect(Object.isFrozen(LIBRARY_DEFAULTS)).toBe(true);
    expect(() => {
      (LIBRARY_DEFAULTS as { concurrency: number }).concurrency = 1;
    }).toThrow(TypeError);
    expect(LIBRARY_DEFAULTS.concurrency).toBe(4);
  });
});
