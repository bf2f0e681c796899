/** Specs: the retry line of p1rx. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { filter, lastValueFrom, of } from 'rxjs';
import { ServerError, train$, upload$, type TrainingEvent } from '../../lib';
import { retryLine } from '../../lib/cli/retryLine';
import { API_KEY, seattleWeather, useEmulator } from '../helpers/emulator';
import { p1rxScript } from '../helpers/childBundles';

const root = path.resolve(__dirname, '../..');

/** Runs the real `p1rx` in a child process (`node`, spec/helpers/childBundles.ts); resolves with its exit code and output. */
function p1rx(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [p1rxScript(), ...args], {
    cwd: root,
    env: { ...process.env, P1RX_API_KEY: '', P1RX_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('p1rx retry line', () => {
  const { emulator, client } = useEmulator({ manual: true });

  it('should print "retrying n/max after <status> (in s)" on stderr for each retry, then succeed', async () => {
    const e = await lastValueFrom(
      of(seattleWeather(60)).pipe(
        upload$(client()),
        train$(client(), { name: 'w', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }),
        filter((x: TrainingEvent) => x.type === 'queued'),
      ),
    );
    const id = (e as { externalProcessId: string }).externalProcessId;
    emulator().clearLog();
    emulator().failNext('GET /v1/external/models/results', 503, { code: 0, error: 'busy', message: 'busy' }, { retryAfterS: 0 });
    emulator().failNext('GET /v1/external/models/results', 500, '<html><body>Internal Server Error</body></html>', { retryAfterS: 0 });
    const { code, stdout, stderr } = await p1rx(['status', id, '--base-url', emulator().url, '--api-key', API_KEY]);
    expect(code).toBe(0);
    expect(stdout).toContain('waiting');
    const lines = stderr.split('\n').filter((l) => l.includes('retrying'));
    expect(lines).toEqual([
      'p1rx: retrying 2/4 after 503 (in 0.0 s): GET /v1/external/models/results',
      'p1rx: retrying 3/4 after 500 (in 0.0 s): GET /v1/external/models/results',
    ]);
    expect(emulator().count('GET /v1/external/models/results')).toBe(3);
    expect(stderr).not.toContain(API_KEY);
  }, 30_000);

  it('should format the delay in seconds and never show a query string', () => {
    const url = 'http://127.0.0.1:1/storage/result?X-Amz-Signature=abc';
    const cause = new ServerError({ httpStatus: 503, method: 'GET', url });
    expect(retryLine({ attempt: 2, maxAttempts: 4, delayMs: 1234, method: 'GET', url, cause })).toBe('retrying 2/4 after 503 (in 1.2 s): GET /storage/result');
  });
});
