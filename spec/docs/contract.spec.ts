/** Specs: docs/CONTRACT.md names files and pages that exist. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PAGE } from '../../lib/cli/conformance/checks';
import { ROUTES } from '../../lib/emulator/routes/table';

/**
 * docs/CONTRACT.md is the index of the contract: for every endpoint, its Japanese page, operator,
 * codec, emulator route and specs. This keeps the index true: every file it names exists, every
 * emulator route and every response codec is in it, and every gap choice says where it lives.
 */
const root = path.resolve(__dirname, '../..');
const doc = readFileSync(path.join(root, 'docs/CONTRACT.md'), 'utf8');

function tableAfter(heading: string): string[][] {
  const lines = doc.slice(doc.indexOf(heading)).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const files = (cell: string): string[] => codeSpans(cell).filter((s) => /^(lib|spec|docs|scripts)\//.test(s));

/** The vendor's Japanese documentation: every page is cited by its URL under this one. */
const VENDOR_DOCS = 'https://predictionone.sony.biz/cloud_manual/operating_instruction/';

/**
 * A local copy of the vendor's pages (their Hugo sources, `<section>/<page>/_index.jp.md`), when
 * P1RX_VENDOR_PAGES names one, or the workspace's copy sits beside this checkout: then every cited page must exist in it too.
 */
const vendorCopy =
  process.env.P1RX_VENDOR_PAGES ?? ['..', '../..'].map((up) => path.resolve(root, up, ['shared', 'api', 'vendor'].join('/'))).find((d) => existsSync(d));

describe('docs/CONTRACT.md, the contract index', () => {
  const index = tableAfter('## Endpoint index');
  const gaps = tableAfter('## Gap choices');

  it('should have one row per endpoint with all nine columns', () => {
    expect(index.length).toBeGreaterThanOrEqual(20);
    for (const row of index) expect(row).toHaveLength(9);
  });

  it('should name only files that exist', () => {
    const missing = [...index, ...gaps].flatMap((row) => row.flatMap(files)).filter((f) => !existsSync(path.join(root, f.replace(/\*\.ts$/, ''))));
    expect(missing).toEqual([]);
  });

  it('should name a Japanese page by its public URL for every endpoint, each page p1rx conformance cites among them', () => {
    const pages = index
      .map((row) => codeSpans(row[4]))
      .filter((p) => p.length > 0)
      .flat();
    expect(pages.length).toBeGreaterThanOrEqual(18);
    for (const page of pages)
      expect(page).toMatch(/^https:\/\/predictionone\.sony\.biz\/cloud_manual\/operating_instruction\/(train_api|re_train_api|model_api)\/[a-z_]+\/$/);
    expect(Object.values(PAGE).filter((p) => !pages.includes(p))).toEqual([]);
    if (vendorCopy !== undefined) {
      const missing = pages.filter((p) => !existsSync(path.join(vendorCopy, p.slice(VENDOR_DOCS.length), '_index.jp.md')));
      expect(missing).toEqual([]);
    }
  });

  it('should index every emulator route', () => {
    const routes = index.map((row) => row[7]).join(' ');
    expect(ROUTES.map((r) => r.key).filter((key) => !routes.includes(`\`${key}\``))).toEqual([]);
  });

  it('should index every response codec of lib/codecs', () => {
    const codecs = index.map((row) => row[6]).join(' ');
    const source = (f: string) => readFileSync(path.join(root, 'lib/codecs', f), 'utf8');
    const exported = [
      'apiKey.ts',
      'uploadUrls.ts',
      'columnInfo.ts',
      'trainingStatus.ts',
      'model.ts',
      'dataSet.ts',
      'retrainJob.ts',
      'classifier.ts',
      'inference.ts',
      'apiErrorBody.ts',
    ].flatMap((f) => [...source(f).matchAll(/^export const (\w+)/gm)].map((m) => m[1]));
    expect(exported.filter((name) => !codecs.includes(`\`${name}\``))).toEqual([]);
  });

  it('should say for every gap choice what was chosen, why, and where', () => {
    expect(gaps.length).toBeGreaterThanOrEqual(17);
    for (const [id, gap, choice, reason, where] of gaps) {
      expect([id, gap, choice, reason].every((c) => c.length > 0)).toBe(true);
      expect(files(where).length).toBeGreaterThan(0);
    }
  });
});
