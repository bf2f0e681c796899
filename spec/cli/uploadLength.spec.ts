/** Specs: every upload the CLI sends declares its length. */
/**
 * Issue 20's done-when: `p1rx train` of a 5 MiB CSV against the (strict) emulator sends each PUT
 * with `Content-Length` and no chunked encoding, as the emulator's request log shows. Real HTTP,
 * the CLI run in-process on the default Node client (undici, streamed uploads from disk).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../lib/cli/main';
import { API_KEY, useEmulator } from '../helpers/emulator';

/**
 * A CSV of at least `bytes` bytes whose model trains fast: few rows and a long free-text column
 * of seeded random letters (incompressible, so the result zip, which echoes it, is no "zip bomb").
 */
function bigCsv(bytes: number): string {
  const rows = 400;
  const width = Math.ceil(bytes / rows);
  let state = 7;
  const letter = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return String.fromCharCode(97 + (state % 26));
  };
  const lines = ['id,size,label,memo'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 7) % 23},${i % 3 === 0 ? 'yes' : 'no'},${Array.from({ length: width }, letter).join('')}`);
  return `${lines.join('\n')}\n`;
}

describe('p1rx train: every PUT carries Content-Length', () => {
  const { emulator } = useEmulator();
  let dir: string;
  let stderr = '';
  let stdout = '';
  let spies: jest.SpyInstance[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-length-'));
    stderr = '';
    stdout = '';
    spies = [
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
    ];
    emulator().clearLog();
  });
  afterEach(async () => {
    spies.forEach((s) => s.mockRestore());
    await rm(dir, { recursive: true, force: true });
  });

  it('should upload a 5 MiB CSV with Content-Length (no chunked encoding) and train', async () => {
    const file = path.join(dir, 'big.csv');
    await writeFile(file, bigCsv(5 * 1024 * 1024));
    const size = (await stat(file)).size;
    expect(size).toBeGreaterThan(5 * 1024 * 1024);
    const code = await run([
      'train',
      file,
      '-t',
      'label',
      '--type',
      'binary_classification',
      '--positive',
      'yes',
      '--cv',
      '2',
      '--base-url',
      emulator().url,
      '--api-key',
      API_KEY,
      '-o',
      path.join(dir, 'out'),
      '--json',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const puts = emulator().requests.filter((r) => r.route === 'PUT /storage/upload');
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put.status).toBe(200);
      expect(put.transferEncoding).toBeUndefined();
      expect(put.contentLength).toEqual(expect.any(Number));
    }
    // The learn file went last, whole, with its size from stat.
    expect(puts[1].contentLength).toBe(size);
    expect(stdout).toContain('"type":"uploaded"');
  });
});
