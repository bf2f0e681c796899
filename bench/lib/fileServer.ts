/** A tiny file server in its own process, for the download and upload benchmarks. */
/**
 * A tiny node:http server in its own process: GET serves one file (content-length set),
 * PUT drains the body and answers with the byte count. Loopback only.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const file = process.argv[2] ?? '';
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/v1/external/data-sets/upload-url')) {
    // Just enough of Train Data Upload for upload$: every URL points at this sink.
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sink`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        learn_data_set_upload_url: `${base}/learn.csv`,
        eval_data_set_upload_url: `${base}/eval.csv`,
        column_info_upload_url: `${base}/columns.csv`,
        external_process_id: 'bench',
      }),
    );
    return;
  }
  if (req.method === 'PUT') {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(String(n)));
    return;
  }
  const size = statSync(file).size;
  res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(size) });
  createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => process.exit(0));
