import * as core from '../lib';
import * as nodeEntry from '../lib/node';
import * as emulator from '../lib/emulator';
import * as otel from '../lib/otel';

/**
 * The public runtime exports of each entry, so an API change shows in review. Types are
 * checked by spec/docs/tsdoc.spec.ts (every export documented with an example).
 */
describe('public exports', () => {
  it('should list the core entry', () => {
    expect(Object.keys(core).sort()).toMatchSnapshot();
  });

  it('should list the node entry', () => {
    expect(Object.keys(nodeEntry).sort()).toMatchSnapshot();
  });

  it('should list the emulator entry', () => {
    expect(Object.keys(emulator).sort()).toMatchSnapshot();
  });

  it('should list the otel entry', () => {
    expect(Object.keys(otel).sort()).toMatchSnapshot();
  });
});
