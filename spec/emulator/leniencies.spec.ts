/** Specs: the emulator is strict unless a leniency is named. */
/**
 * Issue 20 item 8: the emulator is strict by default. Each leniency is off unless named, as a
 * `startEmulator` option and as a `p1rx emulator` flag; every case goes over real HTTP.
 * (Multi-row inference, the fourth, is covered on and off in spec/operators/predict.spec.ts.)
 */
import { connect } from 'node:net';
import { Command } from 'commander';
import { registerEmulator } from '../../lib/cli/emulatorCommand';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/emulator';
import { until } from '../helpers/wait';

const KEY = 'api-key';
const SECRET = 'secret-key-0123456789';

async function get(emulator: { url: string }, path: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emulator.url}${path}`, { headers: { 'x-api-key': key } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A chunked PUT without a length (what a streamed fetch body sends), on a raw socket; resolves with the status. */
function chunkedPut(url: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => {
      socket.end(
        `PUT ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n4\r\na,b\n\r\n0\r\n\r\n`,
      );
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

/** What each leniency changes, checked against a running emulator: true when the lenient behaviour is seen. */
const probes: Record<'allowMissingExtension' | 'allowCurlParamFile' | 'allowChunkedUploads', (e: { url: string }) => Promise<boolean>> = {
  allowMissingExtension: async (e) => {
    const res = await get(e, '/v1/external/data-sets/upload-url', KEY);
    if (res.status === 400)
      expect(res.body).toEqual({ code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', message: "Query parameter 'extension' is required." });
    else expect(String(res.body.learn_data_set_upload_url)).toMatch(/\/learn\.csv\?/);
    return res.status === 200;
  },
  allowCurlParamFile: async (e) => {
    // What `curl -G --data-urlencode filename@param.txt` sends for a param.txt of `credential_type=train`.
    const res = await get(e, `/v1/external/api-key?filename=${encodeURIComponent('credential_type=train')}`, SECRET);
    if (res.status === 400) expect(String(res.body.message)).toMatch(/credential_type/);
    return res.status === 200 && typeof res.body.api_key === 'string';
  },
  allowChunkedUploads: async (e) => {
    const urls = await get(e, '/v1/external/data-sets/upload-url?extension=csv', KEY);
    const status = await chunkedPut(String(urls.body.learn_data_set_upload_url));
    expect([200, 501]).toContain(status);
    return status === 200;
  },
};
const NAMES = Object.keys(probes) as (keyof typeof probes)[];

describe('emulator leniencies as startEmulator options', () => {
  const running: Emulator[] = [];
  const start = async (options: EmulatorOptions) => {
    const emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], secretKeys: [SECRET], ...options });
    running.push(emulator);
    return emulator;
  };
  afterAll(() => Promise.all(running.map((e) => e.close())));

  it('should refuse every lenient case by default', async () => {
    const strict = await start({});
    for (const name of NAMES) expect([name, await probes[name](strict)]).toEqual([name, false]);
  });

  it.each(NAMES)('should allow only what %s names when it is on', async (name) => {
    const lenient = await start({ [name]: true });
    for (const other of NAMES) expect([other, await probes[other](lenient)]).toEqual([other, other === name]);
  });
});

describe('p1rx emulator: one --allow-… flag per leniency', () => {
  /** Starts `p1rx emulator` in-process with `flags`; returns its URL, its banner and a stop function. */
  async function cli(flags: string[]): Promise<{ url: string; banner: string; stop: () => Promise<void> }> {
    let banner = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      banner += String(chunk);
      return true;
    });
    const before = new Set(process.listeners('SIGTERM'));
    const program = new Command('p1rx').exitOverride();
    registerEmulator(program);
    const done = program.parseAsync(['emulator', '--port', '0', '--api-key', KEY, '--secret-key', SECRET, '--training-delay', '0', ...flags], { from: 'user' });
    try {
      await Promise.race([until(() => banner.includes('Press Ctrl-C'), 'the banner'), done]);
    } finally {
      spy.mockRestore();
    }
    const stopper = process.listeners('SIGTERM').find((l) => !before.has(l)) as () => void;
    return {
      url: /listening on (\S+)/.exec(banner)![1],
      banner,
      stop: async () => {
        stopper();
        await done;
      },
    };
  }

  it('should run strict without flags, and say so', async () => {
    const emulator = await cli([]);
    try {
      expect(emulator.banner).toContain('leniencies: none (as strict as the service and S3)');
      for (const name of NAMES) expect([name, await probes[name](emulator)]).toEqual([name, false]);
    } finally {
      await emulator.stop();
    }
  });

  it('should turn on each leniency its flag names, and list the flags in the banner', async () => {
    const flags = ['--allow-missing-extension', '--allow-curl-param-file', '--allow-chunked-uploads', '--allow-multi-row-inference'];
    const emulator = await cli(flags);
    try {
      expect(emulator.banner).toContain('leniencies: --allow-multi-row-inference --allow-missing-extension --allow-curl-param-file --allow-chunked-uploads\n');
      for (const name of NAMES) expect([name, await probes[name](emulator)]).toEqual([name, true]);
    } finally {
      await emulator.stop();
    }
  });

  it('should take --presigned-url-ttl as the X-Amz-Expires of its URLs', async () => {
    const emulator = await cli(['--presigned-url-ttl', '90']);
    try {
      const urls = await get(emulator, '/v1/external/data-sets/upload-url?extension=csv', KEY);
      expect(new URL(String(urls.body.learn_data_set_upload_url)).searchParams.get('X-Amz-Expires')).toBe('90');
    } finally {
      await emulator.stop();
    }
  });
});
