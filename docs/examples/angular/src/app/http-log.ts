/** Example app: an interceptor that keeps a log of the requests the library sends. */
import { HttpEventType, HttpResponse, type HttpInterceptorFn } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import { finalize, tap } from 'rxjs';
import { PREDICTION_ONE_REQUEST } from 'prediction-one-rx/angular';

export interface HttpLogEntry {
  readonly id: number;
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  status?: number | 'cancelled' | 'error';
  ms?: number;
}

/** The last requests seen by {@link httpLogInterceptor}, newest first. */
@Injectable({ providedIn: 'root' })
export class HttpLog {
  private next = 1;
  readonly entries = signal<readonly HttpLogEntry[]>([]);
  readonly total = signal(0);

  add(entry: Omit<HttpLogEntry, 'id'>): HttpLogEntry {
    const e: HttpLogEntry = { ...entry, id: this.next++ };
    this.total.update((n) => n + 1);
    this.entries.update((list) => [e, ...list].slice(0, 8));
    return e;
  }

  settle(e: HttpLogEntry, status: HttpLogEntry['status'], ms: number): void {
    this.entries.update((list) => list.map((x) => (x.id === e.id ? { ...x, status, ms } : x)));
  }
}

/**
 * A logging interceptor: it runs for the library's requests because providePredictionOne sends
 * them through HttpClient. Pre-signed URLs are logged without their query (the signature).
 */
export const httpLogInterceptor: HttpInterceptorFn = (req, next) => {
  const log = inject(HttpLog);
  const started = performance.now();
  const entry = log.add({
    kind: req.context.get(PREDICTION_ONE_REQUEST) ?? 'other',
    method: req.method,
    path: new URL(req.url, window.location.href).pathname,
  });
  let status: HttpLogEntry['status'] = 'cancelled';
  return next(req).pipe(
    tap({
      next: (event) => {
        if (event.type === HttpEventType.Response) status = (event as HttpResponse<unknown>).status;
      },
      error: (err: { status?: number }) => (status = err.status || 'error'),
    }),
    finalize(() => log.settle(entry, status, Math.round(performance.now() - started))),
  );
};
