/** Spec helper: a fast Jest equality tester for byte arrays. */
/**
 * A Jest equality tester for byte arrays (`Uint8Array`, `Buffer`): compares the bytes at once.
 * Jest's own deep equality walks a typed array key by key (a string per index), which costs
 * the download specs' megabyte comparisons far more CPU (docs/PERFORMANCE.md, "Test suite"). Same answer:
 * the same class (by name: a `Uint8Array` made by Node's `TextEncoder` belongs to another realm
 * than one made in a spec), length and bytes; any other pair is left to Jest. Loaded by
 * jest.config.ts (`setupFilesAfterEnv`).
 */
import { expect } from '@jest/globals';

function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]';
}

/** `true`/`false` for two byte arrays of the same class, `undefined` (Jest decides) otherwise. */
export function byteArraysEqual(a: unknown, b: unknown): boolean | undefined {
  if (!isBytes(a) || !isBytes(b) || a.constructor.name !== b.constructor.name) return undefined;
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

expect.addEqualityTesters([byteArraysEqual]);
