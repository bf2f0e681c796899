/** Parsing and matching of IPv4 and IPv6 CIDR blocks. */
/**
 * CIDR blocks (IPv4 and IPv6): parsing, validation and matching. Browser-safe; the emulator
 * uses the same code to enforce a classifier's rules.
 *
 * @packageDocumentation
 */

/**
 * A parsed CIDR block: the address as a 32- or 128-bit integer and its prefix length.
 *
 * ## Example
 * ```ts
 * const block: Cidr = parseCidr('10.0.0.0/8')!; // { version: 4, bits: 167772160n, prefix: 8 }
 * ```
 */
export interface Cidr {
  readonly version: 4 | 6;
  readonly bits: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) fills the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    tail4 = parseIpv4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) n = (n & ~0xffffffffn) | tail4;
  return n;
}

/**
 * Parses an IP address (v4 dotted quad, or v6 with `::` compression and an optional IPv4
 * tail). IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`, as Node reports dual-stack peers)
 * come back as IPv4.
 *
 * ## Example
 * ```ts
 * parseIp('::ffff:127.0.0.1'); // { version: 4, bits: 2130706433n }
 * ```
 *
 * @param text - The address.
 * @returns The address, or `undefined` when it is not one.
 */
export function parseIp(text: string): { version: 4 | 6; bits: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, bits: v4 };
  const v6 = text.includes(':') ? parseIpv6(text.replace(/%.*$/, '')) : undefined;
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { version: 4, bits: v6 & 0xffffffffn };
  return { version: 6, bits: v6 };
}

/**
 * Parses `address/prefix`. The prefix is required (0–32 for IPv4, 0–128 for IPv6); host bits
 * beyond the prefix are allowed and ignored, as most firewalls do.
 *
 * ## Example
 * ```ts
 * parseCidr('192.168.0.0/16')?.prefix; // 16
 * parseCidr('192.168.0.0'); // undefined (no prefix)
 * ```
 *
 * @param text - The CIDR block.
 * @returns The block, or `undefined` when the text is not a CIDR block.
 */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const prefix = Number(match[2]);
  const v4 = parseIpv4(match[1]);
  if (v4 !== undefined) return prefix <= 32 ? { version: 4, bits: v4, prefix } : undefined;
  const v6 = match[1].includes(':') ? parseIpv6(match[1]) : undefined;
  return v6 !== undefined && prefix <= 128 ? { version: 6, bits: v6, prefix } : undefined;
}

/**
 * Whether `ip` lies in `block` (an IPv4 block never matches an IPv6 address and vice versa,
 * except IPv4-mapped IPv6 addresses, which count as IPv4).
 *
 * ## Example
 * ```ts
 * cidrContains(parseCidr('127.0.0.0/8')!, '127.0.0.1'); // true
 * ```
 *
 * @param block - A parsed block.
 * @param ip - An address.
 * @returns True when the address is inside the block.
 */
export function cidrContains(block: Cidr, ip: string): boolean {
  const addr = parseIp(ip);
  if (!addr || addr.version !== block.version) return false;
  const width = block.version === 4 ? 32n : 128n;
  const shift = width - BigInt(block.prefix);
  return addr.bits >> shift === block.bits >> shift;
}
