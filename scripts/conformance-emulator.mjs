/** CI: runs the built p1rx conformance against the built emulator. */
// CI: the built `p1rx conformance` (dist/cli/main.js, as users run it) against the built
// emulator on 127.0.0.1:0, default checks then --train --deploy. Exits non-zero if either run fails.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startEmulator } = createRequire(import.meta.url)(path.join(root, 'dist/emulator/index.js'));
const secretKey = randomBytes(16).toString('hex');
const emulator = await startEmulator({ port: 0, trainingDelayMs: 200, secretKeys: [secretKey] });
let failed = false;
try {
  for (const extra of [[], ['--train', '--deploy']]) {
    // The emulator runs in this process's event loop: the CLI must be an async child.
    const child = await new Promise((resolve) => {
      const p = spawn(process.execPath, [path.join(root, 'dist/cli/main.js'), 'conformance', '--base-url', emulator.url, '--poll-interval', '50', ...extra], {
        env: { ...process.env, P1RX_SECRET_KEY: secretKey },
        stdio: 'inherit',
      });
      p.on('exit', (code) => resolve(code));
    });
    if (child !== 0) failed = true;
  }
} finally {
  await emulator.close();
}
process.exit(failed ? 1 : 0);
