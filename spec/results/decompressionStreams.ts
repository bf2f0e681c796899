/** Spec helper: test doubles of DecompressionStream. */
/**
 * Test doubles for the global `DecompressionStream`: spies around the real one (what went in,
 * what came out, whether it was cancelled) and stubs for platforms without it. Each install
 * returns its restore function; call it in `afterEach`.
 */

type StreamClass = new (format: CompressionFormat) => { readonly readable: ReadableStream<Uint8Array>; readonly writable: WritableStream<Uint8Array> };

const globals = globalThis as { DecompressionStream?: unknown };

/** The real class, captured before any test replaces it. */
export const RealDecompressionStream = globals.DecompressionStream as StreamClass;

/** Puts `value` in place of the global (`undefined` removes it); returns the restore function. */
export function replaceDecompressionStream(value: unknown): () => void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'DecompressionStream');
  if (value === undefined) delete globals.DecompressionStream;
  else Object.defineProperty(globalThis, 'DecompressionStream', { value, configurable: true, writable: true });
  return () => {
    if (saved) Object.defineProperty(globalThis, 'DecompressionStream', saved);
    else delete globals.DecompressionStream;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A real `DecompressionStream` seen through counters. */
export interface StreamSpy {
  readonly format: string;
  /** Compressed bytes handed to the stream (`writer.write` calls), taken in or not. */
  submitted: number;
  /** Compressed bytes the stream took in (their writes completed). */
  taken: number;
  /** Inflated bytes read out of it. */
  produced: number;
  /** Its readable side was cancelled (what `WebInflate.terminate` does). */
  cancelled: boolean;
  /** It ended normally (the reader saw `done`). */
  ended: boolean;
}

/**
 * Replaces the global with a class that wraps the real stream and records a {@link StreamSpy}
 * per instance; `writeDelayMs` makes each write slow, as a busy decoder would be.
 */
export function spyOnDecompressionStream(options: { writeDelayMs?: number } = {}): { spies: StreamSpy[]; restore: () => void } {
  const spies: StreamSpy[] = [];
  const delay = options.writeDelayMs ?? 0;
  class SpyDecompressionStream {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;

    constructor(format: CompressionFormat) {
      const inner = new RealDecompressionStream(format);
      const spy: StreamSpy = { format, submitted: 0, taken: 0, produced: 0, cancelled: false, ended: false };
      spies.push(spy);
      const writer = inner.writable.getWriter();
      const reader = inner.readable.getReader();
      writer.closed.catch(() => undefined);
      this.writable = new WritableStream<Uint8Array>(
        {
          async write(chunk) {
            if (delay > 0) await sleep(delay);
            await writer.write(chunk);
            spy.taken += chunk.byteLength;
          },
          close: () => writer.close(),
          abort: (reason) => writer.abort(reason),
        },
        // Called as each chunk is written, before it is queued: counts what was submitted.
        { highWaterMark: 1, size: (chunk) => ((spy.submitted += chunk.byteLength), 1) },
      );
      this.readable = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            const { done, value } = await reader.read();
            if (done) {
              // A cancelled inner stream also reads as done: that is not an end.
              if (!spy.cancelled) spy.ended = true;
              controller.close();
            } else {
              spy.produced += value.byteLength;
              controller.enqueue(value);
            }
          },
          cancel(reason) {
            spy.cancelled = true;
            return reader.cancel(reason);
          },
        },
        { highWaterMark: 0 },
      );
    }
  }
  return { spies, restore: replaceDecompressionStream(SpyDecompressionStream) };
}
