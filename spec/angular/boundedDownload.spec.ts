/** Specs: result downloads through Angular's HttpClient stay within their byte limits. */
// First: it loads @angular/compiler, which Angular's partially compiled packages need.
import { rootInjector } from './angularInjector';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { provideHttpClient, withFetch } from '@angular/common/http';
import type { EnvironmentInjector } from '@angular/core';
import { lastValueFrom, of } from 'rxjs';
import { ResponseTooLargeError, downloadResult$ } from 'prediction-one-rx';
import { PREDICTION_ONE_CLIENT, providePredictionOne } from '../../lib/angular';
import { until } from '../helpers/wait';

// HttpClient buffers a whole body before handing it over, so the Angular client keeps its
// in-memory result limit while the body downloads: an endless result body is cancelled once it
// passes the limit, instead of filling the tab.

const MiB = 1024 * 1024;

describe('a result download through HttpClient', () => {
  let server: Server;
  let base = '';
  const sent = { bytes: 0, closed: 0 };
  let injector: EnvironmentInjector | undefined;

  beforeAll(async () => {
    const block = Buffer.alloc(64 * 1024, 7);
    server = createServer((req, res) => {
      if (req.url?.startsWith('/declared')) {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(1024 * MiB) });
      } else {
        res.writeHead(200, { 'content-type': 'application/zip' });
      }
      sent.bytes = 0;
      res.on('close', () => sent.closed++);
      // Endless: write as fast as the client reads, until it hangs up.
      const pump = () => {
        while (!res.destroyed && res.write(block)) sent.bytes += block.byteLength;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    injector?.destroy();
    injector = undefined;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = () => {
    injector = rootInjector([
      provideHttpClient(withFetch()),
      providePredictionOne({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k-0123456789', maxResultMemoryBytes: 4 * MiB, retry: { maxAttempts: 1 } }),
    ]);
    return injector.get(PREDICTION_ONE_CLIENT);
  };

  it('should cancel an endless body once it passes the in-memory limit', async () => {
    const closed = sent.closed;
    const err = await lastValueFrom(of({ resultUrl: `${base}/endless/result.zip?X-Amz-Signature=abc` }).pipe(downloadResult$(client()))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toMatchObject({ limitBytes: 4 * MiB });
    await until(() => sent.closed > closed, 'the connection closed');
    // Cancelled near the limit (what is left was in socket buffers), not read on and on.
    expect(sent.bytes).toBeLessThan(64 * MiB);
  });

  it('should refuse a body whose content-length passes the limit before reading it', async () => {
    const closed = sent.closed;
    const err = await lastValueFrom(of({ resultUrl: `${base}/declared/result.zip` }).pipe(downloadResult$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    await until(() => sent.closed > closed, 'the connection closed');
    expect(sent.bytes).toBeLessThan(64 * MiB);
  });
});
