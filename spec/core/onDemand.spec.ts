/** Specs: a module loaded on demand is loaded once, and a failed load is tried again. */
import { onDemand } from '../../lib/core/onDemand';

describe('onDemand', () => {
  it('should call the loader once and share its promise', async () => {
    let calls = 0;
    const load = onDemand(async () => ({ n: ++calls }));
    const [a, b] = await Promise.all([load(), load()]);
    const c = await load();
    expect(calls).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('should not keep a failed load: the next call loads again', async () => {
    let calls = 0;
    const load = onDemand(async () => {
      calls++;
      if (calls === 1) throw new Error('chunk not fetched');
      return 'loaded';
    });
    await expect(load()).rejects.toThrow('chunk not fetched');
    await expect(load()).resolves.toBe('loaded');
    await expect(load()).resolves.toBe('loaded');
    expect(calls).toBe(2);
  });
});
