/** Example app: where the app sends its API calls. */
import { InjectionToken } from '@angular/core';

/** Where the app sends its API calls. There is no key here: the browser never holds one. */
export interface Settings {
  /** The backend proxy that adds the API key: `/p1` on the page's own origin. */
  readonly baseUrl: string;
}

export const SETTINGS = new InjectionToken<Settings>('SETTINGS');

/**
 * The path of the backend proxy on the page's origin: `ng serve` forwards it to the service
 * (proxy.conf.mjs), adding the key it reads from the environment on the server side.
 */
export const PROXY_PATH = '/p1';

/** The proxy's absolute URL for a page at `origin`. */
export function readSettings(origin: string): Settings {
  return { baseUrl: `${origin}${PROXY_PATH}` };
}
