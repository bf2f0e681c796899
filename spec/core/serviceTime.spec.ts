/** Specs: service timestamps read the same in every time zone. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseServiceTime } from '../../lib/core/serviceTime';
import { parseEndDate } from '../../lib/transport/credentials';
import { childScript } from '../helpers/childBundles';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const ZONELESS = ['2026-12-07 04:00:00', '2026-12-07T04:00', '2026/12/07 04:00:00.250'];

/** What a machine in `tz` makes of `inputs` (a child process: TZ is read once, when a process starts). */
async function onMachineIn(tz: string, inputs: readonly string[]): Promise<{ offsetMinutes: number; client: number[]; local: number[] }> {
  const { stdout } = await run(process.execPath, [childScript('serviceTimeChild'), ...inputs], {
    cwd: root,
    env: { ...process.env, TZ: tz },
  });
  return JSON.parse(stdout) as { offsetMinutes: number; client: number[]; local: number[] };
}

describe('parseServiceTime (issue 20 item 5)', () => {
  it("should read a zone-less end_date in Japan's +09:00", () => {
    expect(new Date(parseServiceTime('2026-12-07 04:00:00')).toISOString()).toBe('2026-12-06T19:00:00.000Z');
    expect(new Date(parseServiceTime('2026/12/07 04:00')).toISOString()).toBe('2026-12-06T19:00:00.000Z');
    expect(new Date(parseServiceTime('2026-12-07')).toISOString()).toBe('2026-12-06T15:00:00.000Z');
  });

  it('should read a timestamp that names its zone as written, and refuse a zone-less form it cannot place', () => {
    expect(parseServiceTime('2026-12-07T04:00:00Z')).toBe(Date.UTC(2026, 11, 7, 4));
    expect(parseServiceTime('2026-12-07T04:00:00+01:00')).toBe(Date.UTC(2026, 11, 7, 3));
    expect(parseServiceTime('Mon, 07 Dec 2026 04:00:00 GMT')).toBe(Date.UTC(2026, 11, 7, 4));
    expect(parseServiceTime('Dec 7 2026 04:00')).toBeNaN();
    expect(parseEndDate('Dec 7 2026 04:00')).toBe(Number.POSITIVE_INFINITY);
  });

  it('should decode a zone-less end_date to the same instant on machines in different zones', async () => {
    const [utc, losAngeles, tokyo] = await Promise.all(['UTC', 'America/Los_Angeles', 'Asia/Tokyo'].map((tz) => onMachineIn(tz, ZONELESS)));
    // The machines really are in different zones: their own Date.parse disagrees.
    expect(new Set([utc.offsetMinutes, losAngeles.offsetMinutes, tokyo.offsetMinutes]).size).toBe(3);
    expect(utc.local[0]).not.toBe(losAngeles.local[0]);
    // The client does not.
    const expected = [Date.UTC(2026, 11, 6, 19), Date.UTC(2026, 11, 6, 19), Date.UTC(2026, 11, 6, 19, 0, 0, 250)];
    for (const machine of [utc, losAngeles, tokyo]) expect(machine.client).toEqual(expected);
  });
});
