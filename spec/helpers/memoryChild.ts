/** Child process of the bounded-memory spec: one in-memory download and its peak RSS. */
/**
 * Child process of spec/results/boundedMemory.spec.ts: downloads one result with
 * `downloadResult$` (everything in memory) and reports, as one JSON line on stdout, how it ended
 * and this process's peak RSS growth during the download (VmHWM, reset through
 * /proc/self/clear_refs where allowed, minus the RSS before). Not a spec: run by the spec.
 *
 * argv: <resultUrl> <client: web|node|fflate> <maxCompressionRatio|default> [maxResultMemoryBytes|default]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UnzipInflate } from 'fflate';
import { lastValueFrom, of } from 'rxjs';
import { createClient, downloadResult$, type ClientConfig } from '../../lib';
import { createNodeClient } from '../../lib/node';

function status(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const [resultUrl, kind, ratio, limit = 'default'] = process.argv.slice(2);
  const config: ClientConfig = {
    baseUrl: 'http://127.0.0.1:1',
    apiKey: 'unused-key',
    retry: { maxAttempts: 1 },
    ...(ratio === 'default' ? {} : { maxCompressionRatio: Number(ratio) }),
    ...(limit === 'default' ? {} : { maxResultMemoryBytes: Number(limit) }),
  };
  const client =
    kind === 'node' ? createNodeClient(config) : createClient({ ...config, ...(kind === 'fflate' ? { zipCodec: { inflate: UnzipInflate } } : {}) });
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = status('VmRSS');
  let resetOk = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resetOk = false;
  }
  let outcome: { name: string; message: string };
  try {
    await lastValueFrom(of({ resultUrl }).pipe(downloadResult$(client)));
    outcome = { name: 'none', message: 'the download succeeded' };
  } catch (err) {
    outcome = { name: (err as Error).name, message: (err as Error).message };
  }
  const peak = status('VmHWM');
  process.stdout.write(`${JSON.stringify({ ...outcome, rssBefore, peak, growth: peak - rssBefore, resetOk })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(String(err));
    process.exit(1);
  },
);
