/** Specs: downloading result archives to files. */
import { deflateRawSync } from 'node:zlib';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UnzipInflate, zipSync } from 'fflate';
import { lastValueFrom, of, toArray, type Subscription } from 'rxjs';
import { ResponseTooLargeError, ResultArchiveError, ValidationError, createClient, downloadResult$, onlyResult } from '../../lib';
import { NodeInflate, createNodeClient, downloadResultToDir$, nodeZipCodec } from '../../lib/node';
import { StreamingUnzip } from '../../lib/results/unzip';
import { until } from '../helpers/wait';
import { withBadCrc } from '../helpers/zips';

const text = (s: string) => new TextEncoder().encode(s);

const madeRows = new Map<number, Uint8Array>();

/** Rows that compress well but not trivially (made once per size for the file: only read). */
function rows(n: number): Uint8Array {
  let made = madeRows.get(n);
  if (!made) {
    const lines = ['id,value,label'];
    for (let i = 0; i < n; i++) lines.push(`${i},${((i * 7919) % 1000) / 7},${i % 3 === 0 ? 'rain' : 'sun'}`);
    made = text(`${lines.join('\n')}\n`);
    madeRows.set(n, made);
  }
  return made;
}

const METRICS = 'metric,value\naccuracy,0.875\n';

let plainArchive: Uint8Array | undefined;

/** A result archive (the one without extra entries deflated once for the file; each caller gets its own copy to corrupt). */
function archive(extra: Record<string, Uint8Array> = {}): Uint8Array {
  const make = () => zipSync({ 'metrics.csv': text(METRICS), 'raw/scored.csv': rows(50_000), ...extra }, { level: 6 });
  if (Object.keys(extra).length > 0) return make();
  plainArchive ??= make();
  return plainArchive.slice();
}

describe('downloadResultToDir$', () => {
  let server: Server;
  let base: string;
  let dir: string;
  const served = new Map<string, Uint8Array>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(body.byteLength) });
      // In pieces, so the unzipper sees many chunks.
      let offset = 0;
      const next = () => {
        if (offset >= body.byteLength) return void res.end();
        const piece = body.subarray(offset, offset + 7000);
        offset += piece.byteLength;
        if (res.write(piece)) setImmediate(next);
        else res.once('drain', next);
      };
      next();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-dir-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const serve = (name: string, zip: Uint8Array) => {
    served.set(`/${name}`, zip);
    return `${base}/${name}`;
  };
  const client = (config = {}) => createNodeClient({ baseUrl: base, apiKey: 'k', retry: { maxAttempts: 1 }, ...config });
  const listAll = async (root: string): Promise<string[]> =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)));

  it('should write every entry to disk and parse the small ones', async () => {
    const resultUrl = serve('ok.zip', archive());
    const events = await lastValueFrom(
      of({ resultUrl, externalProcessId: 'e1' }).pipe(
        downloadResultToDir$(client(), (id) => path.join(dir, id!)),
        toArray(),
      ),
    );
    const last = events[events.length - 1];
    expect(last.type).toBe('completed');
    if (last.type !== 'completed') return;
    expect(last.result.metrics).toEqual([{ name: 'accuracy', value: 0.875, raw: '0.875' }]);
    expect(Object.keys(last.result.files)).toEqual(['metrics.csv']); // the big entry is on disk only
    expect(events.some((e) => e.type === 'downloadProgress')).toBe(true);
    expect((await listAll(path.join(dir, 'e1'))).sort()).toEqual(['metrics.csv', path.join('raw', 'scored.csv')]);
    expect(new Uint8Array(await readFile(path.join(dir, 'e1', 'raw', 'scored.csv')))).toEqual(rows(50_000));
  });

  it('should give the same bytes with the browser-safe codecs (fflate, JS CRC-32)', async () => {
    const resultUrl = serve('ok2.zip', archive());
    await lastValueFrom(of({ resultUrl }).pipe(downloadResultToDir$(client({ zipCodec: { inflate: UnzipInflate } }), dir, { keepInMemoryBytes: 0 })));
    expect(new Uint8Array(await readFile(path.join(dir, 'raw', 'scored.csv')))).toEqual(rows(50_000));
  });

  it('should fail a CRC-32 mismatch and remove what it wrote', async () => {
    const resultUrl = serve('badcrc.zip', withBadCrc(archive()));
    const err = await lastValueFrom(of({ resultUrl }).pipe(downloadResultToDir$(client(), dir))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResultArchiveError);
    expect((err as Error).message).toMatch(/CRC-32/);
    expect(await listAll(dir)).toEqual([]);
  });

  it('should stop a zip bomb at maxResultBytes (uncompressed) and remove what it wrote', async () => {
    const bomb = zipSync({ 'metrics.csv': text(METRICS), 'zeros.bin': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(100_000);
    const resultUrl = serve('bomb.zip', bomb);
    const err = await lastValueFrom(of({ resultUrl }).pipe(downloadResultToDir$(client({ maxResultBytes: 1024 * 1024 }), dir))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(await listAll(dir)).toEqual([]);
  });

  it.each(['../escape.csv', 'a/../../escape.csv', '/etc/evil.csv'])('should refuse the entry name %s and write nothing', async (name) => {
    const resultUrl = serve(`evil-${encodeURIComponent(name)}.zip`, archive({ [name]: text('evil') }));
    const err = await lastValueFrom(of({ resultUrl }).pipe(downloadResultToDir$(client(), path.join(dir, 'out')))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(await listAll(dir).catch(() => [])).toEqual([]);
    expect(await readdir(path.dirname(dir)).then((all) => all.includes('escape.csv'))).toBe(false);
  });

  it('should remove partial files when unsubscribed mid-download', async () => {
    const resultUrl = serve('big.zip', zipSync({ 'big.csv': rows(400_000) }, { level: 1 }));
    let sub: Subscription | undefined;
    await new Promise<void>((resolve) => {
      sub = of({ resultUrl })
        .pipe(downloadResultToDir$(client(), dir))
        .subscribe((e) => e.type === 'downloadProgress' && e.loaded > 0 && resolve());
    });
    sub?.unsubscribe();
    // Removal runs after the teardown; wait for its effect, not for a guessed time.
    await until(async () => (await listAll(dir)).length === 0, 'partial files removed');
    expect(await listAll(dir)).toEqual([]);
  });
});

describe('NodeInflate', () => {
  it('should use node:zlib on this Node', () => {
    expect(NodeInflate.native).toBe(true);
  });

  it('should unzip in memory with the same result as fflate, CRC checked', () => {
    const zip = archive();
    const a = new StreamingUnzip(1 << 30, nodeZipCodec);
    const b = new StreamingUnzip(1 << 30, { inflate: UnzipInflate });
    for (let i = 0; i < zip.length; i += 4096) {
      a.push(zip.subarray(i, i + 4096));
      b.push(zip.subarray(i, i + 4096));
    }
    expect(a.finish()).toEqual(b.finish());
  });

  it('should inflate whatever the declared size says: small buffers for a small entry, more of them when the size is wrong', () => {
    const data = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
    const deflated = deflateRawSync(data);
    for (const declared of [undefined, 0, 10, 3000, 200_000, 10_000_000]) {
      const out: Uint8Array[] = [];
      const decoder = new NodeInflate('e.csv', deflated.byteLength, declared);
      decoder.ondata = (err, chunk) => {
        if (err) throw err;
        out.push(new Uint8Array(chunk));
      };
      for (let i = 0; i < deflated.length; i += 1000) decoder.push(deflated.subarray(i, i + 1000), false);
      decoder.push(new Uint8Array(0), true);
      expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('should report a truncated entry', () => {
    const zip = archive();
    const u = new StreamingUnzip(1 << 30, nodeZipCodec);
    u.push(zip.subarray(0, Math.floor(zip.length / 2)));
    expect(() => u.finish()).toThrow(ResultArchiveError);
  });

  it('should fail a CRC-32 mismatch in memory too', () => {
    const u = new StreamingUnzip(1 << 30, nodeZipCodec);
    u.push(withBadCrc(archive()));
    expect(() => u.finish()).toThrow(/CRC-32/);
  });

  it('should be used by downloadResult$ of a Node client', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/zip' }).end(archive()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/r.zip`;
      const [fromNode, fromCore] = await Promise.all([
        lastValueFrom(of({ resultUrl: url }).pipe(downloadResult$(createNodeClient({ baseUrl: url, apiKey: 'k' })), onlyResult())),
        lastValueFrom(of({ resultUrl: url }).pipe(downloadResult$(createClient({ baseUrl: url, apiKey: 'k' })), onlyResult())),
      ]);
      expect(fromNode.files).toEqual(fromCore.files);
      expect(fromNode.metrics).toEqual([{ name: 'accuracy', value: 0.875, raw: '0.875' }]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
