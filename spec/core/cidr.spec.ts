/** Specs: CIDR blocks. */
import { assertClassifierRules, classifierRuleIssues } from '../../lib/core/classifierRules';
import { ValidationError } from '../../lib';
import { cidrContains, parseCidr, parseIp } from '../../lib/core/cidr';
import { isAllowed } from '../../lib/emulator/ipRules';

describe('CIDR', () => {
  it.each(['0.0.0.0/0', '10.0.0.0/8', '192.168.1.7/32', '::/0', '2001:db8::/32', '::1/128', 'fe80::1:2:3:4/64', '::ffff:10.0.0.0/104', '1:2:3:4:5:6:7:8/128'])(
    'should accept %s',
    (cidr) => expect(parseCidr(cidr)).toBeDefined(),
  );

  it.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '01.2.3.4/8', '2001:db8:::/32', '1:2:3:4:5:6:7:8:9/64', '::/129', 'abc/8', '10.0.0.0/-1', ''])(
    'should refuse %s',
    (cidr) => expect(parseCidr(cidr)).toBeUndefined(),
  );

  it('should match addresses, treating IPv4-mapped IPv6 as IPv4', () => {
    expect(cidrContains(parseCidr('127.0.0.0/8')!, '127.0.0.1')).toBe(true);
    expect(cidrContains(parseCidr('127.0.0.0/8')!, '::ffff:127.0.0.1')).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, '127.0.0.1')).toBe(false);
    expect(cidrContains(parseCidr('2001:db8::/32')!, '2001:db8:ffff::1')).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/32')!, '2001:db9::1')).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, '::1')).toBe(false);
    expect(parseIp('::1')).toEqual({ version: 6, bits: 1n });
  });

  it('should report every rule problem and throw ValidationError', () => {
    expect(classifierRuleIssues([{ source: '10.0.0.0/8', order: 'allow', priority: 1 }])).toEqual([]);
    expect(classifierRuleIssues('x')).toEqual(['rules must be a list']);
    const issues = classifierRuleIssues([{ source: '10.0.0.1', order: 'permit', priority: '1' }, null]);
    expect(issues).toHaveLength(4);
    expect(() => assertClassifierRules([{ source: 'x', order: 'allow', priority: 1 }])).toThrow(ValidationError);
  });

  it('should let the first matching rule by priority decide, and deny the rest (emulator)', () => {
    const rules = [
      { source: '0.0.0.0/0', order: 'allow' as const, priority: 2 },
      { source: '127.0.0.2/32', order: 'deny' as const, priority: 1 },
    ];
    expect(isAllowed(rules, '127.0.0.1')).toBe(true);
    expect(isAllowed(rules, '127.0.0.2')).toBe(false);
    expect(isAllowed(rules, '::1')).toBe(false);
    expect(isAllowed([], '127.0.0.1')).toBe(false);
  });
});
