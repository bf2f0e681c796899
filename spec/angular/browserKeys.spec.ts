/** Specs: which keys an Angular app may hold in the browser. */
// First: it loads @angular/compiler, which Angular's partially compiled packages need.
import { rootInjector } from './angularInjector';
import { provideHttpClient, withFetch } from '@angular/common/http';
import type { EnvironmentInjector } from '@angular/core';
import { ValidationError } from 'prediction-one-rx';
import { PREDICTION_ONE_CLIENT, providePredictionOne, type PredictionOneConfig } from '../../lib/angular';

// A key in a browser needs `dangerouslyAllowBrowser: true`. The browser is simulated by
// defining `window` (with its `document`) and `document` on globalThis for one test, and
// restored after it: no jsdom, and the Node (SSR) case is the plain run.

const BASE = 'https://p1.example.test';
const KEY = 'k-123456789-secret';

let injector: EnvironmentInjector | undefined;
let restore: (() => void) | undefined;
afterEach(() => {
  injector?.destroy();
  injector = undefined;
  restore?.();
  restore = undefined;
});

function inBrowser(): void {
  const g = globalThis as { window?: unknown; document?: unknown };
  const had = { window: Object.getOwnPropertyDescriptor(g, 'window'), document: Object.getOwnPropertyDescriptor(g, 'document') };
  const document = {};
  Object.defineProperty(g, 'document', { value: document, configurable: true, writable: true });
  Object.defineProperty(g, 'window', { value: { document }, configurable: true, writable: true });
  restore = () => {
    for (const name of ['window', 'document'] as const) {
      const d = had[name];
      if (d) Object.defineProperty(g, name, d);
      else delete g[name];
    }
  };
}

function client(config: PredictionOneConfig): unknown {
  injector = rootInjector([provideHttpClient(withFetch()), providePredictionOne(config)]);
  return injector.get(PREDICTION_ONE_CLIENT);
}

function refusal(config: PredictionOneConfig): ValidationError {
  try {
    client(config);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('providePredictionOne: keys in a browser', () => {
  it.each([
    ['apiKey', { apiKey: KEY }],
    ['apiKeys', { apiKeys: { train: KEY } }],
    ['secretKey', { secretKey: KEY }],
  ] as const)('should refuse %s in a browser without the opt-in, naming dangerouslyAllowBrowser', (name, keys) => {
    inBrowser();
    const err = refusal({ baseUrl: BASE, ...keys });
    expect(err.message).toContain(`${name} in a browser`);
    expect(err.message).toContain('dangerouslyAllowBrowser: true');
    expect(err.message).toContain('keyAddedByProxy: true');
    expect(err.message).not.toContain(KEY);
  });

  it('should accept a key in a browser with dangerouslyAllowBrowser: true', () => {
    inBrowser();
    expect(client({ baseUrl: BASE, apiKey: KEY, dangerouslyAllowBrowser: true })).toBeDefined();
  });

  it('should accept keyless use through a proxy in a browser with no opt-in', () => {
    inBrowser();
    expect(client({ baseUrl: `${BASE}/p1`, keyAddedByProxy: true })).toBeDefined();
  });

  it('should accept a key outside a browser (Node, server-side rendering) with no opt-in', () => {
    expect(client({ baseUrl: BASE, apiKey: KEY })).toBeDefined();
  });

  it('should refuse it with useHttpClient: false too', () => {
    inBrowser();
    expect(refusal({ baseUrl: BASE, apiKey: KEY, useHttpClient: false }).message).toContain('dangerouslyAllowBrowser');
  });
});
