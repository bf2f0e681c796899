/** Spec helper: everything a user could print of a value, to look for secrets. */
import { format, inspect } from 'node:util';

/**
 * How a user prints a value: `String`, `util.inspect` (what `console.log` shows), `JSON.stringify`
 * (structured logs) and `%o` (console's detailed form, hidden fields too).
 */
export function printed(value: unknown): Record<string, string> {
  return {
    String: String(value),
    'util.inspect': inspect(value, { depth: Infinity }),
    'JSON.stringify': JSON.stringify(value) ?? '',
    'console %o': format('%o', value),
  };
}

/** What must never be printed, beyond the clients' own keys: S3 signing material in any form. */
const LEAKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['a 40+ hex run (signature, digest)', /[0-9a-f]{40,}/i],
  ['an AWS access key id', /(?:AKIA|ASIA)[A-Z0-9]{16}/],
  ['a signature parameter', /X-Amz-Signature=(?!\[REDACTED\])/i],
  ['a credential parameter', /X-Amz-Credential=(?!\[REDACTED\])/i],
  ['a credential scope', /aws4_request/],
  ['StringToSign', /<StringToSign>(?!\[REDACTED\])/],
  ['CanonicalRequest', /<CanonicalRequest>(?!\[REDACTED\])/],
  ['SignatureProvided', /<SignatureProvided>(?!\[REDACTED\])/],
  ['a signed string', /AWS4-HMAC-SHA256(\\n|\n)/],
  ['an access key element', /<AWSAccessKeyId>(?!\[REDACTED\])/],
];

/**
 * Every place a secret shows in {@link printed} forms of `value`, as "how: what" lines (empty
 * when nothing leaks): the given secrets, and S3 signing material in any form.
 */
export function leaks(value: unknown, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [how, text] of Object.entries(printed(value))) {
    for (const secret of secrets) if (secret.length >= 6 && text.includes(secret)) found.push(`${how}: the secret '${secret.slice(0, 6)}…'`);
    for (const [what, pattern] of LEAKS) if (pattern.test(text)) found.push(`${how}: ${what} (${pattern.exec(text)?.[0]})`);
  }
  return found;
}
