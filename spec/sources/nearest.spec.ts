/** Specs: "did you mean" suggestions. */
import { nearest } from '../../lib/sources/nearest';

describe('nearest', () => {
  it('should prefer the same name in another case, then the closest by edit distance', () => {
    expect(nearest('Weather', ['date', 'weather'])).toBe('weather');
    expect(nearest('churn', ['id', 'visits', 'churned'])).toBe('churned');
    expect(nearest('temp_mx', ['temp_min', 'temp_max'])).toBe('temp_max');
  });

  it('should suggest nothing when no name is near', () => {
    expect(nearest('price', ['id', 'churned'])).toBeUndefined();
    expect(nearest('x'.repeat(300), ['x'.repeat(299)])).toBeUndefined();
  });
});
