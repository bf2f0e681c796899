/** Specs: the producer's journal of a fleet batch. */
import { appendFile, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JOURNAL_FILE, openFleetJournal, resumeRecord } from '../../lib/cli/fleetJournal';

/** The producer's journal of a fleet batch: acknowledged only once on disk, and a torn line is no entry. */
describe('the fleet journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should keep the furthest entry per key across a reopen, and append each fact once', async () => {
    const j = await openFleetJournal(dir);
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'uploaded' });
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'uploaded' }); // nothing new
    await j.record({ key: 'b', externalProcessId: 'u2', stage: 'uploaded' });
    await j.close();
    expect((await readFile(path.join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n')).toHaveLength(3);
    const again = await openFleetJournal(dir);
    expect(again.entries.get('a')).toEqual({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    expect(resumeRecord(again.entries.get('a')!)).toMatchObject({ stage: 'training', externalProcessId: 'u1' });
    // Only the upload known: Create Model may have been sent; the service is asked first.
    expect(resumeRecord(again.entries.get('b')!)).toMatchObject({ stage: 'creating', externalProcessId: 'u2', createAttempts: 1 });
    await again.close();
  });

  it('should write each line with its time, and always a line with stage times or a failure (for p1rx report)', async () => {
    const j = await openFleetJournal(dir);
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'uploaded' }); // nothing new
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'training', times: { queued: 5 }, failure: { name: 'ApiError', message: 'HTTP 400' } });
    await j.close();
    const lines = (await readFile(path.join(dir, JOURNAL_FILE), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => typeof l.at === 'string' && Number.isFinite(Date.parse(l.at)))).toBe(true);
    expect(lines[1]).toMatchObject({ stage: 'training', times: { queued: 5 }, failure: { name: 'ApiError' } });
    // The resume reads positions only.
    const again = await openFleetJournal(dir);
    expect(again.entries.get('a')).toEqual({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    await again.close();
  });

  it('should ignore a torn last line (a crash mid-append) and append cleanly after it', async () => {
    const j = await openFleetJournal(dir);
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    await j.close();
    await appendFile(path.join(dir, JOURNAL_FILE), '{"v":1,"key":"b","externalProce');
    const again = await openFleetJournal(dir);
    expect([...again.entries.keys()]).toEqual(['a']);
    await again.record({ key: 'c', externalProcessId: 'u3', stage: 'uploaded' });
    await again.close();
    const third = await openFleetJournal(dir);
    expect([...third.entries.keys()].sort()).toEqual(['a', 'c']);
    await third.close();
  });

  it('should loop on short writes until every byte is on disk', async () => {
    // At most 7 bytes per write, as a nearly full disk or a signal may leave it.
    const j = await openFleetJournal(dir, async (file) => {
      const handle = await open(file, 'a', 0o600);
      return {
        write: (buffer, offset, length) => handle.write(buffer, offset, Math.min(7, length)),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    });
    await j.record({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    await j.close();
    const again = await openFleetJournal(dir);
    expect(again.entries.get('a')).toEqual({ key: 'a', externalProcessId: 'u1', stage: 'training' });
    await again.close();
  });

  it('should reject an append the disk refused (a full disk), never acknowledging it', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    let synced = false;
    const j = await openFleetJournal(dir, async () => ({
      write: async () => {
        throw full;
      },
      sync: async () => {
        synced = true;
      },
      close: async () => undefined,
    }));
    await expect(j.record({ key: 'a', externalProcessId: 'u1', stage: 'training' })).rejects.toThrow(/ENOSPC/);
    expect(synced).toBe(false);
    await j.close();
  });

  it('should refuse a journal that is not a regular file', async () => {
    await mkdir(path.join(dir, JOURNAL_FILE));
    await expect(openFleetJournal(dir)).rejects.toThrow(/not a regular file/);
  });
});
