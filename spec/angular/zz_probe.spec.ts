import '@angular/compiler';
import { InjectionToken, createEnvironmentInjector, inject, provideZonelessChangeDetection, ɵINJECTOR_SCOPE as INJECTOR_SCOPE, Injector, EnvironmentInjector } from '@angular/core';
import { HttpClient, provideHttpClient, withFetch } from '@angular/common/http';
it('loads', async () => {
  const t = new InjectionToken<HttpClient>('x');
  const inj = createEnvironmentInjector([{ provide: INJECTOR_SCOPE, useValue: 'root' }, provideZonelessChangeDetection(), provideHttpClient(withFetch()), { provide: t, useFactory: () => inject(HttpClient) }], Injector.NULL as EnvironmentInjector);
  const http = inj.get(t);
  const r = await new Promise((res, rej) => http.get('http://127.0.0.1:1/x').subscribe({ next: res, error: rej })).catch((e) => e);
  console.log(r);
  inj.destroy();
});
