/** Spec helper: a program in a real terminal, through tmux. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { until } from './wait';

/**
 * A program running in a real pseudo-terminal: a detached tmux session of a fixed size, whose
 * screen can be read (`capture-pane`) while the program runs and after it exits (the pane stays).
 * Needs Debian's `tmux` (.ci/run installs it).
 */
export interface Terminal {
  /** The visible screen, one string per row, trailing spaces trimmed. */
  screen(): string[];
  /** Waits until the screen satisfies `test`; returns that screen. */
  waitFor(what: string, test: (screen: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Sends keys as tmux names them (`C-c`). */
  keys(...keys: string[]): void;
  /** The program's exit code once it has exited, else undefined. */
  exitCode(): number | undefined;
  close(): void;
}

function tmux(args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Whether tmux is installed. */
export function hasTmux(): boolean {
  try {
    tmux(['-V']);
    return true;
  } catch {
    return false;
  }
}

let sessions = 0;

/** Starts `argv` in a `columns` × `rows` terminal, with `env` added to tmux's environment. */
export function openTerminal(argv: readonly string[], options: { columns: number; rows: number; cwd: string; env: Record<string, string> }): Terminal {
  const name = `p1rx-spec-${process.pid}-${(sessions += 1)}`;
  const env = Object.entries(options.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  // A private server socket (-L), so a test never touches a user's tmux.
  const socket = ['-L', name];
  const confDir = mkdtempSync(path.join(os.tmpdir(), 'p1rx-tmux-'));
  const conf = path.join(confDir, 'tmux.conf');
  writeFileSync(conf, 'set -g status off\nset -g history-limit 0\n');
  // The pane must outlive the program so its last screen can be read. Not with remain-on-exit:
  // tmux then prints "Pane is dead" on the last row, scrolling the screen. A shell waits on the
  // program, writes its exit status to a file, and stays (without printing) until the test ends.
  const statusFile = path.join(confDir, 'status');
  // The shell survives Ctrl-C (a trap, reset to the default in the program) to record the status.
  const script = `trap true INT; "$@"; echo $? > ${JSON.stringify(statusFile)}; exec tail -f /dev/null`;
  tmux([
    ...socket,
    '-f',
    conf,
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(options.columns),
    '-y',
    String(options.rows),
    '-c',
    options.cwd,
    ...env,
    'sh',
    '-c',
    script,
    'sh',
    ...argv,
  ]);
  const screen = () =>
    tmux([...socket, 'capture-pane', '-p', '-t', name])
      .split('\n')
      .map((l) => l.trimEnd())
      .slice(0, options.rows);
  const exitCode = () => {
    const text = existsSync(statusFile) ? readFileSync(statusFile, 'utf8').trim() : '';
    return text === '' ? undefined : Number(text);
  };
  return {
    screen,
    async waitFor(what, test, timeoutMs = 60_000) {
      let last: string[] = [];
      await until(() => test((last = screen())), what, timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}; screen:\n${last.join('\n')}`);
      });
      return last;
    },
    keys: (...keys) => void tmux([...socket, 'send-keys', '-t', name, ...keys]),
    exitCode,
    close: () => {
      try {
        tmux([...socket, 'kill-server']);
      } catch {
        // Already gone.
      }
      rmSync(confDir, { recursive: true, force: true });
      // tmux leaves its socket file behind: remove this session's private one.
      rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, name), { force: true });
    },
  };
}
