/** Client-side checks of a prediction API's IP rules. */
/**
 * Client-side checks of a prediction API's IP rules, so a typo fails before anything is sent.
 *
 * @packageDocumentation
 */
import { ValidationError } from './errors';
import { parseCidr } from './cidr';

/**
 * One IP rule to send: a CIDR `source` (IPv4 or IPv6, prefix required), `allow` or `deny`,
 * and an integer `priority`.
 *
 * ## Example
 * ```ts
 * const rule: ClassifierRuleInput = { source: '203.0.113.0/24', order: 'allow', priority: 1 };
 * ```
 */
export interface ClassifierRuleInput {
  readonly source: string;
  readonly order: 'allow' | 'deny';
  readonly priority: number;
}

/**
 * Every problem of a rule list, one line each (empty when the rules are valid): each rule
 * must be an object with a CIDR `source`, `order` `allow`/`deny` and an integer `priority`.
 *
 * ## Example
 * ```ts
 * classifierRuleIssues([{ source: '10.0.0.0/33', order: 'allow', priority: 1 }]);
 * // ["rules[0].source: '10.0.0.0/33' is not a CIDR block (e.g. 10.0.0.0/8 or 2001:db8::/32)"]
 * ```
 *
 * @param rules - The rules.
 * @returns The problems found.
 */
export function classifierRuleIssues(rules: unknown): string[] {
  if (!Array.isArray(rules)) return ['rules must be a list'];
  const issues: string[] = [];
  rules.forEach((rule: unknown, i) => {
    const at = `rules[${i}]`;
    if (typeof rule !== 'object' || rule === null) {
      issues.push(`${at} must be an object`);
      return;
    }
    const r = rule as Record<string, unknown>;
    if (typeof r.source !== 'string' || parseCidr(r.source) === undefined) {
      issues.push(`${at}.source: ${JSON.stringify(r.source)} is not a CIDR block (e.g. 10.0.0.0/8 or 2001:db8::/32)`.replace(/"/g, "'"));
    }
    if (r.order !== 'allow' && r.order !== 'deny') issues.push(`${at}.order must be 'allow' or 'deny', got ${JSON.stringify(r.order)}`);
    if (typeof r.priority !== 'number' || !Number.isInteger(r.priority)) {
      issues.push(`${at}.priority must be an integer, got ${JSON.stringify(r.priority)}`);
    }
  });
  return issues;
}

/**
 * Throws {@link ValidationError} listing every problem of `rules` (see {@link classifierRuleIssues}).
 *
 * ## Example
 * ```ts
 * assertClassifierRules([{ source: '127.0.0.1/32', order: 'allow', priority: 1 }]); // passes
 * ```
 *
 * @param rules - The rules.
 */
export function assertClassifierRules(rules: unknown): asserts rules is readonly ClassifierRuleInput[] {
  const issues = classifierRuleIssues(rules);
  if (issues.length > 0) throw new ValidationError('classifier rules', issues);
}
