/** Specs: the optional peers and their ranges. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MissingPeerError, OPTIONAL_PEERS, missingPeerMessage, peerInstallSpec } from '../../lib/core/optionalPeers';

describe('OPTIONAL_PEERS', () => {
  it("should be package.json's optional peer dependencies with their ranges", () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    const optional = Object.fromEntries(Object.entries(pkg.peerDependencies).filter(([name]) => pkg.peerDependenciesMeta[name]?.optional));
    expect(OPTIONAL_PEERS).toEqual(optional);
  });
});

describe('missingPeerMessage', () => {
  it('should name the package, its range and the install line', () => {
    expect(missingPeerMessage('prediction-one-rx/bullmq', ['bullmq'])).toBe(
      'prediction-one-rx/bullmq needs bullmq (^6.7.0), an optional peer dependency that is not installed. Install it beside prediction-one-rx: npm install bullmq@^6.7.0',
    );
  });

  it('should list several packages and quote a range a shell would read as a redirection', () => {
    expect(peerInstallSpec('ioredis')).toBe("'ioredis@>=5.0.0'");
    expect(new MissingPeerError('prediction-one-rx/bullmq', ['bullmq', 'ioredis']).message).toBe(
      "prediction-one-rx/bullmq needs bullmq (^6.7.0) and ioredis (>=5.0.0), optional peer dependencies that are not installed. Install them beside prediction-one-rx: npm install bullmq@^6.7.0 'ioredis@>=5.0.0'",
    );
  });

  it('should say --save-dev for the test tools', () => {
    expect(missingPeerMessage('The emulator', ['ml-random-forest'], true)).toMatch(/npm install --save-dev ml-random-forest@\^2\.1\.0$/);
  });
});
