/** p1rx report --serve: the report page served and updated live while a batch runs. */
/**
 * `p1rx report --serve`: the report page on loopback, updated live while a batch runs.
 *
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectReportData, renderReportHtml, reportClientScript, type BatchReportOptions } from './batchReport';

/**
 * A running report server.
 *
 * ## Example
 * ```ts
 * const server = await serveReport('p1rx-batch');
 * console.log(server.url);
 * await server.close();
 * ```
 */
export interface ReportServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves the report of `outDir` on loopback: `/` is the page, `/data.json` the data read from
 * the out folder again on each request (so new result folders and records show up); the page
 * polls it every second and redraws when it changed. Only GET of those two paths is answered.
 *
 * **Errors**: the listen error (a port in use) as it comes.
 *
 * ## Example
 * ```ts
 * const server = await serveReport('p1rx-batch', { port: 0 });
 * console.log(`report at ${server.url}`);
 * ```
 *
 * @param outDir - The batch's out folder.
 * @param options - Report options, plus `port` (default 0: any free port) and `host` (a loopback address, default 127.0.0.1).
 * @returns The server.
 */
export async function serveReport(outDir: string, options: BatchReportOptions & { port?: number; host?: string } = {}): Promise<ReportServer> {
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d+\.\d+\.\d+$|^::1$|^localhost$/.test(host)) throw new Error(`the report server listens on loopback only, not ${host}`);
  const script = await reportClientScript();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (req.method !== 'GET' || (url.pathname !== '/' && url.pathname !== '/data.json')) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    collectReportData(outDir, options).then(
      (data) => {
        if (url.pathname === '/data.json') res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(data));
        else res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(renderReportHtml(data, script, { live: true }));
      },
      (err: unknown) => res.writeHead(500, { ...headers, 'content-type': 'text/plain' }).end(`cannot read ${outDir}: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
