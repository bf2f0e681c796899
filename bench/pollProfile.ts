/** Diagnostic: where a poll's CPU and allocations go, the library against bench:scale's RxJS repeat loop, on the emulator. */
/**
 * Not a target bench: N trainings (emulator in manual mode, its own process) polled on a fixed
 * interval by one variant in this process, then a window in which V8's sampling heap profiler
 * counts every allocation (collected ones included) and, with CPU_PROF=1, a CPU profile is taken.
 * Prints bytes allocated per poll by allocating function (self), and writes the CPU profile.
 *
 * Run: TSX_TSCONFIG_PATH=bench/tsconfig.json npx tsx bench/pollProfile.ts
 * env: MODE=library|library-plain-repeat|rxjs-repeat (default library), N (2000), INTERVAL_MS
 * (2000), WINDOW_MS (5000), TOP (30), CPU_PROF=<file> (a .cpuprofile of the window), NO_HEAP=1
 * (CPU per poll only: the sampling heap profiler costs CPU of its own), REF_SOURCES=<dir> (the
 * library modes run another version's sources, see bench/scale.ts).
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as sleepP } from 'node:timers/promises';
import { forkEmulator } from './lib/common';
import { seedTrainings } from './lib/seed';

const MODE = process.env.MODE ?? 'library';
const N = Number(process.env.N ?? 2000);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 2000);
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 5000);
const TOP = Number(process.env.TOP ?? 30);
const STATUS_ROUTE = 'GET /v1/external/models/results';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

async function main(): Promise<void> {
  const emulator = await forkEmulator({ manual: true });
  try {
    const ids = await seedTrainings(emulator.url, emulator.apiKey, N, 64);
    const { of, defer, repeat, takeWhile, timer, switchMap } = await import('rxjs');
    let subscribe: (id: string, firstDelayMs: number) => { unsubscribe(): void };
    if (MODE === 'rxjs-repeat') {
      const { Agent, request } = await import('undici');
      const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });
      const headers = { accept: 'application/json', 'x-api-key': emulator.apiKey };
      const base = `${emulator.url}/v1/external/models/results?external_process_id=`;
      const poll = async (id: string): Promise<string> => {
        const res = await request(base + encodeURIComponent(id), { method: 'GET', headers, dispatcher });
        const body = (await res.body.json()) as { status?: string };
        if (res.statusCode !== 200 || typeof body.status !== 'string') throw new Error(`status ${res.statusCode}`);
        return body.status;
      };
      subscribe = (id, firstDelayMs) =>
        timer(firstDelayMs)
          .pipe(
            switchMap(() => defer(() => poll(id)).pipe(repeat({ delay: () => timer(INTERVAL_MS) }))),
            takeWhile((status) => status !== 'finished' && status !== 'failed'),
          )
          .subscribe({ error: (e: unknown) => console.error(e) });
    } else {
      const { bundleLibrary } = await import('./lib/bundleLibrary.mjs');
      type Bundle = typeof import('../lib/index') & typeof import('../lib/node/index') & Pick<typeof import('../lib/operators/poller'), 'pollerRun'>;
      const ref = process.env.REF_SOURCES;
      const lib = createRequire(__filename)(await (ref ? bundleLibrary(undefined, path.resolve(ref), 'library-ref') : bundleLibrary())) as Bundle;
      lib.pollerRun.mode = MODE === 'library-plain-repeat' ? 'plain' : 'hand-written';
      const client = lib.createNodeClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
      subscribe = (id, firstDelayMs) =>
        of({ externalProcessId: id })
          .pipe(lib.pollStatus$(client, { firstDelayMs, minDelayMs: INTERVAL_MS, multiplier: 1, jitter: 'none', maxWaitMs: Infinity }))
          .subscribe({ error: (e: unknown) => console.error(e) });
    }
    const subs = ids.map((id) => subscribe(id, Math.random() * INTERVAL_MS));
    await sleepP(INTERVAL_MS * 2);
    const session = new Session();
    session.connect();
    const heap = process.env.NO_HEAP !== '1';
    if (heap) {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    }
    if (process.env.CPU_PROF) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    const c0 = await emulator.count(STATUS_ROUTE);
    const cpu0 = process.cpuUsage();
    await sleepP(WINDOW_MS);
    const cpu = process.cpuUsage(cpu0);
    const polls = (await emulator.count(STATUS_ROUTE)) - c0;
    if (process.env.CPU_PROF) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(process.env.CPU_PROF, JSON.stringify(profile));
    }
    subs.forEach((s) => s.unsubscribe());
    if (!heap) {
      console.log(JSON.stringify({ mode: MODE, ref: process.env.REF_SOURCES, polls, cpuUsPerPoll: Math.round((cpu.user + cpu.system) / polls) }));
      return;
    }
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
    const bySelf = new Map<string, number>();
    let total = 0;
    const walk = (node: SamplingNode): void => {
      const cf = node.callFrame;
      const file = cf.url.replace(/^.*node_modules\//, '').replace(/^.*\//, '');
      const key = `${cf.functionName || '(anon)'} ${file}:${cf.lineNumber + 1}`;
      bySelf.set(key, (bySelf.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
      node.children.forEach(walk);
    };
    walk(profile.head);
    console.log(JSON.stringify({ mode: MODE, polls, bytesPerPoll: Math.round(total / polls), cpuUsPerPoll: Math.round((cpu.user + cpu.system) / polls) }));
    for (const [key, bytes] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(String(Math.round(bytes / polls)).padStart(6), key);
  } finally {
    await emulator.close();
  }
  process.exit(0);
}

void main();
