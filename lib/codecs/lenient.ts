/** Lenient building blocks of the response codecs. */
/**
 * Lenient building blocks of the response codecs: decode what real services send (a number as
 * a numeric string, an id as a number, `null` for an absent optional field, extra fields) into
 * one normalized value, and fail only on what cannot be used (docs/CONTRIBUTING.md, "Decoding").
 *
 * @packageDocumentation
 */
import * as t from 'io-ts';

/** A JSON number, or a string that is exactly one (`" 12 "`, `"0.5"`, `"1e3"`). */
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(u: unknown): number | undefined {
  if (typeof u === 'number') return Number.isFinite(u) ? u : undefined;
  if (typeof u === 'string' && NUMERIC.test(u.trim())) {
    const n = Number(u.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * A finite number, sent as a number or as a numeric string; anything else (`"abc"`, `""`,
 * `true`) fails.
 *
 * @internal
 */
export const NumberLike: t.Type<number, number, unknown> = new t.Type<number, number, unknown>(
  'number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => {
    const n = toNumber(u);
    return n === undefined ? t.failure(u, c) : t.success(n);
  },
  t.identity,
);

/**
 * An integer, sent as a number or as a numeric string (`"12"`, `"12.0"`).
 *
 * @internal
 */
export const IntegerLike: t.Type<number, number, unknown> = new t.Type<number, number, unknown>(
  'integer',
  (u): u is number => typeof u === 'number' && Number.isInteger(u),
  (u, c) => {
    const n = toNumber(u);
    return n === undefined || !Number.isInteger(n) ? t.failure(u, c) : t.success(n);
  },
  t.identity,
);

/**
 * A boolean, sent as one or as the string `"true"` / `"false"` (any case).
 *
 * @internal
 */
export const BooleanLike: t.Type<boolean, boolean, unknown> = new t.Type<boolean, boolean, unknown>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    if (typeof u === 'boolean') return t.success(u);
    if (typeof u === 'string') {
      const s = u.trim().toLowerCase();
      if (s === 'true') return t.success(true);
      if (s === 'false') return t.success(false);
    }
    return t.failure(u, c);
  },
  t.identity,
);

/**
 * A string, or a finite number read as its decimal text (a version `1` is `"1"`, an id `42`
 * is `"42"`).
 *
 * @internal
 */
export const TextLike: t.Type<string, string, unknown> = new t.Type<string, string, unknown>(
  'string',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u === 'string') return t.success(u);
    if (typeof u === 'number' && Number.isFinite(u)) return t.success(String(u));
    return t.failure(u, c);
  },
  t.identity,
);

/** The keys of `A` whose value may not be `undefined`. @internal */
export type RequiredKeys<A> = { [K in keyof A]-?: undefined extends A[K] ? never : K }[keyof A];
/** The keys of `A` that may be absent. @internal */
export type OptionalKeys<A> = Exclude<keyof A, RequiredKeys<A>>;
/** One codec per key `K` of `A`, each decoding to that field's type. @internal */
export type FieldCodecs<A, K extends keyof A> = { readonly [P in K]-?: t.Type<Exclude<A[P], undefined>, unknown, unknown> };

/**
 * The codec of the interface `A`, field by field, normalizing as it decodes:
 *
 * - an optional field that is absent or `null` is left out of the value (one typed value,
 *   `undefined`, for both);
 * - a required field that is absent or `null` fails, named by its path;
 * - fields the codec does not know are dropped (the service may add some; the value stays the
 *   typed one, and `p1rx conformance` is where extra fields are reported).
 *
 * The compiler checks the codecs against `A` exactly: every required field of `A` has a codec
 * in `required`, every optional one in `optional`, no other key is accepted, and each codec
 * decodes to its field's type. The result is a plain new object, never the input.
 *
 * @param name - The codec's name, in {@link DecodeError}s.
 * @param required - A codec per field that must be present and usable.
 * @param optional - A codec per field that may be absent or `null` (`{}` when none).
 * @internal
 */
export function struct<A>(name: string, required: FieldCodecs<A, RequiredKeys<A>>, optional: FieldCodecs<A, OptionalKeys<A>>): t.Type<A, unknown, unknown> {
  const req = Object.entries(required as Record<string, t.Mixed>);
  const opt = Object.entries(optional as Record<string, t.Mixed>);
  const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
  return new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => isObject(u) && req.every(([k, codec]) => codec.is(u[k])) && opt.every(([k, codec]) => u[k] === undefined || codec.is(u[k])),
    (u, c) => {
      if (!isObject(u)) return t.failure(u, c);
      const out: Record<string, unknown> = {};
      const errors: t.ValidationError[] = [];
      for (const [k, codec] of req) {
        const v = u[k];
        if (v === undefined || v === null) {
          errors.push({ value: v, context: t.appendContext(c, k, codec, v) });
          continue;
        }
        const r = validateAt(codec, v, c, k);
        if (r._tag === 'Left') errors.push(...r.left);
        else out[k] = r.right;
      }
      for (const [k, codec] of opt) {
        const v = u[k];
        if (v === undefined || v === null) continue;
        const r = validateAt(codec, v, c, k);
        if (r._tag === 'Left') errors.push(...r.left);
        else out[k] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    t.identity,
  );
}

/**
 * Validates the field or item `key` of a value whose context is `c`. The context of the field is
 * built only when it fails (validating again with it, for the error paths): a status poll or a
 * page of models decodes without allocating a context per field.
 */
function validateAt<A>(codec: t.Decoder<unknown, A>, v: unknown, c: t.Context, key: string): t.Validation<A> {
  const r = codec.validate(v, c);
  return r._tag === 'Right' ? r : codec.validate(v, t.appendContext(c, key, codec, v));
}

/**
 * A read-only array of `codec` items (io-ts's `readonlyArray`, with the item contexts built only
 * for a failing item).
 *
 * @internal
 */
export function listOf<A>(codec: t.Type<A, unknown, unknown>): t.Type<readonly A[], unknown, unknown> {
  return new t.Type<readonly A[], unknown, unknown>(
    `ReadonlyArray<${codec.name}>`,
    (u): u is readonly A[] => Array.isArray(u) && u.every((item) => codec.is(item)),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c);
      const out: A[] = new Array<A>(u.length);
      const errors: t.ValidationError[] = [];
      for (let i = 0; i < u.length; i++) {
        const r = validateAt(codec, u[i], c, String(i));
        if (r._tag === 'Left') errors.push(...r.left);
        else out[i] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
}

/**
 * `codec`, then a check of the decoded value's meaning: `check` returns the failing field, what
 * it must be and what it is, or `undefined` when the value is usable.
 *
 * @internal
 */
export function requiring<A>(
  codec: t.Type<A, unknown, unknown>,
  check: (a: A) => { readonly field: string; readonly expected: string; readonly actual: unknown } | undefined,
): t.Type<A, unknown, unknown> {
  return new t.Type<A, unknown, unknown>(
    codec.name,
    (u): u is A => codec.is(u) && check(u) === undefined,
    (u, c) => {
      const r = codec.validate(u, c);
      if (r._tag === 'Left') return r;
      const issue = check(r.right);
      if (issue === undefined) return r;
      const expected = new t.Type<unknown>(issue.expected, (_): _ is unknown => false, t.failure, t.identity);
      return t.failure(issue.actual, t.appendContext(c, issue.field, expected, issue.actual));
    },
    t.identity,
  );
}

/**
 * An array whose `null` items are kept as `null` (the documented `[Or(X, None)]` lists).
 *
 * @internal
 */
export function nullableItems<A>(codec: t.Type<A, unknown, unknown>): t.Type<readonly (A | null)[], unknown, unknown> {
  const item = new t.Type<A | null, unknown, unknown>(
    `${codec.name} | null`,
    (u): u is A | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    t.identity,
  );
  return listOf(item);
}
