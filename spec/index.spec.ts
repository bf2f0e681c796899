/** Snapshots of every entry's runtime exports, and the rules of the public surface. */
// First: Angular's partially compiled packages need @angular/compiler loaded before the angular entry.
import '@angular/compiler';
import * as core from '../lib';
import * as nodeEntry from '../lib/node';
import * as emulator from '../lib/emulator';
import * as angular from '../lib/angular';
import * as bullmq from '../lib/bullmq';
import * as engine from '../lib/engine';
import * as deploy from '../lib/deploy';
import * as otel from '../lib/otel';
import * as data from '../lib/data';

/**
 * The public runtime exports of each entry (package.json "exports"), so an API change shows in
 * review. Types are checked by spec/docs/tsdoc.spec.ts (every export documented with an example).
 */
const entries: Record<string, Record<string, unknown>> = { core, node: nodeEntry, emulator, angular, bullmq, engine, deploy, otel, data };

describe('public exports', () => {
  it.each(Object.keys(entries))('should list the %s entry', (name) => {
    expect(Object.keys(entries[name]).sort()).toMatchSnapshot();
  });

  it('should keep the core entry to at most 60 runtime exports (docs/ENTRIES.md)', () => {
    expect(Object.keys(core).length).toBeLessThanOrEqual(60);
  });

  it('should export each runtime value from one entry only', () => {
    const owners = new Map<string, string[]>();
    for (const [name, entry] of Object.entries(entries)) {
      for (const key of Object.keys(entry)) owners.set(key, [...(owners.get(key) ?? []), name]);
    }
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  it('should cover every subpath of package.json "exports"', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../package.json') as { exports: Record<string, unknown> };
    const subpaths = Object.keys(pkg.exports)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? 'core' : key.slice(2)))
      .sort();
    expect(subpaths).toEqual(Object.keys(entries).sort());
  });
});
