/** Feature encoding of the emulator's training. */
import { isMissing, parseDate, parseNumber, type ColumnType } from '../dataTypes';

/**
 * A column the model may learn from: where it sits in an example's cells and how to read it.
 * @internal
 */
export interface FeatureSource {
  name: string;
  index: number;
  type: ColumnType;
}

type ColumnEncoder = { source: FeatureSource; width: number; encode(cell: string, out: number[]): void };

/**
 * Turns string cells into the numeric matrix the forest needs, fitted on training rows only
 * (so no statistic of held-out rows leaks into the model):
 *
 * - integer/float: the number; missing → training mean.
 * - string: an ordinal code by training frequency (most frequent = 0); missing/unseen → -1.
 *   Ordinal rather than one-hot because ml-cart's split search is quadratic per feature, and
 *   trees split ordinal codes well enough.
 * - date: epoch seconds, month (1–12) and day of week (0–6); missing → mean / -1.
 * - text and ignore columns are never passed in (dropped by the caller).
 *
 * ## Example
 * ```ts
 * const enc = FeatureEncoder.fit([['1', 'a'], ['', 'b']], [{ name: 'x', index: 0, type: 'float' }, { name: 'c', index: 1, type: 'string' }]);
 * enc.encode([['', 'a']]); // [[1, 0]]
 * ```
 * @internal
 */
export class FeatureEncoder {
  private constructor(private readonly encoders: ColumnEncoder[]) {}

  /** Fits one encoder per source on `rows`. */
  static fit(rows: readonly string[][], sources: readonly FeatureSource[]): FeatureEncoder {
    return new FeatureEncoder(sources.map((s) => fitColumn(rows, s)));
  }

  /** For each source (in order), the matrix columns it fills: permutation importance shuffles them together. */
  get groups(): { name: string; columns: number[] }[] {
    let next = 0;
    return this.encoders.map((e) => {
      const columns = Array.from({ length: e.width }, () => next++);
      return { name: e.source.name, columns };
    });
  }

  /** Encodes rows into a dense numeric matrix. */
  encode(rows: readonly string[][]): number[][] {
    return rows.map((row) => {
      const out: number[] = [];
      for (const e of this.encoders) e.encode(row[e.source.index] ?? '', out);
      return out;
    });
  }
}

function fitColumn(rows: readonly string[][], source: FeatureSource): ColumnEncoder {
  const cells = rows.map((r) => r[source.index] ?? '');
  if (source.type === 'integer' || source.type === 'float') {
    const fill = mean(cells.map(parseNumber));
    return { source, width: 1, encode: (cell, out) => void out.push(parseNumber(cell) ?? fill) };
  }
  if (source.type === 'date') {
    const fill = mean(cells.map((c) => secondsOf(parseDate(c))));
    return {
      source,
      width: 3,
      encode: (cell, out) => {
        const ms = parseDate(cell);
        if (ms === undefined) return void out.push(fill, -1, -1);
        const d = new Date(ms);
        out.push(ms / 1000, d.getUTCMonth() + 1, d.getUTCDay());
      },
    };
  }
  const counts = new Map<string, number>();
  for (const c of cells) if (!isMissing(c)) counts.set(c.trim(), (counts.get(c.trim()) ?? 0) + 1);
  const codes = new Map([...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v], i) => [v, i]));
  return { source, width: 1, encode: (cell, out) => void out.push(codes.get(cell.trim()) ?? -1) };
}

function secondsOf(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

function mean(values: (number | undefined)[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === undefined) continue;
    sum += v;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}
