/** Specs: every source file opens with one line on what it is for, and cites nothing outside the repository. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/*
 * The conventions are docs/CONTRIBUTING.md, "Comments and citations". A fresh clone of this
 * repository is all a reader has: a citation must be a public URL or a file in the repository.
 */
const root = path.resolve(__dirname, '../..');
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const FOLDERS = ['lib', 'bin', 'scripts', 'bench', 'e2e', 'spec', 'docs'];
/** Generated or installed, not written here (as in .gitignore). */
const SKIPPED = /(^|\/)(node_modules|dist|\.angular|coverage|__snapshots__)(\/|$)|^(out|results|artifacts)(\/|$)|^docs\/api(\/|$)/;

/** Every file under `folder` (repository-relative, `/`-separated), without generated ones. */
function filesUnder(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .map((f) => `${folder}/${f.split(path.sep).join('/')}`)
    .filter((f) => !SKIPPED.test(f));
}

const sources = FOLDERS.flatMap(filesUnder).filter((f) => SOURCE.test(f));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

/** The first line after a `#!` line, if any. */
function openingLine(text: string): string {
  const lines = text.split('\n', 2);
  return lines[0].startsWith('#!') ? (lines[1] ?? '') : lines[0];
}

/** A doc comment on one line that says something: `/** … *\/`, nothing after it. */
const ONE_LINER = /^\/\*\* (?!.*\*\/.)\S.*\S \*\/$/;

/** A path outside the repository cited as if it were in it (the shared workspace folder, its style guide). */
const OUTSIDE = new RegExp(['(?<![\\w/.-])(\\.\\./)*shared/(api|STYLE)', '\\bSTYLE\\.md\\b'].join('|'));

describe('comments and citations (docs/CONTRIBUTING.md)', () => {
  it('should find the source files', () => {
    expect(sources.length).toBeGreaterThan(400);
    expect(sources).toContain('lib/core/errors.ts');
    expect(sources).toContain('scripts/footprint.mjs');
  });

  it('should open every source file with one line on what it is for', () => {
    const without = sources.filter((f) => !ONE_LINER.test(openingLine(read(f))));
    expect(without).toEqual([]);
  });

  it('should tell a one-line opener from what is not one', () => {
    expect(ONE_LINER.test('/** The one poller. */')).toBe(true);
    expect(openingLine('#!/usr/bin/env node\n/** A script. */\n')).toBe('/** A script. */');
    expect(ONE_LINER.test('/**')).toBe(false);
    expect(ONE_LINER.test('// A line comment.')).toBe(false);
    expect(ONE_LINER.test('import { x } from "y";')).toBe(false);
    expect(ONE_LINER.test('/**  */')).toBe(false);
    expect(ONE_LINER.test('/** A. */ export const a = 1;')).toBe(false);
  });

  it('should cite no path outside the repository, in code or docs', () => {
    const self = path.relative(root, __filename).split(path.sep).join('/');
    const docs = [...filesUnder('docs').filter((f) => f.endsWith('.md')), 'README.md'];
    const citing = [...sources, ...docs].filter((f) => f !== self && OUTSIDE.test(read(f)));
    expect(citing).toEqual([]);
  });

  it('should tell such a citation from a path that only looks like one', () => {
    expect(OUTSIDE.test('see shared/api/vendor/train_api')).toBe(true);
    expect(OUTSIDE.test('(../shared/api/vendor/train_api/)')).toBe(true);
    expect(OUTSIDE.test('one normalized value (STYLE.md §3)')).toBe(true);
    expect(OUTSIDE.test("data: { train: '/mnt/shared/shop-12.csv' }")).toBe(false);
    expect(OUTSIDE.test('https://predictionone.sony.biz/cloud_manual/operating_instruction/train_api/train/')).toBe(false);
  });

  it('should open every guide with its title', () => {
    const untitled = filesUnder('docs')
      .filter((f) => /^docs\/[^/]+\.md$/.test(f))
      .filter((f) => !read(f).startsWith('# '));
    expect(untitled).toEqual([]);
  });
});
