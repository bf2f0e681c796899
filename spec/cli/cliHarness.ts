/** Spec helper: runs p1rx commands in-process with in-memory output. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliIo } from '../../lib/cli/batchIo';
import { registerBatch } from '../../lib/cli/batchCommand';
import { registerDownload } from '../../lib/cli/downloadCommand';
import { registerStatus } from '../../lib/cli/statusCommand';
import { seattleWeather } from '../helpers/emulator';

/** An in-memory {@link CliIo}: captured output, a Ctrl-C you can press, exits recorded. */
export interface FakeIo extends CliIo {
  out(): string;
  err(): string;
  /** The JSON lines printed on stdout, parsed. */
  events(): Record<string, unknown>[];
  interrupt(): void;
  readonly exits: number[];
}

export function fakeIo(options: { tty?: boolean } = {}): FakeIo {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  const exits: number[] = [];
  return {
    stdout: { write: (s: string) => (out += s), isTTY: options.tty, columns: 100 },
    stderr: { write: (s: string) => (err += s) },
    onInterrupt(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    exit: (code) => void exits.push(code),
    out: () => out,
    err: () => err,
    events: () =>
      out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    interrupt: () => [...handlers].forEach((h) => h()),
    exits,
  };
}

/** Runs `p1rx <argv>` in-process with the batch, status and download commands; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: FakeIo = fakeIo()): Promise<{ code: number; io: FakeIo }> {
  const program = new Command('p1rx').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerBatch(program, io);
  registerStatus(program, io);
  registerDownload(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { code: 0, io };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode, io };
    io.stderr.write(`p1rx: ${(err as Error).name}: ${(err as Error).message}\n`);
    return { code: 1, io };
  }
}

/** A temporary folder with `weather.csv` (Seattle weather, `rows` rows), removed by `cleanup`. */
export async function workDir(rows = 60): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-cli-'));
  await writeFile(path.join(dir, 'weather.csv'), seattleWeather(rows));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a JSON manifest of `n` multi-class jobs on weather.csv (keys job1..jobN). */
export async function jsonManifest(dir: string, n: number, extra: Record<string, unknown>[] = []): Promise<string> {
  const jobs = Array.from({ length: n }, (_, i) => ({ key: `job${i + 1}`, csv: 'weather.csv', target: 'weather', type: 'multi_classification', cv: 1 }));
  const file = path.join(dir, 'manifest.json');
  await writeFile(file, JSON.stringify([...jobs, ...extra], null, 2));
  return file;
}
