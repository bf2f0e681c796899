/** Reads a result archive response through a streaming unzip: the code loaded on a result's first download. */
/**
 * Reading a result archive response through a {@link StreamingUnzip}: shared by
 * `downloadResult$` (entries in memory) and `streamResult$` (entries to a sink). They load this
 * module with a dynamic `import()` when a download starts, so the unzip (with its decoders and
 * the parsing of the result's CSVs) is a chunk of its own that an app which never reads a result
 * archive never loads (docs/PERFORMANCE.md, "Size of the browser-safe core").
 *
 * @packageDocumentation
 */
import { ResponseTooLargeError } from '../core/errors';
import { StreamingUnzip } from '../results/unzip';
import type { FetchResponse } from '../transport/fetchLike';

export { StreamingUnzip };
export { toTrainingResult } from '../results/trainingResult';

/** Progress is reported about every 1% or 256 KiB, whichever is larger, to keep UIs calm. */
const MIN_PROGRESS_STEP = 256 * 1024;

/**
 * The archive's declared size (`content-length`), refused at once when it passes `maxBytes`.
 *
 * @internal
 */
export function declaredArchiveSize(response: FetchResponse, maxBytes: number): number | undefined {
  const declared = Number(response.headers.get('content-length'));
  const total = Number.isFinite(declared) && declared > 0 ? declared : undefined;
  if (total !== undefined && total > maxBytes) throw new ResponseTooLargeError('Result archive', maxBytes);
  return total;
}

/**
 * Download progress of one archive: `update` reports about every 1% (at least every 256 KiB),
 * `flush` reports the last count if it was not reported yet.
 *
 * @internal
 */
export class ArchiveProgress {
  private readonly step: number;
  private loaded = 0;
  private reported = -1;

  constructor(
    total: number | undefined,
    private readonly report: (loaded: number) => void,
  ) {
    this.step = Math.max(MIN_PROGRESS_STEP, (total ?? 0) / 100);
  }

  update(loaded: number): void {
    this.loaded = loaded;
    if (this.reported < 0 || loaded - this.reported >= this.step) this.flush();
  }

  flush(): void {
    if (this.reported === this.loaded) return;
    this.reported = this.loaded;
    this.report(this.loaded);
  }
}

/**
 * Feeds the response body's chunks (the caller's `bodyChunks(response)`: this chunk needs
 * nothing of the transport) to `unzip` one by one and returns the checked entries (`{}` when
 * they were streamed to its `onEntry`). Reports progress from 0, fails past `maxBytes`
 * compressed, and keeps memory bounded: after each chunk it waits for an asynchronous decoder
 * to take the chunk in (a synchronous one already has: no promise, no microtask), then for
 * `afterChunk` (a sink's backpressure). On failure or cancellation (the aborted body makes the
 * loop throw) the decoders are stopped before the error goes on.
 *
 * @internal
 */
export async function readArchive(
  chunks: AsyncIterable<Uint8Array>,
  unzip: StreamingUnzip,
  maxBytes: number,
  progress: ArchiveProgress,
  afterChunk?: () => Promise<void> | void,
): Promise<Record<string, Uint8Array>> {
  try {
    let loaded = 0;
    progress.update(loaded);
    for await (const chunk of chunks) {
      loaded += chunk.byteLength;
      if (loaded > maxBytes) throw new ResponseTooLargeError('Result archive', maxBytes);
      unzip.push(chunk);
      const drained = unzip.drain();
      if (drained) await drained;
      if (afterChunk) await afterChunk();
      progress.update(loaded);
    }
    await unzip.end();
    return unzip.finish();
  } catch (err) {
    unzip.cancel();
    throw err;
  }
}
