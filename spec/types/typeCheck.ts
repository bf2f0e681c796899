/** Compile-time assertions for the type-level specs. */
/**
 * Compile-time assertions, checked by `npm run typecheck` (tsc over spec/) and by
 * spec/types/types.spec.ts: a wrong type is a compile error, so the spec cannot pass by accident.
 */

/** True when `A` and `B` are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only for `true`. */
export type Expect<T extends true> = T;

/** Asserts at compile time that `value` has exactly type `T`: `expectType<string>()(job.key)`. */
export const expectType =
  <T>() =>
  <V>(value: V & (Equal<V, T> extends true ? unknown : never)): V =>
    value;
