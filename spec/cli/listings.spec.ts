/** Specs: p1rx datasets and models at scale. */
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerDataSets } from '../../lib/cli/dataSetsCommand';
import { API_KEY, useEmulator } from '../helpers/emulator';

describe('p1rx datasets at scale', () => {
  // 1,600 data sets at --page-size 1: 1,600 pages, more than a command that buffered its pages
  // could hold (it made every request, printed nothing and exited 0: docs/PERFORMANCE.md).
  const { emulator } = useEmulator({ syntheticDataSets: 1_600 });

  /** Runs `p1rx datasets` with a stdout that records, for each write, how many pages had been asked. */
  async function datasets(argv: string[], stdout: Writable): Promise<void> {
    const program = new Command('p1rx').exitOverride();
    registerDataSets(program, { stdout, stderr: { write: () => true } });
    await program.parseAsync(['datasets', '--base-url', emulator().url, '--api-key', API_KEY, ...argv], { from: 'user' });
  }

  it('should stream --json lines as the pages arrive, 1,600 pages, without download URLs', async () => {
    emulator().clearLog();
    const lines: string[] = [];
    const pagesAtWrite: number[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        pagesAtWrite.push(emulator().count('GET /v1/external/data-sets'));
        done();
      },
    });
    await datasets(['--json', '--page-size', '1'], stdout);
    expect(lines).toHaveLength(1_600);
    expect(JSON.parse(lines[1_599]!)).toMatchObject({ data_set_id: 1_600, name: 'synthetic-1600.csv' });
    expect(lines.join('\n')).not.toMatch(/download_url|X-Amz/);
    // Streaming: the first line was out after the first page, not after the last.
    expect(pagesAtWrite[0]).toBe(1);
    expect(emulator().count('GET /v1/external/data-sets')).toBe(1_600);
  });

  it('should wait for a full stdout to drain before asking for the next page', async () => {
    emulator().clearLog();
    let writes = 0;
    const pending: (() => void)[] = [];
    // highWaterMark 1: every write fills the buffer; the sink acknowledges only when told.
    const stdout = new Writable({
      highWaterMark: 1,
      write(_chunk: Buffer, _enc, done) {
        writes++;
        pending.push(done);
      },
    });
    const run = datasets(['--json', '--page-size', '10'], stdout);
    while (writes === 0) await new Promise((r) => setImmediate(r));
    // Give the command every chance to run ahead: it must not ask for page 2 while stdout is full.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(emulator().count('GET /v1/external/data-sets')).toBe(1);
    const drainAll = setInterval(() => pending.splice(0).forEach((d) => d()), 1);
    await run;
    clearInterval(drainAll);
    expect(writes).toBe(1_600);
  });

  it('should print the table in blocks as the pages arrive', async () => {
    let out = '';
    let firstAt = -1;
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (firstAt < 0) firstAt = emulator().count('GET /v1/external/data-sets');
        out += chunk.toString('utf8');
        done();
      },
    });
    emulator().clearLog();
    await datasets(['--page-size', '100'], stdout);
    const rows = out.trim().split('\n');
    expect(rows[0]).toMatch(/^id\s+name\s+rows\s+columns\s+bytes\s+created$/);
    expect(rows).toHaveLength(2 + 1_600);
    expect(rows[2 + 1_599]).toMatch(/^1600\s+synthetic-1600\.csv\s+2\s+2\s+12\s+2026-01-01T00:26:40\.000Z$/);
    expect(firstAt).toBeLessThan(16);
  });
});
