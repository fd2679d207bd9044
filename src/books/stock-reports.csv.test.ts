import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { AppError } from '../platform/errors.ts';
import { csvCell, parseStockCsv, writeCsv } from './stock-reports.csv.ts';

function failure(text: string): AppError {
  try {
    parseStockCsv(text);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseStockCsv', () => {
  it('reads rows by header name, in any column order, leaving empty optional cells out', () => {
    const { lines, rowNumbers } = parseStockCsv(
      '\uFEFFquantity,Unit, partNumber ,hsCode,customsStatus,value\r\n95,H87,P-100,851713,FOREIGN,23750.00\r\n\r\n"4.5",KGM,"P,200",,,\r\n',
    );
    expect(lines).toEqual([
      { quantity: '95', unit: 'H87', partNumber: 'P-100', hsCode: '851713', customsStatus: 'FOREIGN', value: '23750.00' },
      { quantity: '4.5', unit: 'KGM', partNumber: 'P,200' },
    ]);
    expect(rowNumbers).toEqual([2, 4]);
  });

  it('names every bad field by its line in the file', () => {
    const error = failure(
      ['partNumber,hsCode,customsStatus,quantity,unit,value', 'OK-1,851713,FOREIGN,1,H87,', ',8517,FOREIGN,1,H87,', 'P-3,851713,SMUGGLED,-4,H87,1e3'].join('\n'),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.path).sort()).toEqual(['/rows/3/hsCode', '/rows/3/partNumber', '/rows/4/customsStatus', '/rows/4/quantity', '/rows/4/value']);
  });

  it('refuses unknown, missing and repeated columns, and a file with no header', () => {
    expect(failure('part,quantity,unit\nA,1,H87').details).toEqual([
      { path: '/rows/1/0', message: expect.stringContaining('"part" is not a known column') },
      { path: '/rows/1', message: 'the column partNumber is missing' },
    ]);
    expect(failure('partNumber,quantity,unit,unit\nA,1,H87,H87').details).toEqual([{ path: '/rows/1/3', message: 'the column unit appears twice' }]);
    expect(failure('').details).toEqual([{ path: '/rows/1', message: 'a header row is required' }]);
  });

  it('names the line of a row with the wrong number of cells', () => {
    const error = failure('partNumber,quantity,unit\nA,1,H87\nB,2\n');
    expect(error.details[0]?.path).toBe('/rows/3');
  });

  it('refuses more rows than a report may hold', () => {
    const text = `partNumber,quantity,unit\n${'A,1,H87\n'.repeat(10_001)}`;
    expect(failure(text).details).toEqual([{ path: '/rows', message: 'has 10001 rows, more than 10000' }]);
  });
});

describe('writeCsv', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas, but not negative numbers', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell('@SUM')).toBe("'@SUM");
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
    const text = writeCsv(['a', 'b'], [['x\ny', 1], [null, '-3']]);
    expect(parse(text)).toEqual([['a', 'b'], ['x\ny', '1'], ['', '-3']]);
  });
});
