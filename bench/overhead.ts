/** Benchmark: client CPU per Train Status Check request on each transport. */
/**
 * Client overhead per poll: client CPU per Train Status Check request, through the library
 * (pollStatus$ on a finished training: one request, decode, one event) on each transport, vs a
 * raw node:http keep-alive client and a raw undici.request client. The emulator runs in its own
 * process; each client in its own process; REQUESTS requests at CONCURRENCY in flight.
 *
 * Run: npm run bench:overhead  (env: REQUESTS, CONCURRENCY)
 */
import { forkEmulator, forkTs, machine, report, round, verdict, waitFor } from './lib/common';
import { seedTrainings } from './lib/seed';

const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
type Variant = 'raw-node-http' | 'raw-undici' | 'library-undici' | 'library-crossfetch' | 'library-platform-fetch';

async function worker(variant: Variant, url: string, apiKey: string, id: string): Promise<void> {
  const path = `/v1/external/models/results?external_process_id=${encodeURIComponent(id)}`;
  let once: () => Promise<void>;
  if (variant === 'raw-node-http') {
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    once = () =>
      new Promise((resolve, reject) => {
        http
          .get(`${url}${path}`, { agent, headers: { 'x-api-key': apiKey, accept: 'application/json' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (body.status !== 'finished') reject(new Error('unexpected'));
              else resolve();
            });
          })
          .on('error', reject);
      });
  } else if (variant === 'raw-undici') {
    const { Agent, request } = await import('undici');
    const dispatcher = new Agent({ connections: CONCURRENCY, pipelining: 1 });
    once = async () => {
      const res = await request(`${url}${path}`, { headers: { 'x-api-key': apiKey, accept: 'application/json' }, dispatcher });
      const body = (await res.body.json()) as { status: string };
      if (body.status !== 'finished') throw new Error('unexpected');
    };
  } else {
    const { lastValueFrom, of } = await import('rxjs');
    const { createClient, pollStatus$ } = await import('prediction-one-rx');
    const { createNodeClient, createNodeFetch } = await import('prediction-one-rx/node');
    const client =
      variant === 'library-undici'
        ? createNodeClient({ baseUrl: url, apiKey })
        : createClient({ baseUrl: url, apiKey, fetch: variant === 'library-crossfetch' ? createNodeFetch({ maxSockets: CONCURRENCY }) : globalThis.fetch });
    once = async () => {
      const last = await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client)));
      if (last.type !== 'status' || last.status !== 'finished') throw new Error('unexpected');
    };
  }
  const runN = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < n) await once();
      }),
    );
  };
  await runN(2000); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runN(REQUESTS);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'result', ms, cpuMs: (cpu.user + cpu.system) / 1000 });
  setTimeout(() => process.exit(0), 50);
}

async function main(): Promise<void> {
  console.log('machine', machine());
  const emulator = await forkEmulator({ manual: true });
  let failed = false;
  try {
    const [id] = await seedTrainings(emulator.url, emulator.apiKey, 1);
    await emulator.advance([id], 'finished');
    const variants: Variant[] = ['raw-node-http', 'raw-undici', 'library-undici', 'library-crossfetch', 'library-platform-fetch'];
    const r: Record<string, { ms: number; cpuMs: number }> = {};
    for (const v of variants) {
      await emulator.clearLog();
      const child = forkTs(__filename, ['--worker', v, emulator.url, emulator.apiKey, id]);
      r[v] = await waitFor<{ ms: number; cpuMs: number }>(child, 'result');
      await new Promise((res) => child.once('exit', res));
      console.log(`${v}: ${((r[v].cpuMs * 1000) / REQUESTS).toFixed(1)} µs CPU/request`);
    }
    const us = (v: Variant) => (r[v].cpuMs * 1000) / REQUESTS;
    report(
      'overhead',
      variants.map((v) => ({
        client: v,
        'CPU µs/request': round(us(v), 1),
        'vs raw node:http': round(us(v) / us('raw-node-http'), 2),
        'requests/s': round((REQUESTS / r[v].ms) * 1000, 0),
      })),
      {
        setup: `${REQUESTS} Train Status Check requests (after 2000 warm-up), ${CONCURRENCY} in flight, emulator in its own process, each client in its own process; library = of({ externalProcessId }).pipe(pollStatus$(client)) on a finished training (1 request, io-ts decode, 1 event)`,
        targets: {
          'library (Node default) <= 1.5x raw node:http': verdict(us('library-undici') <= 1.5 * us('raw-node-http')),
          'Node default is the fastest library transport': verdict(us('library-undici') <= Math.min(us('library-crossfetch'), us('library-platform-fetch'))),
        },
      },
    );
  } catch (err) {
    console.error(err);
    failed = true;
  } finally {
    await emulator.close();
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3] as Variant, process.argv[4], process.argv[5], process.argv[6]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  void main();
}
