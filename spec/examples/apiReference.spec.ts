/** Specs: the API reference configuration and the documented status values. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLL_OPTIONS } from '../../lib/core/pollOptions';
import type { KnownTrainingStatus, StatusEvent, TrainingStatusValue } from '../../lib';

const root = path.resolve(__dirname, '../..');

describe('API reference (typedoc.json) and documented status values', () => {
  it('should include every guide in docs/ as a TypeDoc document, and fail the build on any warning', () => {
    const config = JSON.parse(readFileSync(path.join(root, 'typedoc.json'), 'utf8')) as { projectDocuments?: string[]; treatWarningsAsErrors?: boolean };
    const guides = readdirSync(path.join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`)
      .sort();
    expect([...(config.projectDocuments ?? [])].sort()).toEqual(guides);
    expect(config.treatWarningsAsErrors).toBe(true);
  });

  it("should name the poll defaults' statuses in KnownTrainingStatus, and keep other strings possible", () => {
    const known: readonly KnownTrainingStatus[] = ['finished', 'failed', 'error'];
    expect([...DEFAULT_POLL_OPTIONS.terminalStatuses, ...DEFAULT_POLL_OPTIONS.failureStatuses].sort()).toEqual([...known].sort());
    // An undocumented status the service may send still type-checks (and is kept as sent).
    const later: StatusEvent['status'] = 'preprocessing';
    const value: TrainingStatusValue = later;
    expect(value).toBe('preprocessing');
  });
});
