/** Detection and decoding of the text encodings CSV files come in. */
/**
 * The text encodings CSV files come in (UTF-8, with or without a BOM, and Shift_JIS/CP932, the
 * usual encoding of Japanese business CSVs saved by Excel), detected from a bounded prefix and
 * decoded with the platform's WHATWG `TextDecoder` (Node 20 with its default full ICU, every
 * browser): no decoding library is needed.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../core/errors';

/**
 * A CSV text encoding: `utf-8` (a BOM, when present, is skipped) or `shift_jis` (the WHATWG
 * Encoding Standard's Shift_JIS, which is Windows code page 932: it decodes the NEC and IBM
 * extensions such as `①` and `髙`).
 *
 * ## Example
 * ```ts
 * const encoding: CsvEncoding = 'shift_jis';
 * ```
 */
export type CsvEncoding = 'utf-8' | 'shift_jis';

/** How many bytes detection reads at most: the head column inference reads. @internal */
export const DETECT_BYTES = 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
}

function decoder(encoding: CsvEncoding, fatal: boolean): TextDecoder {
  try {
    return new TextDecoder(encoding, { fatal });
  } catch {
    // A runtime built without ICU's legacy encodings (Node's `--with-intl=small-icu`).
    throw new ValidationError('text encoding', [`this JavaScript runtime cannot decode ${encoding} (its TextDecoder lacks it)`]);
  }
}

/** Whether `sample` is valid `encoding`; a character cut by the end of an incomplete sample is allowed. */
function fits(encoding: CsvEncoding, sample: Uint8Array, complete: boolean): boolean {
  try {
    // `stream: true` holds back a multi-byte character cut by the sample's end instead of failing on it.
    decoder(encoding, true).decode(sample, { stream: !complete });
    return true;
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    return false;
  }
}

/**
 * Detects the encoding of CSV bytes from their first MiB at most: a UTF-8 BOM
 * or valid UTF-8 (plain ASCII included) is `utf-8`; else valid Shift_JIS is `shift_jis`; else
 * `undefined` (binary data, or another encoding). UTF-8 is tried first because its grammar is
 * strict: Japanese Shift_JIS text is almost never valid UTF-8, while UTF-8 Japanese text is
 * often valid Shift_JIS.
 *
 * ## Example
 * ```ts
 * detectCsvEncoding(new TextEncoder().encode('年齢\r\n30\r\n')); // 'utf-8'
 * detectCsvEncoding(Uint8Array.of(0x94, 0x4e, 0x97, 0xee, 0x0d, 0x0a)); // 'shift_jis' (年齢 CRLF)
 * ```
 *
 * @param bytes - The data, or its first part.
 * @param complete - Whether `bytes` is the whole data (default `true`); if not, a character cut
 *   at its end is not held against it.
 * @returns The encoding, or `undefined` when the bytes are neither.
 */
export function detectCsvEncoding(bytes: Uint8Array, complete = true): CsvEncoding | undefined {
  if (hasUtf8Bom(bytes)) return 'utf-8';
  const cut = bytes.byteLength > DETECT_BYTES;
  const sample = cut ? bytes.subarray(0, DETECT_BYTES) : bytes;
  const whole = complete && !cut;
  if (fits('utf-8', sample, whole)) return 'utf-8';
  if (fits('shift_jis', sample, whole)) return 'shift_jis';
  return undefined;
}

/**
 * CSV bytes decoded to text: with `encoding`, or the detected one ({@link detectCsvEncoding}).
 * A UTF-8 BOM is dropped. Bytes that fit no encoding are read as UTF-8 with U+FFFD for each bad
 * byte (so checks can tell binary data apart). When `complete` is false, a character cut by the
 * end of `bytes` is left out rather than turned into U+FFFD.
 *
 * **Errors**: {@link ValidationError} when the runtime has no decoder for the encoding.
 *
 * ## Example
 * ```ts
 * decodeCsv(Uint8Array.of(0x94, 0x4e, 0x97, 0xee, 0x0d, 0x0a)); // { text: '年齢\r\n', encoding: 'shift_jis' }
 * decodeCsv(bytes, { encoding: 'utf-8' }); // no detection
 * ```
 *
 * @param bytes - The data, or its first part.
 * @param options - `encoding` overrides detection; `complete` (default `true`) says whether
 *   `bytes` is the whole data.
 * @returns The text and the encoding it was read with (`undefined` when none fits and
 *   `encoding` was not given).
 */
export function decodeCsv(
  bytes: Uint8Array,
  options: { readonly encoding?: CsvEncoding; readonly complete?: boolean } = {},
): { text: string; encoding: CsvEncoding | undefined } {
  const complete = options.complete ?? true;
  const encoding = options.encoding ?? detectCsvEncoding(bytes, complete);
  // `ignoreBOM: false` (the default) drops a leading UTF-8 BOM.
  const text = decoder(encoding ?? 'utf-8', false).decode(bytes, { stream: !complete });
  return { text, encoding };
}
