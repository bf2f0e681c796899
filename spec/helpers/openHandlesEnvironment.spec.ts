/** Specs: the open-handle Jest environment fails a leaky file. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

/**
 * The open-handle check wired into Jest (spec/helpers/openHandlesEnvironment.ts, jest.config.ts's
 * testEnvironment) fails a spec file that leaves handles open, even when its tests pass: a
 * separate Jest run over a fixture that leaks a timer and a server.
 */
describe('open-handle environment', () => {
  it('should fail a spec file that leaves a timer and a server open, naming both', async () => {
    const config = {
      rootDir: root,
      testEnvironment: '<rootDir>/spec/helpers/openHandlesEnvironment.ts',
      testMatch: ['<rootDir>/spec/helpers/fixtures/leaky.fixture.ts'],
      transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
      // The fixture keeps its handles: the run must end anyway.
      forceExit: true,
    };
    const run = promisify(execFile)(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--runInBand', '--forceExit'],
      {
        cwd: root,
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    const failed = await run.then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/Tests: +1 passed, 1 total/);
    expect(failed?.stderr).toMatch(/open handles: this spec file left .*1 × TCPServerWrap/);
    expect(failed?.stderr).toMatch(/open handles: this spec file left .*1 × Timeout/);
  });
});
