import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvCell, csvLine } from './csv.ts';

describe('CSV writer', () => {
  it('quotes what needs quoting and nothing else', () => {
    expect(csvLine(['a', 'b c', 12, null, undefined, '-3.500000'])).toBe('a,b c,12,,,-3.500000\r\n');
    expect(csvCell('Bolts, hex')).toBe('"Bolts, hex"');
    expect(csvCell('12" pipe')).toBe('"12"" pipe"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
  });

  it('keeps spreadsheet formulas from running, but not negative numbers', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+1 555')).toBe("'+1 555");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('-12.5')).toBe('-12.5');
  });

  it('reads back as written with an RFC 4180 parser', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', '1', '.', '=', '-', '@') });
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = rows[0]?.length ?? 1;
        const table = rows.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
        const parsed: string[][] = parse(table.map((row) => csvLine(row)).join(''));
        // Cells a spreadsheet would run come back with the apostrophe that disarms them.
        const expected = table.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) && !/^-?[0-9]+(\.[0-9]+)?$/.test(cell) ? `'${cell}` : cell)));
        expect(parsed).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
