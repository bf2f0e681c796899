/** The poller's marble specs again on its plain composition (pollerRun 'plain', bench:scale's baseline), so the baseline measured beside the hand-written run is the same poller. */
import type * as Poller from '../../lib/operators/poller';

// First the specs (they mock the rules before the poller loads), then the poller they loaded.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./poller.spec');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pollerRun } = require('../../lib/operators/poller') as typeof Poller;

beforeAll(() => {
  pollerRun.mode = 'plain';
});
afterAll(() => {
  pollerRun.mode = 'hand-written';
});

it('should run the specs above on the plain composition', () => {
  expect(pollerRun.mode).toBe('plain');
});
