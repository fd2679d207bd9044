// The rate parser on rate strings as the US HTS 2025 writes them, and on every rate of the shipped
// sample: what is computable parses into components that say what they are charged on; everything
// else keeps its text and a reason.
import { describe, expect, it } from 'vitest';
import { parseRate, type ParsedRate } from './tariff.rates.ts';
import { parseSchedule, readSample } from './tariff.schedule.ts';

const computable = (text: string) => {
  const rate = parseRate(text);
  if (!rate.computable) throw new Error(`${text} was not computable: ${rate.reason}`);
  return rate.components.map((component) =>
    component.kind === 'AD_VALOREM' ? ['%', component.percent] : [component.measure, component.amount, component.label],
  );
};

describe('parseRate', () => {
  it('reads Free', () => {
    expect(parseRate('Free')).toEqual({ computable: true, text: 'Free', free: true, components: [] });
  });

  it.each([
    ['6.8%', '6.8'],
    ['4.5%', '4.5'],
    ['26.4%', '26.4'],
    ['0.5%', '0.5'],
    ['35%', '35'],
  ])('reads the ad valorem rate %s', (text, percent) => {
    expect(computable(text)).toEqual([['%', percent]]);
  });

  it.each([
    // text, measure, amount in dollars, the unit as written
    ['1¢/kg', 'KGM', '0.01', 'kg'],
    ['5.5¢/kg', 'KGM', '0.055', 'kg'],
    ['0.7¢/kg', 'KGM', '0.007', 'kg'],
    ['$1.646/kg', 'KGM', '1.646', 'kg'],
    ['$1.055/kg', 'KGM', '1.055', 'kg'],
    ['3.2¢/liter', 'LTR', '0.032', 'liter'],
    ['0.34¢/liter', 'LTR', '0.0034', 'liter'],
    ['77.2¢/liter', 'LTR', '0.772', 'liter'],
    ['4.5¢/ liter', 'LTR', '0.045', 'liter'],
    ['10.5¢/bbl', 'BLL', '0.105', 'bbl'],
    ['52.5¢/bbl', 'BLL', '0.525', 'bbl'],
    ['0.9¢ each', 'H87', '0.009', 'No.'],
    ['24¢ each', 'H87', '0.24', 'No.'],
    ['68¢/head', 'H87', '0.68', 'head'],
    ['2.8¢/doz.', 'DZN', '0.028', 'doz.'],
    ['89.6¢/1000', 'MIL', '0.896', 'thousand'],
    ['$1.34/1000', 'MIL', '1.34', 'thousand'],
    ['39.7¢/t', 'TNE', '0.397', 't'],
    ['$1.24/t', 'TNE', '1.24', 't'],
    ['14.5¢/m2', 'MTK', '0.145', 'm²'],
    ['18.9¢/pf.liter', 'PFL', '0.189', 'pf.liter'],
  ])('reads the specific rate %s', (text, measure, amount, label) => {
    expect(computable(text)).toEqual([[measure, amount, label]]);
  });

  it.each([
    ['30.5¢/kg + 8.5%', [['KGM', '0.305', 'kg'], ['%', '8.5']]],
    ['8.8¢/kg + 20%', [['KGM', '0.088', 'kg'], ['%', '20']]],
    ['$1.104/kg + 14.9%', [['KGM', '1.104', 'kg'], ['%', '14.9']]],
    ['46.3¢/kg + 14.9%', [['KGM', '0.463', 'kg'], ['%', '14.9']]],
    ['0.8¢ each + 5.4%', [['H87', '0.008', 'No.'], ['%', '5.4']]],
    ['14¢/gross + 4.3%', [['GRO', '0.14', 'gross'], ['%', '4.3']]],
    ['20¢/thousand + 3.5%', [['MIL', '0.2', 'thousand'], ['%', '3.5']]],
    ['42.3¢/kg +8.5%', [['KGM', '0.423', 'kg'], ['%', '8.5']]],
    ['94¢/doz. + 4.6%', [['DZN', '0.94', 'doz.'], ['%', '4.6']]],
    ['90¢/pr. + 20%', [['PR', '0.9', 'pr.'], ['%', '20']]],
    ['14.5¢/m2 + 0.4%', [['MTK', '0.145', 'm²'], ['%', '0.4']]],
  ])('reads the compound rate %s', (text, expected) => {
    expect(computable(text)).toEqual(expected);
  });

  it.each([
    'The duty provided in the applicable subheading',
    'The duty provided in the applicable subheading + 25%',
    '3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less than 3.143854¢/kg',
    '8.6¢/kg on drained weight',
    '2.1¢/kg on entire contents of container',
    '1.7¢/kg on lead content',
    '3.6606¢/kg of total sugars',
    '5.1¢/clean kg',
    '80¢ each + 6% on the case + 2.8% on the strap, band or bracelet + 5.3% on the battery',
    '3.9% on the movement and case + 5.3% on the battery',
    '45¢ each + 6.4% + 2.5¢/jewel',
    '0.3¢/line/ gross + 4.6%',
    '10¢/1,000 pins + 3.5%',
    '6.5% on the entire set',
    'The rate applicable to each garment in the ensemble if separately entered',
    'No change',
    '3 percent of the fair retail value',
    'Free, under bond, as prescribed in U.S. note 2 to this subchapter',
    '',
  ])('keeps "%s" as text, not computable', (text) => {
    const rate = parseRate(text);
    expect(rate.computable).toBe(false);
    expect(rate.text).toBe(text);
    expect((rate as Extract<ParsedRate, { computable: false }>).reason).toEqual(expect.any(String));
  });

  it('names what a specific rate per an unknown quantity would need', () => {
    expect(parseRate('8.6¢/kg on drained weight')).toMatchObject({ reason: '"kg on drained weight" is not a quantity that a declaration line states' });
    expect(parseRate('The duty provided in the applicable subheading')).toMatchObject({ reason: 'the rate is not an ad valorem, specific or compound rate' });
  });
});

describe('the shipped sample', () => {
  it('has a rate on every national line of chapters 01 to 97, and Cordon computes 98% of them', async () => {
    const { schedule } = await readSample();
    const rateLines = schedule.lines.filter((line) => line.rateCode === line.code);
    expect(rateLines.length).toBe(11_414);
    expect(rateLines.every((line) => line.generalRate !== null)).toBe(true);
    const parsed = rateLines.map((line) => parseRate(line.generalRate ?? ''));
    expect(parsed.filter((rate) => rate.computable).length).toBe(11_187);
    expect(parsed.filter((rate) => rate.computable && rate.free).length).toBe(4_315);
    // A computable rate is exactly its components: nothing of the text is dropped.
    for (const rate of parsed) {
      if (!rate.computable || rate.free) continue;
      expect(rate.components.map((component) => component.text).join(' + ').replace(/\s+/g, '')).toBe(rate.text.replace(/\s+/g, ''));
    }
  });

  it('puts the rate of a statistical line on its 8-digit line, or on the 10-digit line when there is none', async () => {
    const { schedule } = await readSample();
    const byCode = new Map(schedule.lines.map((line) => [line.code, line]));
    // 0101.21.00 (purebred breeding horses) is an 8-digit line; 0101.21.00.10 (males) takes its rate.
    expect(byCode.get('01012100')).toMatchObject({ rateCode: '01012100', generalRate: 'Free' });
    expect(byCode.get('0101210010')).toMatchObject({ rateCode: '01012100', generalRate: null, units: ['No.'] });
    // 0101.30.00.00 (asses) has no 8-digit row: the 10-digit line carries the rate.
    expect(byCode.get('0101300000')).toMatchObject({ rateCode: '0101300000', generalRate: '6.8%' });
    // The description reads in context: the heading and the grouping texts above the line.
    expect(byCode.get('0101210010')?.context).toEqual(['Live horses, asses, mules and hinnies', 'Horses', 'Purebred breeding animals']);
    // Chapters 98 and 99 (special provisions, temporary additional duties) are not shipped.
    expect(schedule.lines.some((line) => line.code.startsWith('98') || line.code.startsWith('99'))).toBe(false);
  });
});

describe('parseSchedule', () => {
  it('reads the USITC export layout as well as its own', () => {
    const usitc = [
      '\ufeffHTS Number,Indent,Description,Unit of Quantity,General Rate of Duty,Special Rate of Duty',
      '"0101","0","Live horses, asses, mules and hinnies:","","",""',
      '"0101.30.00.00","1","Asses","[""No.""]","6.8%","Free (A+,AU)"',
    ].join('\r\n');
    const own = ['code,indent,description,units,general_rate', '0101,0,"Live horses, asses, mules and hinnies:",,', '0101300000,1,Asses,No.,6.8%'].join('\n');
    const expected = [{ code: '0101300000', hsCode: '010130', rateCode: '0101300000', description: 'Asses', context: ['Live horses, asses, mules and hinnies'], units: ['No.'], generalRate: '6.8%' }];
    expect(parseSchedule(usitc)).toEqual({ lines: expected, errors: [] });
    expect(parseSchedule(own)).toEqual({ lines: expected, errors: [] });
  });

  it('names every bad row and column, and keeps no line of a bad file', () => {
    const bad = ['code,indent,description,units,general_rate', '0101,x,Horses,,', '01013,1,Asses,No.,6.8%', '0101300000,1,Asses,No.,6.8%', '0101300000,1,Asses again,No.,6.8%'].join('\n');
    expect(parseSchedule(bad)).toEqual({
      lines: [],
      errors: [
        { path: '/rows/2/indent', message: 'must be a whole number from 0 to 99' },
        { path: '/rows/3/code', message: 'must have 2, 4, 6, 8 or 10 digits' },
        { path: '/rows/5/code', message: '0101300000 appears more than once' },
      ],
    });
    expect(parseSchedule('code,description\n0101,Horses\n').errors.map((error) => error.path)).toEqual(['/header/indent', '/header/units', '/header/general_rate']);
    expect(parseSchedule('code,indent,description,units,general_rate\n0101,0,Horses,,\n').errors).toEqual([
      { path: '/', message: 'the schedule has no 8- or 10-digit tariff line' },
    ]);
  });
});
