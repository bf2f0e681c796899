/** Specs: column type inference. */
import { ValidationError } from '../../lib/core/errors';
import { checkColumns, columnInfoCsv, inferColumns } from '../../lib/sources/columns';

describe('inferColumns', () => {
  it('should read the comma only: a semicolon-separated header is one column, never guessed', () => {
    expect(inferColumns('a;b;c\n1;2;3\n')).toEqual([{ name: 'a;b;c', type: 'string' }]);
    expect(inferColumns('a\tb\n1\t2\n')).toEqual([{ name: 'a\tb', type: 'string' }]);
  });

  it('should detect float, date and string columns, integers as float (the documented types only)', () => {
    const csv = 'id,price,day,city,when\n1,1.5,2012-01-01,Tokyo,2012/01/01 10:00\n2,-3,2012-01-02,Osaka,2012/01/02 11:30:00\n';
    expect(inferColumns(csv)).toEqual([
      { name: 'id', type: 'float' },
      { name: 'price', type: 'float' },
      { name: 'day', type: 'date' },
      { name: 'city', type: 'string' },
      { name: 'when', type: 'date' },
    ]);
  });

  it('should ignore missing values and read quoted fields with commas', () => {
    const csv = '\uFEFFa,b\n1,"x, y"\n,"z"\n3,""\n';
    expect(inferColumns(csv)).toEqual([
      { name: 'a', type: 'float' },
      { name: 'b', type: 'string' },
    ]);
  });

  it('should not read a cut last line of a partial head', () => {
    const head = 'a,b\n1,2\n3,4\n5,x';
    expect(inferColumns(head, false)).toEqual([
      { name: 'a', type: 'float' },
      { name: 'b', type: 'float' },
    ]);
    expect(inferColumns(head, true)[1].type).toBe('string');
  });

  it("should type the vendor example's integer column 年齢 float, as its column-info file does", () => {
    const csv = 'プレミアムサービス(予測対象),入会時期,年齢\r\n購入あり,2019/04/01,34\r\n購入なし,2020/01/15,58\r\n';
    expect(inferColumns(csv)).toEqual([
      { name: 'プレミアムサービス(予測対象)', type: 'string' },
      { name: '入会時期', type: 'date' },
      { name: '年齢', type: 'float' },
    ]);
  });

  it('should reject duplicate and empty header names', () => {
    expect(() => inferColumns('a,a\n1,2\n')).toThrow(ValidationError);
    expect(() => inferColumns('a,,c\n1,2,3\n')).toThrow(/column 2 has an empty name/);
    expect(() => inferColumns('')).toThrow(/no header/);
  });
});

describe('checkColumns', () => {
  it('should accept specs that cover the header exactly', () => {
    expect(() =>
      checkColumns(
        [
          { name: 'a', type: 'float' },
          { name: 'b', type: 'ignore' },
        ],
        ['a', 'b'],
      ),
    ).not.toThrow();
  });

  it('should name missing, extra and mistyped columns', () => {
    try {
      checkColumns(
        [
          { name: 'a', type: 'number' as never },
          { name: 'z', type: 'string' },
        ],
        ['a', 'b'],
      );
      throw new Error('expected a ValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues).toEqual([
        "column 'a': type must be one of string, integer, float, date, text, ignore",
        "no type given for 'b'",
        "'z' not in the data's header",
      ]);
    }
  });
});

describe('columnInfoCsv', () => {
  it('should write the documented header with a BOM', () => {
    expect(
      columnInfoCsv([
        { name: 'a', type: 'float' },
        { name: 'b, c', type: 'string' },
      ]),
    ).toBe('\uFEFFcolumn_name,column_type\na,float\n"b, c",string\n');
  });
});
