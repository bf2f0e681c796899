/** Specs: p1rx report. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { openWithPlatform, registerReport } from '../../lib/cli/reportCommand';
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
