/** p1rx report <out-dir>: the batch report from the command line. */
/**
 * `p1rx report <out-dir>`: one self-contained HTML page of a batch's results.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { batchReport, serveReport } from 'prediction-one-rx/node';
import { USAGE_EXIT_CODE, parseIntAtLeast, processIo, usageErrorsExit2, type CliIo } from './batchIo';

interface ReportFlags {
  file?: string;
  checkpoint?: string;
  events?: string;
  open?: boolean;
  serve?: boolean;
  port: number;
}

/**
 * Opens `target` (a file or URL) with the platform's opener, detached; does nothing quietly
 * when there is none (a server without a desktop). Resolves with whether an opener started.
 *
 * @internal
 */
export function openWithPlatform(target: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const [cmd, args] = platform === 'darwin' ? ['open', [target]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', target]] : ['xdg-open', [target]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env: process.env });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      // No opener: the path is printed anyway.
      resolve(false);
    }
  });
}

/**
 * `p1rx report <out-dir> [--open] [--serve]`.
 *
 * @internal
 */
export function registerReport(program: Command, io: CliIo = processIo): void {
  const cmd = program
    .command('report <out-dir>')
    .description("write one self-contained HTML report of a batch's results (works offline); --serve updates it live")
    .option('-f, --file <file>', 'where to write the page (default: <out-dir>/report.html)')
    .option('--checkpoint <file>', "the batch records (default: <out-dir>/.p1rx-checkpoint.jsonl, else a fleet batch's .p1rx-fleet-journal.jsonl)")
    .option('--events <file>', 'a `p1rx batch --json` log, for failures of older checkpoints (default: <out-dir>/events.jsonl if present)')
    .option('--open', 'open the page with the platform opener')
    .option('--serve', 'also serve the page on 127.0.0.1 and update it live while the batch runs (Ctrl-C stops)')
    .option('--port <n>', 'with --serve: port (0 = any free port)', parseIntAtLeast('port', 0), 0);
  usageErrorsExit2(cmd).action(async (outDir: string, flags: ReportFlags) => {
    if (!existsSync(outDir) || !statSync(outDir).isDirectory())
      return cmd.error(`error: ${outDir} is not a folder (the --out of a batch)`, { exitCode: USAGE_EXIT_CODE });
    const options = { file: flags.file, checkpoint: flags.checkpoint, events: flags.events };
    const file = await batchReport(outDir, options);
    io.stdout.write(`report: ${path.resolve(file)}\n`);
    if (!flags.serve) {
      if (flags.open) await openWithPlatform(path.resolve(file));
      return;
    }
    const server = await serveReport(outDir, { ...options, port: flags.port });
    io.stdout.write(`serving live at ${server.url} (Ctrl-C stops)\n`);
    if (flags.open) await openWithPlatform(server.url);
    await new Promise<void>((resolve) => {
      const stop = io.onInterrupt(() => {
        stop();
        resolve();
      });
    });
    await server.close();
  });
}
