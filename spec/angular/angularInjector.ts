/** Spec helper: a root Angular injector without a browser platform. */
import '@angular/compiler';
import {
  EnvironmentInjector,
  Injector,
  createEnvironmentInjector,
  provideZonelessChangeDetection,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
  type EnvironmentProviders,
  type Provider,
} from '@angular/core';

/**
 * A root environment injector with the given providers, as `bootstrapApplication` would make,
 * but without a browser platform (no DOM in this Node test run). `INJECTOR_SCOPE: 'root'` lets
 * `providedIn: 'root'` services (PendingTasks, used by HttpClient) resolve; zoneless change
 * detection supplies the no-op NgZone that HttpClient's fetch backend injects.
 */
export function rootInjector(providers: (Provider | EnvironmentProviders)[]): EnvironmentInjector {
  return createEnvironmentInjector(
    [{ provide: INJECTOR_SCOPE, useValue: 'root' }, provideZonelessChangeDetection(), ...providers],
    Injector.NULL as EnvironmentInjector,
    'prediction-one-rx spec',
  );
}
