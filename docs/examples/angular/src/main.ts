/** Example app: bootstraps the Angular application with the library's providers. */
import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { providePredictionOne } from 'prediction-one-rx/angular';
import { AppComponent } from './app/app.component';
import { httpLogInterceptor } from './app/http-log';
import { SETTINGS, readSettings } from './app/settings';

// API calls go to the backend proxy on this page's origin (/p1), which adds the key on the
// server side: the browser holds no key, so none can leak from it.
const settings = readSettings(window.location.origin);

bootstrapApplication(AppComponent, {
  providers: [
    provideZonelessChangeDetection(),
    // The library's requests go through this HttpClient, so httpLogInterceptor sees them all.
    provideHttpClient(withFetch(), withInterceptors([httpLogInterceptor])),
    { provide: SETTINGS, useValue: settings },
    providePredictionOne({
      baseUrl: settings.baseUrl,
      keyAddedByProxy: true,
      // The emulator trains in seconds; against the real service keep the defaults (up to 30 s).
      poll: { minDelayMs: 300, maxDelayMs: 1_000 },
    }),
  ],
}).catch((err: unknown) => console.error(err));
