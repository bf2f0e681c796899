/** Specs: p1rx batch on a real terminal. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../lib/node';
import { API_KEY, useEmulator } from '../helpers/emulator';
import { hasTmux, openTerminal, type Terminal } from '../helpers/tmux';
import { until } from '../helpers/wait';
import { workDir } from './cliHarness';
import { p1rxScript } from '../helpers/childBundles';

/**
 * `p1rx batch` in a real pseudo-terminal (tmux), its screen read during and after the run. The
 * emulator is manual: each job finishes when the test says, so what is on screen at each
 * moment is chosen, not raced.
 */
const root = path.resolve(__dirname, '../..');
const COLUMNS = 100;
const BAR = /\|[█░=-]{24}\|/;

describe('p1rx batch on a terminal', () => {
  const { emulator } = useEmulator({ manual: true });
  let dir: string;
  let cleanup: () => Promise<void>;
  let term: Terminal | undefined;
  beforeAll(() => {
    if (!hasTmux()) throw new Error('tmux is missing: apt-get install -y tmux (.ci/run installs it)');
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await workDir(60));
    emulator().clearLog();
  });
  afterEach(async () => {
    term?.close();
    term = undefined;
    await cleanup();
  });

  async function start(jobs: string[], extra: Record<string, unknown>[] = []): Promise<{ ids: () => Promise<Map<string, string>> }> {
    const manifest = path.join(dir, 'jobs.json');
    await writeFile(
      manifest,
      JSON.stringify([...jobs.map((key) => ({ key, csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 1 })), ...extra]),
    );
    term = openTerminal([process.execPath, p1rxScript(), 'batch', manifest, '-o', path.join(dir, 'out'), '--poll-interval', '20', '-c', '4'], {
      columns: COLUMNS,
      rows: 30,
      cwd: root,
      env: { P1RX_BASE_URL: emulator().url, P1RX_API_KEY: API_KEY, P1RX_SECRET_KEY: '' },
    });
    const checkpoint = path.join(dir, 'out', '.p1rx-checkpoint.jsonl');
    return {
      ids: async () => {
        const { records } = await loadCheckpoint(checkpoint);
        return new Map([...records].flatMap(([k, r]) => (r.externalProcessId && r.stage !== 'uploaded' ? [[k, r.externalProcessId] as const] : [])));
      },
    };
  }
  const barOf = (screen: string[], key: string) => screen.find((l) => l.trimStart().startsWith(key) && BAR.test(l));
  const waitingBars = (keys: string[]) => (s: string[]) => keys.every((k) => /waiting|running/.test(barOf(s, k) ?? ''));

  it("should keep the running jobs' bars when one finishes, and leave only the summary at the end", async () => {
    const { ids } = await start(['job1', 'job2', 'job3']);
    await term!.waitFor('three bars polling', waitingBars(['job1', 'job2', 'job3']));
    let known = new Map<string, string>();
    await until(async () => (known = await ids()).size === 3, 'three trainings created');

    await emulator().advance(known.get('job1')!, 'finished');
    const during = await term!.waitFor('job1 logged as done', (s) => s.some((l) => /^job1\s+ok\s+accuracy/.test(l)));
    // The others are still drawn, and job1's bar is gone.
    expect(barOf(during, 'job2')).toMatch(/waiting|running/);
    expect(barOf(during, 'job3')).toMatch(/waiting|running/);
    expect(barOf(during, 'job1')).toBeUndefined();
    expect(during.some((l) => /^ total\s+\|.*\| 1\/3 done/.test(l))).toBe(true);

    await emulator().advance(known.get('job2')!, 'finished');
    await term!.waitFor('job2 logged as done', (s) => s.some((l) => /^job2\s+ok\s+accuracy/.test(l)));
    await emulator().advance(known.get('job3')!, 'finished');
    await until(() => term!.exitCode() !== undefined, 'the batch to exit');
    const after = term!.screen();
    expect(term!.exitCode()).toBe(0);
    // No bar is left: the log lines, then the summary table.
    expect(after.filter((l) => BAR.test(l))).toEqual([]);
    expect(after.filter((l) => /^job\d\s+ok\s+accuracy/.test(l))).toHaveLength(3);
    expect(after.some((l) => /^key\s+outcome\s+accuracy \/ r2 \/ error\s+seconds$/.test(l))).toBe(true);
    expect(after.every((l) => l.length <= COLUMNS)).toBe(true);
  });

  it('should leave no stale bar after Ctrl-C, only the log, the summary and the resume hint', async () => {
    const { ids } = await start(['job1', 'job2', 'job3']);
    await term!.waitFor('three bars polling', waitingBars(['job1', 'job2', 'job3']));
    let known = new Map<string, string>();
    await until(async () => (known = await ids()).size === 3, 'three trainings created');
    await emulator().advance(known.get('job1')!, 'finished');
    await term!.waitFor('job1 logged as done', (s) => s.some((l) => /^job1\s+ok\s+accuracy/.test(l)));

    term!.keys('C-c');
    await until(() => term!.exitCode() !== undefined, 'the batch to exit after Ctrl-C');
    expect(term!.exitCode()).toBe(130);
    const after = term!.screen();
    expect(after.filter((l) => BAR.test(l))).toEqual([]);
    expect(after.some((l) => /^job2\s+interrupted\b/.test(l))).toBe(true);
    expect(after.some((l) => /^job3\s+interrupted\b/.test(l))).toBe(true);
    expect(after.some((l) => l.startsWith('interrupted: run the same command with --resume'))).toBe(true);
  });
});
