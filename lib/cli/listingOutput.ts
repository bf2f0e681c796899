/** Prints a listing as its pages arrive. */
/**
 * Prints a listing (`p1rx models`, `p1rx datasets`) as its pages arrive, in flat memory.
 */
import type { CommandOutput } from './serviceFlags';

/** How one listing prints. @internal */
export interface ListingFormat<T> {
  /** One JSON line per item with `--json`, else a table. */
  readonly json: boolean;
  /** The object printed for an item with `--json` (leave out what must not be printed). */
  readonly toJson: (item: T) => unknown;
  readonly header: readonly string[];
  readonly toRow: (item: T) => readonly (string | number)[];
}

/** Rows per table block: the widths are those of the rows seen so far, so a block may widen a column. */
const BLOCK_ROWS = 200;

/**
 * Writes `items` to `out.stdout` as they come: a JSON line per item, or an aligned table
 * printed in blocks of {@link BLOCK_ROWS} rows (a column is as wide as its widest cell so far).
 * Holds at most one block, and waits for `drain` when stdout's buffer is full, so memory stays
 * flat whatever the number of pages. The async iterable asks for its next page only when this
 * loop has taken every item of the one before.
 *
 * ## Example
 * ```ts
 * await printListing(models(client), out, { json: true, toJson: (m) => m, header: ['id'], toRow: (m) => [m.model_id] });
 * ```
 * @internal
 */
export async function printListing<T>(items: AsyncIterable<T>, out: CommandOutput, format: ListingFormat<T>): Promise<void> {
  const write = async (text: string): Promise<void> => {
    const stream = out.stdout as { write(text: string): unknown; once?: (event: 'drain', listener: () => void) => unknown };
    if (stream.write(text) === false && typeof stream.once === 'function') {
      const once = stream.once.bind(stream);
      await new Promise<void>((resolve) => once('drain', resolve));
    }
  };
  if (format.json) {
    for await (const item of items) await write(`${JSON.stringify(format.toJson(item))}\n`);
    return;
  }
  const widths = format.header.map((h) => h.length);
  let block: string[][] = [];
  let headerWritten = false;
  const flush = async (): Promise<void> => {
    for (const row of block) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    const line = (row: readonly string[]): string =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
    const lines = block.map(line);
    if (!headerWritten) lines.unshift(line(format.header), widths.map((w) => '-'.repeat(w)).join('  '));
    headerWritten = true;
    block = [];
    await write(`${lines.join('\n')}\n`);
  };
  for await (const item of items) {
    block.push(format.toRow(item).map((c) => (typeof c === 'number' ? String(c) : c)));
    if (block.length >= BLOCK_ROWS) await flush();
  }
  await flush();
}
