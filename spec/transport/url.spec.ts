/** Specs: building request URLs. */
import { buildUrl, segment } from '../../lib/transport/url';

/** What buildUrl gave before its fast path: the URL class, always. */
function viaUrl(baseUrl: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

describe('buildUrl', () => {
  const bases = [
    'http://127.0.0.1:8080',
    'http://127.0.0.1:8080/',
    'https://API.Example.com:443/prefix//',
    'http://h:80/a b',
    'https://h/p?x=1',
    'https://h/p#frag',
  ];
  const ids = ['abc-123', 'a b', '日本', "!'()~*", 'a/b', '..', '.', 'x.y', '%41', 'a+b&c=d', ''];
  const paths = (id: string) => ['/v1/external/models/results', `/v1/external/retrain_jobs/${segment(id)}`, `/v1/external/x/${id}`, '/v1/./external/../models'];

  it('should give the same string as new URL + searchParams.set for every base, path and query', () => {
    let checked = 0;
    for (const base of bases) {
      for (const id of ids) {
        for (const path of paths(id)) {
          for (const query of [{}, { external_process_id: id }, { a: 1, b: undefined, 'k y': id }]) {
            expect([base, path, query, buildUrl(base, path, query)]).toEqual([base, path, query, viaUrl(base, path, query)]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(bases.length * ids.length * 4 * 3);
  });

  it('should refuse a base URL that is not a URL, as URL does', () => {
    expect(() => buildUrl('not a url', '/v1')).toThrow();
  });
});
