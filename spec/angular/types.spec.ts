/** Specs: the Angular subpath's types. */
import type { HttpClient } from '@angular/common/http';
import { httpClientFetch, type HttpRequester } from '../../lib/angular/httpClientFetch';

// Compile-time checks (`npm run typecheck` type-checks this file; Jest only transpiles):
// Angular's HttpClient must fit the shape the adapter asks for, with no cast.
type Assert<T extends true> = T;
export type HttpClientFits = Assert<HttpClient extends HttpRequester ? true : false>;
export const adapt = (http: HttpClient) => httpClientFetch(http);

describe('HttpRequester', () => {
  it('should accept an HttpClient without a cast', () => {
    expect(typeof adapt).toBe('function');
  });
});
