/** Specs: the p1rx command's parsing and help. */
import { run } from '../../lib/cli/main';

describe('p1rx', () => {
  let stderr: string;
  let spy: jest.SpyInstance;
  beforeEach(() => {
    stderr = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('should report a missing file named by an argument, with exit code 2', async () => {
    const code = await run(['train', '/no/such/file.csv', '--target', 'y', '--type', 'regression', '--api-key', 'k']);
    expect(code).toBe(2);
    expect(stderr).toContain('p1rx: no such file: /no/such/file.csv');
  });

  it('should report missing credentials clearly', async () => {
    const env = { ...process.env };
    delete process.env.P1RX_API_KEY;
    delete process.env.P1RX_SECRET_KEY;
    try {
      const code = await run(['status', 'some-id']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/api-key|secret-key/);
    } finally {
      process.env = env;
    }
  });

  it('should reject an invalid training config before any request', async () => {
    const code = await run(['train', __filename, '--target', 'y', '--type', 'clustering', '--api-key', 'k', '--base-url', 'http://127.0.0.1:9']);
    expect(code).toBe(2);
    expect(stderr).toContain('p1rx: nothing was uploaded: fix these first\n  - --type must be one of');
  });
});
