/** Specs: text encoding detection and decoding. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeCsv, detectCsvEncoding, inferColumns } from '../../lib/data';
import { csvEncodingOf } from '../../lib/cli/encodingOption';
import { DETECT_BYTES } from '../../lib/sources/textEncoding';
import { prepareSource, settleSource } from '../../lib/sources/csvSource';
import { resolveSettings } from '../../lib/core/settings';

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.join(__dirname, '..', 'fixtures', 'japanese', name)));
/** The vendor's example columns (Train Data Upload page), in the order of its column-info file. */
const VENDOR_COLUMNS = ['プレミアムサービス(予測対象)', '入会時期', '年齢', '性別', '顧客ランク', '過去購入額', 'クーポン利用回数', 'メアド登録'];
const FILES = [
  ['premium.utf8.csv', 'utf-8'],
  ['premium.utf8bom.csv', 'utf-8'],
  ['premium.sjis.csv', 'shift_jis'],
] as const;

describe('the platform decoders', () => {
  it('should include a fatal Shift_JIS TextDecoder that reads CP932 (NEC and IBM extensions)', () => {
    const decoder = new TextDecoder('shift_jis', { fatal: true });
    expect(decoder.encoding).toBe('shift_jis');
    // ① (NEC row 13) and 髙 (IBM extension) exist in CP932 only, not in JIS X 0208.
    expect(decoder.decode(Uint8Array.of(0x87, 0x40, 0xfb, 0xfc))).toBe('①髙');
  });
});

describe('detectCsvEncoding', () => {
  it.each(FILES)('should detect %s (the vendor example columns, CRLF) as %s', (file, encoding) => {
    expect(detectCsvEncoding(fixture(file))).toBe(encoding);
  });

  it('should read plain ASCII as UTF-8 and bytes that fit neither as undefined', () => {
    expect(detectCsvEncoding(new TextEncoder().encode('a,b\r\n1,2\r\n'))).toBe('utf-8');
    expect(detectCsvEncoding(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0xff, 0xff, 0x80, 0x80))).toBeUndefined();
  });

  it('should not hold a multi-byte character cut by the end of a partial sample against the data', () => {
    const utf8 = fixture('premium.utf8.csv');
    const sjis = fixture('premium.sjis.csv');
    // 'プ' is 3 bytes in UTF-8 and 2 in Shift_JIS: cut both inside their first character.
    expect(detectCsvEncoding(utf8.subarray(0, 2), false)).toBe('utf-8');
    expect(detectCsvEncoding(sjis.subarray(0, 3), false)).toBe('shift_jis');
    // As a whole file, the cut character is an error: it is not UTF-8.
    expect(detectCsvEncoding(utf8.subarray(0, 2), true)).not.toBe('utf-8');
  });

  it('should read a bounded prefix only, and not be fooled by the cut at its end', () => {
    const row = new TextEncoder().encode('年齢,性別\r\n');
    // Enough rows that DETECT_BYTES falls inside a 3-byte character, then bytes valid in neither encoding.
    const rows = Math.ceil(DETECT_BYTES / row.byteLength) + 1;
    const big = new Uint8Array(rows * row.byteLength + 2);
    for (let i = 0; i < rows; i++) big.set(row, i * row.byteLength);
    big.set([0xff, 0xff], rows * row.byteLength);
    expect(DETECT_BYTES % row.byteLength).not.toBe(0);
    expect(detectCsvEncoding(big)).toBe('utf-8');
  });
});

describe('decodeCsv', () => {
  it.each(FILES)('should decode %s to the same text, BOM dropped', (file, encoding) => {
    const { text, encoding: found } = decodeCsv(fixture(file));
    expect(found).toBe(encoding);
    expect(text).toBe(new TextDecoder().decode(fixture('premium.utf8.csv')));
    expect(text.split('\r\n')[0].split(',')).toEqual(VENDOR_COLUMNS);
  });

  it('should follow a given encoding over detection', () => {
    // The Shift_JIS file read as UTF-8: what every reader did before, names garbled with U+FFFD.
    expect(decodeCsv(fixture('premium.sjis.csv'), { encoding: 'utf-8' }).text).toContain('\uFFFD');
    expect(decodeCsv(fixture('premium.sjis.csv'), { encoding: 'shift_jis' }).text.startsWith(VENDOR_COLUMNS[0])).toBe(true);
  });

  it('should leave out a character cut by the end of an incomplete head instead of a U+FFFD', () => {
    const sjis = fixture('premium.sjis.csv');
    expect(decodeCsv(sjis.subarray(0, 3), { complete: false }).text).toBe('プ');
  });

  it('should infer the vendor example columns with the documented types from each encoding', () => {
    for (const [file] of FILES) {
      expect(inferColumns(decodeCsv(fixture(file)).text)).toEqual([
        { name: 'プレミアムサービス(予測対象)', type: 'string' },
        { name: '入会時期', type: 'date' },
        { name: '年齢', type: 'float' },
        { name: '性別', type: 'string' },
        { name: '顧客ランク', type: 'string' },
        { name: '過去購入額', type: 'float' },
        { name: 'クーポン利用回数', type: 'float' },
        { name: 'メアド登録', type: 'string' },
      ]);
    }
  });
});

describe('prepareSource', () => {
  it.each(FILES)('should decode the head of %s from bytes, a Blob and a stream, and keep the body bytes unchanged', async (file) => {
    const bytes = fixture(file);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      // Chunks of 5 bytes split multi-byte characters between chunks.
      for (let i = 0; i < bytes.byteLength; i += 5) yield bytes.subarray(i, i + 5);
    }
    for (const source of [bytes, new Blob([bytes]), chunks()]) {
      const prepared = await settleSource(await prepareSource(source, false, resolveSettings({}).spooling));
      expect(prepared.head.split('\r\n')[0].split(',')).toEqual(VENDOR_COLUMNS);
      expect(Buffer.from(prepared.body as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});

describe('csvEncodingOf (p1rx --encoding)', () => {
  it('should map the labels users write, and nothing else', () => {
    expect(['UTF8', 'utf-8', 'utf-8-sig', 'Shift_JIS', 'SJIS', 'cp932', 'MS932', 'Windows-31J'].map(csvEncodingOf)).toEqual([
      'utf-8',
      'utf-8',
      'utf-8',
      'shift_jis',
      'shift_jis',
      'shift_jis',
      'shift_jis',
      'shift_jis',
    ]);
    expect(csvEncodingOf('euc-jp')).toBeUndefined();
  });
});
