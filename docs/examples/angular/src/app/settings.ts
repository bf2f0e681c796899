import { InjectionToken } from '@angular/core';

/** Where the app sends its requests: the emulator by default. */
export interface Settings {
  readonly baseUrl: string;
  readonly apiKey: string;
}

export const SETTINGS = new InjectionToken<Settings>('SETTINGS');

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** Reads `?baseUrl=...&apiKey=...`. */
export function readSettings(search: string): Settings {
  const params = new URLSearchParams(search);
  return { baseUrl: params.get('baseUrl') || DEFAULT_BASE_URL, apiKey: params.get('apiKey') ?? '' };
}

/** The query string for new settings (applied by reloading the page). */
export function settingsQuery(settings: Settings): string {
  return `?${new URLSearchParams({ baseUrl: settings.baseUrl, apiKey: settings.apiKey }).toString()}`;
}
