import { describe, expect, it } from 'vitest';
import { KcsFormatError, parseKcsCsv } from './kcs.ts';

const HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';
const LINE = '97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,1,2';

describe('KCS declarations file', () => {
  it('reads a line into a feature row', () => {
    const [row] = parseKcsCsv(`${HEADER}\n${LINE}\n`);
    expect(row).toEqual({
      time: Date.UTC(2020, 0, 1),
      categorical: expect.objectContaining({ importer: 'QLRUBN9', courier: null, hs6: '440890', originCountry: 'BE', taxType: 'FEU1', taxRate: '0' }),
      numeric: { taxRate: 0, netMass: 108, itemPrice: 372254.4 },
      label: 1,
    });
  });

  it('rejects a header without a column it needs, naming it', () => {
    const header = HEADER.replace('Net Mass,', '');
    const line = LINE.replace('108.0,', '');
    expect(() => parseKcsCsv(`${header}\n${line}\n`)).toThrow(new KcsFormatError('missing column "Net Mass"'));
    expect(() => parseKcsCsv('a,b\n1,2\n')).toThrow(/missing columns "Date", "Office ID"/);
  });

  it('takes the label from an outcome column only', () => {
    expect(parseKcsCsv(`${HEADER}\n${LINE}\n`, { labelColumn: 'Critical Fraud' })[0]?.label).toBe(1);
    expect(parseKcsCsv(`${HEADER}\n${LINE.replace(/1,2$/, '1,1')}\n`, { labelColumn: 'Critical Fraud' })[0]?.label).toBe(0);
    expect(() => parseKcsCsv(`${HEADER}\n${LINE}\n`, { labelColumn: 'Item Price' })).toThrow(/unknown label column "Item Price"/);
    expect(() => parseKcsCsv(`${HEADER.replace(',Fraud,', ',Outcome,')}\n${LINE}\n`)).toThrow(/missing label column "Fraud"/);
  });

  it('names the line of a value it cannot read', () => {
    expect(() => parseKcsCsv(`${HEADER}\n${LINE.replace('2020-01-01', 'yesterday')}\n`)).toThrow(/line 2: "yesterday" is not a date/);
    expect(() => parseKcsCsv(`${HEADER}\n${LINE.replace('108.0', 'heavy')}\n`)).toThrow(/line 2: Net Mass "heavy" is not a number/);
  });
});
