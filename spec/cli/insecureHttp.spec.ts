/** Specs: p1rx refuses to send a key over plain HTTP unless allowed. */
import { run } from '../../lib/cli/main';
import { clientFrom } from '../../lib/cli/options';

// Issue 20 item 3 in the CLI: the refusal names --allow-insecure-http, and every command that
// takes --base-url takes the flag. Nothing here connects anywhere: the client is refused (or
// made) before any request.

describe('p1rx --allow-insecure-http', () => {
  let stderr: string;
  let stdout: string;
  let spies: jest.SpyInstance[];
  beforeEach(() => {
    stderr = '';
    stdout = '';
    spies = [
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
    ];
  });
  afterEach(() => spies.forEach((s) => s.mockRestore()));

  it('should refuse a key over plain http to a non-loopback host, naming the flag, before sending anything', async () => {
    expect(await run(['models', '--base-url', 'http://192.0.2.1:8080', '--api-key', 'k-123456'])).toBe(1);
    expect(stderr).toMatch(/ValidationError: .*plain http.*--allow-insecure-http/);
    expect(stderr).not.toContain('k-123456');
  });

  it('should hand the opt-in to the client', () => {
    const client = clientFrom({ baseUrl: 'http://192.0.2.1:8080', apiKey: 'k', allowInsecureHttp: true });
    expect(client.config.allowInsecureHttp).toBe(true);
  });

  it.each(['batch', 'train', 'status', 'download', 'models', 'datasets', 'delete-model', 'retrain', 'deploy', 'predict', 'conformance', 'worker'])(
    'p1rx %s should take --allow-insecure-http next to --base-url',
    async (command) => {
      const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
      try {
        await run([command, '--help']);
      } finally {
        exit.mockRestore();
      }
      expect(stdout).toContain('--base-url');
      expect(stdout).toContain('--allow-insecure-http');
    },
  );
});
