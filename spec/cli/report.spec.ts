/** Specs: p1rx report. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { openFleetJournal } from '../../lib/cli/fleetJournal';
import { openWithPlatform, registerReport } from '../../lib/cli/reportCommand';
import { collectReportData } from '../../lib/node/report';
import { fakeIo, type FakeIo } from './cliHarness';

async function runReport(argv: string[], io: FakeIo): Promise<number> {
  const program = new Command('p1rx').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerReport(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}

describe('p1rx report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-report-cli-'));
    await mkdir(path.join(dir, 'job1'));
    await writeFile(path.join(dir, 'job1', 'metrics.csv'), 'metric,value\naccuracy,0.9\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes <out>/report.html and prints its path', async () => {
    const io = fakeIo();
    expect(await runReport(['report', dir], io)).toBe(0);
    expect(io.out()).toBe(`report: ${path.join(dir, 'report.html')}\n`);
    expect(existsSync(path.join(dir, 'report.html'))).toBe(true);
  });

  it("draws a fleet batch's timeline and failures from its journal (the fleet's --out holding one batch folder)", async () => {
    const fleetOut = path.join(dir, 'fleet');
    const batchDir = path.join(fleetOut, 'batch-1');
    await mkdir(path.join(batchDir, 'ok'), { recursive: true });
    await writeFile(path.join(batchDir, 'ok', 'metrics.csv'), 'metric,value\nr2,0.8\n');
    const t = (s: number) => Date.parse('2026-01-01T00:00:00.000Z') + s * 1000;
    // What the producer journals: the upload (with its times), the training, then the end with what it saw.
    const journal = await openFleetJournal(batchDir);
    await journal.record({ key: 'ok', externalProcessId: 'id-ok', stage: 'uploaded', times: { uploadStart: t(0), uploadEnd: t(2) } });
    await journal.record({ key: 'bad', externalProcessId: 'id-bad', stage: 'uploaded', times: { uploadStart: t(0), uploadEnd: t(1) } });
    await journal.record({ key: 'ok', externalProcessId: 'id-ok', stage: 'training' });
    await journal.record({
      key: 'ok',
      externalProcessId: 'id-ok',
      stage: 'downloaded',
      times: { queued: t(3), trainingStart: t(4), finishedAtService: t(10), trainingEnd: t(16), downloadStart: t(16), downloadEnd: t(17) },
    });
    const failure = { name: 'TrainingFailedError', message: 'training id-bad failed (status failed)' };
    await journal.record({ key: 'bad', externalProcessId: 'id-bad', stage: 'uploaded', times: { uploadStart: t(0), uploadEnd: t(1), queued: t(2) }, failure });
    await journal.close();

    const data = await collectReportData(fleetOut);
    const byKey = Object.fromEntries(data.models.map((m) => [m.key, m]));
    expect(byKey.ok.status).toBe('succeeded');
    expect(byKey.ok.timeline.map((s) => s.stage)).toEqual(['upload', 'create', 'queue', 'training', 'poll lag', 'download']);
    expect(byKey.ok.durations).toMatchObject({ upload: 2, queue: 1, training: 6, pollLag: 6, download: 1 });
    expect(byKey.bad).toMatchObject({
      status: 'failed',
      trainingId: 'id-bad',
      error: { name: 'TrainingFailedError', message: failure.message, hint: expect.any(String) },
    });

    // And the CLI writes the page where it was asked, from the batch folder's journal.
    const io = fakeIo();
    expect(await runReport(['report', fleetOut], io)).toBe(0);
    expect(io.out()).toBe(`report: ${path.join(fleetOut, 'report.html')}\n`);
    expect(await readFile(path.join(fleetOut, 'report.html'), 'utf8')).toContain('"stage":"poll lag"');
  });

  it('exits 2 naming a missing out folder', async () => {
    const io = fakeIo();
    expect(await runReport(['report', path.join(dir, 'nope')], io)).toBe(2);
    expect(io.err()).toContain('is not a folder');
  });

  it('--serve serves the page on loopback until Ctrl-C', async () => {
    const io = fakeIo();
    const done = runReport(['report', dir, '--serve'], io);
    while (!/serving live at/.test(io.out())) await new Promise((r) => setImmediate(r));
    const url = /serving live at (\S+)/.exec(io.out())![1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const data = (await (await fetch(`${url}data.json`)).json()) as { models: { key: string }[] };
    expect(data.models.map((m) => m.key)).toEqual(['job1']);
    io.interrupt();
    expect(await done).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('--open skips quietly when the platform has no opener', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-bin');
    try {
      await expect(openWithPlatform(path.join(dir, 'report.html'), 'linux')).resolves.toBe(false);
    } finally {
      process.env.PATH = saved;
    }
  });
});
