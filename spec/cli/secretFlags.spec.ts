/** Specs: the ways to give p1rx a secret key. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import { withServiceFlags, type SecretIo } from '../../lib/cli/serviceFlags';

/** Parses `argv` with the service flags; resolves with the flags the action saw and stderr. */
async function parse(argv: string[], stdin = ''): Promise<{ flags: Record<string, unknown>; err: string }> {
  let err = '';
  const io: SecretIo = { stdin: Readable.from([Buffer.from(stdin)]), stderr: { write: (s: string) => (err += s) } };
  let flags: Record<string, unknown> = {};
  const cmd = withServiceFlags(new Command('models').exitOverride(), { pollInterval: false, secretIo: io }).action((f: Record<string, unknown>) => {
    flags = f;
  });
  await cmd.parseAsync(argv, { from: 'user' });
  return { flags, err };
}

describe('--secret-key, --secret-key-file and --secret-key -', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-secret-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('should warn once that a secret key given as a flag is visible to other users', async () => {
    const { flags, err } = await parse(['--secret-key', 's3cr3t', '--base-url', 'http://127.0.0.1:1']);
    expect(flags.secretKey).toBe('s3cr3t');
    expect(err).toBe(
      'p1rx: warning: --secret-key on the command line can be read by every user of this machine (/proc/<pid>/cmdline, ps); prefer P1RX_SECRET_KEY, --secret-key-file <path> or --secret-key - (stdin)\n',
    );
    expect(err).not.toContain('s3cr3t');
  });

  it('should read the key from a file, first non-empty line, without a warning', async () => {
    const file = path.join(dir, 'key');
    await writeFile(file, '\n  from-file  \r\nsecond line\n');
    const { flags, err } = await parse(['--secret-key-file', file]);
    expect(flags.secretKey).toBe('from-file');
    expect(err).toBe('');
  });

  it('should read the key from stdin with --secret-key -', async () => {
    const { flags, err } = await parse(['--secret-key', '-'], 'from-stdin\n');
    expect(flags.secretKey).toBe('from-stdin');
    expect(err).toBe('');
  });

  it('should refuse an empty source, a missing file and both forms at once, naming the flag', async () => {
    await expect(parse(['--secret-key', '-'], '\n')).rejects.toThrow(new InvalidArgumentError('--secret-key - (stdin) is empty: no secret key read'));
    await expect(parse(['--secret-key-file', path.join(dir, 'nope')])).rejects.toThrow(`--secret-key-file ${path.join(dir, 'nope')}: ENOENT`);
    await expect(parse(['--secret-key-file', 'x', '--secret-key', 'y'])).rejects.toThrow('give --secret-key or --secret-key-file, not both');
  });

  it('should say nothing when the keys come from the environment', async () => {
    expect((await parse(['--base-url', 'http://127.0.0.1:1'])).err).toBe('');
  });
});
