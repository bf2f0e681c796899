/** Decoding of response bodies at the transport boundary. */
/**
 * Decoding at the transport boundary: an io-ts codec in, a value or a {@link DecodeError} out.
 * `fp-ts` `Either` never leaves this folder.
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';
import { DecodeError } from '../core/errors';

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/**
 * Turns io-ts validation errors into readable lines: `path: expected Type, got value`.
 *
 * @internal
 */
export function reportIssues(errors: t.Errors): string[] {
  return errors.map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      // Intersections and unions add numeric keys for their members, not for data.
      .filter((key, i) => key !== '' && !(i > 0 && /^\d+$/.test(key) && isCombinator(error.context[i - 1]?.type)))
      .join('.');
    const expected = error.context[error.context.length - 1]?.type.name ?? 'unknown';
    return `${path || '(root)'}: expected ${expected}, got ${describe(error.value)}`;
  });
}

function isCombinator(type: t.Decoder<unknown, unknown> | undefined): boolean {
  return type instanceof t.IntersectionType || type instanceof t.UnionType;
}

/**
 * Decodes `value` with `codec`, throwing a {@link DecodeError} that names every failing field.
 *
 * @param codec - The codec of the expected shape.
 * @param value - The parsed JSON.
 * @param rawBody - The raw text, kept (truncated) on the error.
 * @param secrets - Values to redact from the error.
 * @internal
 */
export function decodeOrThrow<C extends t.Mixed>(codec: C, value: unknown, rawBody: string, secrets: readonly (string | undefined)[] = []): t.TypeOf<C> {
  const result = codec.validate(value, rootContextOf(codec));
  // `_tag` instead of fp-ts' isLeft: fp-ts' deep imports do not resolve from native ESM.
  if (result._tag === 'Right') return result.right;
  // Failing is rare: decoded again from a root naming the value, what io-ts's `decode` reports.
  const reported = codec.decode(value);
  throw new DecodeError(codec.name, reportIssues(reported._tag === 'Left' ? reported.left : result.left), rawBody, secrets);
}

/** Per codec, the root context of a decoding: built once, not per response (io-ts's `decode` builds one per call). */
const rootContexts = new WeakMap<t.Mixed, t.Context>();

function rootContextOf(codec: t.Mixed): t.Context {
  let context = rootContexts.get(codec);
  if (context === undefined) rootContexts.set(codec, (context = [{ key: '', type: codec, actual: undefined }]));
  return context;
}
