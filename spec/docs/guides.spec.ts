/** Specs: the guides listed in the API reference. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The guides are part of the API reference (TypeDoc's project documents) and linked from the README, its index page. */
const root = path.resolve(__dirname, '../..');
const guides = readdirSync(path.join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

describe('the guides in the API reference', () => {
  it('should list every guide in typedoc.json', () => {
    const config = JSON.parse(readFileSync(path.join(root, 'typedoc.json'), 'utf8')) as { projectDocuments?: string[] };
    expect([...(config.projectDocuments ?? [])].sort()).toEqual([...guides].sort());
  });

  it('should link every guide the README names, never name one as code text', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const guide of guides) expect(readme).toContain(`](${guide})`);
    expect(readme.match(/`docs\/[A-Z_]+\.md`/g) ?? []).toEqual([]);
  });
});
