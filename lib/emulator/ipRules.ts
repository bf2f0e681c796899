/** The IP rules of the emulator's classifiers. */
import { cidrContains, parseCidr } from '../core/cidr';

/**
 * One IP rule of a classifier, as stored.
 * @internal
 */
export interface IpRule {
  source: string;
  order: 'allow' | 'deny';
  priority: number;
}

/**
 * Whether `ip` may call a classifier. The documentation names the rule fields but not how they
 * combine; the emulator's choice (a common firewall one): rules are tried by ascending
 * `priority` (1 before 2), the first whose CIDR `source` contains the address decides, and an
 * address no rule matches is denied (so an empty rule list lets nobody in).
 *
 * ## Example
 * ```ts
 * isAllowed([{ source: '127.0.0.0/8', order: 'allow', priority: 1 }], '::ffff:127.0.0.1'); // true
 * ```
 * @internal
 */
export function isAllowed(rules: readonly IpRule[], ip: string | undefined): boolean {
  if (ip === undefined) return false;
  const sorted = [...rules].sort((a, b) => a.priority - b.priority);
  for (const rule of sorted) {
    const block = parseCidr(rule.source);
    if (block && cidrContains(block, ip)) return rule.order === 'allow';
  }
  return false;
}
