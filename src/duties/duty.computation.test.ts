// The duty computation on cases worked by hand: the arithmetic of each is written beside it, and the
// bill must show the same numbers, rates, bases and formulas.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { computeDuties, type AssessmentInput, type LineToAssess } from './duty.computation.ts';
import { parseRate } from './tariff.rates.ts';
import type { DutySettingsInput, ExchangeRate } from './duties.schemas.ts';

const NO_EXCISE: DutySettingsInput = { exciseBasis: 'DUTY_PAID_VALUE', excise: [] };

function line(rate: string, overrides: Partial<Omit<LineToAssess, 'rate'>> = {}): LineToAssess {
  return {
    lineNo: 1,
    hsCode: '999999',
    tariffCode: '99999999',
    quantity: '100',
    unit: 'H87',
    netMass: '120.000',
    customsValue: '1250.00',
    rate: parseRate(rate),
    ...overrides,
  };
}

function input(lines: LineToAssess[], overrides: Partial<AssessmentInput> = {}): AssessmentInput {
  return {
    currency: 'USD',
    minorUnit: 2,
    vatRate: '0',
    assessmentDate: '2026-11-26',
    declaredCurrency: 'USD',
    tariffCurrency: 'USD',
    exchangeRates: new Map(),
    settings: NO_EXCISE,
    lines,
    ...overrides,
  };
}

function assess(lines: LineToAssess[], overrides: Partial<AssessmentInput> = {}) {
  const result = computeDuties(input(lines, overrides));
  if (!result.ok) throw new Error(`not computed: ${JSON.stringify(result.errors)}`);
  return result.assessment;
}

const rates = (...list: ExchangeRate[]) => new Map(list.map((rate) => [rate.currency, rate]));

describe('customs duty', () => {
  it('ad valorem: 8.5% of the customs value', () => {
    // 8.5% × 1,250.00 = 106.25
    const { lines, duty, total } = assess([line('8.5%')]);
    expect(lines[0]?.duty).toEqual({
      amount: '106.25',
      rate: '8.5% (tariff line 99999999)',
      basis: '1,250.00 USD',
      formula: '8.5% × 1,250.00 USD',
    });
    expect({ duty, total }).toEqual({ duty: '106.25', total: '106.25' });
  });

  it('specific per kg: on the net mass, rounded half-up once for the line', () => {
    // 5.5¢/kg × 20.500 kg = 0.055 × 20.5 = 1.1275 → 1.13
    const { lines } = assess([line('5.5¢/kg', { netMass: '20.500' })]);
    expect(lines[0]?.duty).toMatchObject({ amount: '1.13', basis: '20.500 kg', formula: '5.5¢/kg × 20.500 kg' });
  });

  it('specific per kg in dollars: $1.646/kg × 1,000.000 kg = 1,646.00', () => {
    expect(assess([line('$1.646/kg', { netMass: '1000' })]).lines[0]?.duty).toMatchObject({ amount: '1646.00', formula: '$1.646/kg × 1,000.000 kg' });
  });

  it('specific per liter: on a quantity in litres, or in millilitres converted', () => {
    // 3.2¢/liter × 1,000 liter = 0.032 × 1000 = 32.00
    expect(assess([line('3.2¢/liter', { quantity: '1000', unit: 'LTR' })]).lines[0]?.duty).toMatchObject({
      amount: '32.00',
      formula: '3.2¢/liter × 1,000 liter',
    });
    // 250,000 ml ÷ 1000 = 250 liter; 0.032 × 250 = 8.00
    expect(assess([line('3.2¢/liter', { quantity: '250000', unit: 'MLT' })]).lines[0]?.duty).toMatchObject({
      amount: '8.00',
      formula: '3.2¢/liter × 250 liter (250,000 MLT ÷ 1000)',
    });
  });

  it('specific per barrel: litres ÷ 158.987294928 (42 US gallons), kept to 6 decimals', () => {
    // 1,000 l ÷ 158.987294928 = 6.28981077… → 6.289811 bbl; 0.105 × 6.289811 = 0.660430155 → 0.66
    expect(assess([line('10.5¢/bbl', { quantity: '1000', unit: 'LTR' })]).lines[0]?.duty).toMatchObject({
      amount: '0.66',
      basis: '6.289811 bbl (1,000 LTR ÷ 158.987294928)',
    });
  });

  it('specific per No. (each): on the number of pieces', () => {
    // 0.9¢ each × 1,001 = 0.009 × 1001 = 9.009 → 9.01
    expect(assess([line('0.9¢ each', { quantity: '1001', unit: 'H87' })]).lines[0]?.duty).toMatchObject({
      amount: '9.01',
      formula: '0.9¢ each × 1,001 No.',
    });
    // 68¢/head × 12 goats = 8.16; NAR (number of articles) counts as well
    expect(assess([line('68¢/head', { quantity: '12', unit: 'NAR' })]).lines[0]?.duty.amount).toBe('8.16');
  });

  it('specific per dozen and per pair', () => {
    // 2.8¢/doz. × 50 doz. = 1.40; from 100 pieces: 100 ÷ 12 = 8.333333 doz.; 0.028 × 8.333333 = 0.233333324 → 0.23
    expect(assess([line('2.8¢/doz.', { quantity: '50', unit: 'DZN' })]).lines[0]?.duty.amount).toBe('1.40');
    expect(assess([line('2.8¢/doz.', { quantity: '100', unit: 'H87' })]).lines[0]?.duty).toMatchObject({
      amount: '0.23',
      basis: '8.333333 doz. (100 H87 ÷ 12)',
    });
    // 90¢/pr. + 20%: 0.90 × 40 pr. = 36.00; 20% × 1,250.00 = 250.00; 286.00
    expect(assess([line('90¢/pr. + 20%', { quantity: '40', unit: 'PR' })]).lines[0]?.duty.amount).toBe('286.00');
  });

  it('compound: 30.5¢/kg + 8.5%', () => {
    // 0.305 × 120.000 kg = 36.60; 8.5% × 1,250.00 = 106.25; 36.60 + 106.25 = 142.85
    expect(assess([line('30.5¢/kg + 8.5%')]).lines[0]?.duty).toEqual({
      amount: '142.85',
      rate: '30.5¢/kg + 8.5% (tariff line 99999999)',
      basis: '120.000 kg; 1,250.00 USD',
      formula: '30.5¢/kg × 120.000 kg + 8.5% × 1,250.00 USD',
    });
  });

  it('compound components are summed before the line is rounded, not each rounded', () => {
    // 0.5¢/kg × 1.001 kg = 0.005005; 0.5% × 1.00 = 0.005; sum 0.010005 → 0.01
    // (rounding each first would give 0.01 + 0.01 = 0.02)
    expect(assess([line('0.5¢/kg + 0.5%', { netMass: '1.001', customsValue: '1.00' })]).lines[0]?.duty.amount).toBe('0.01');
  });

  it('rounds half-up at the minor unit', () => {
    // 0.5% × 1.00 = 0.005 → 0.01 (half-up; half-even would give 0.00)
    expect(assess([line('0.5%', { customsValue: '1.00' })]).lines[0]?.duty.amount).toBe('0.01');
    // 2.5% × 100.10 = 2.5025 → 2.50
    expect(assess([line('2.5%', { customsValue: '100.10' })]).lines[0]?.duty.amount).toBe('2.50');
    // Yen have no minor unit: 6.8% × 12,345 = 839.46 → 839
    expect(assess([line('6.8%', { customsValue: '12345' })], { currency: 'JPY', minorUnit: 0, declaredCurrency: 'JPY', tariffCurrency: 'JPY' }).lines[0]?.duty.amount).toBe('839');
    // Kuwaiti dinar have three: 6.8% × 12.345 = 0.839460 → 0.839
    expect(assess([line('6.8%', { customsValue: '12.345' })], { currency: 'KWD', minorUnit: 3, declaredCurrency: 'KWD', tariffCurrency: 'KWD' }).lines[0]?.duty.amount).toBe('0.839');
  });

  it('Free: no duty, and the formula says so', () => {
    expect(assess([line('Free')]).lines[0]?.duty).toEqual({ amount: '0.00', rate: 'Free (tariff line 99999999)', basis: '1,250.00 USD', formula: 'Free' });
  });
});

describe('VAT and excise', () => {
  it('VAT on customs value + duty + excise', () => {
    // duty 142.85 (above); VAT 5% × (1,250.00 + 142.85 + 0.00) = 5% × 1,392.85 = 69.6425 → 69.64
    const { lines, vat, total } = assess([line('30.5¢/kg + 8.5%')], { vatRate: '0.05' });
    expect(lines[0]?.vat).toEqual({ amount: '69.64', rate: '5%', basis: '1,392.85 USD', formula: '5% × (1,250.00 + 142.85 + 0.00) USD' });
    // 142.85 + 0.00 + 69.64 = 212.49
    expect({ vat, total, line: lines[0]?.total }).toEqual({ vat: '69.64', total: '212.49', line: '212.49' });
  });

  it('excise: ad valorem on the duty-paid value plus a specific amount per litre, by the longest prefix', () => {
    const settings: DutySettingsInput = {
      exciseBasis: 'DUTY_PAID_VALUE',
      excise: [
        { hsPrefix: '22', adValorem: '0.5' },
        { hsPrefix: '2204', description: 'wine', adValorem: '0.1', specific: { amount: '0.50', per: 'LTR' } },
      ],
    };
    const wine = line('30.5¢/kg + 8.5%', { tariffCode: '22042150', quantity: '100', unit: 'LTR' });
    const { lines, excise, vat, total } = assess([wine], { vatRate: '0.05', settings });
    // duty 142.85; excise 10% × (1,250.00 + 142.85) = 139.285, + 0.50 × 100 liter = 50.00 → 189.285 → 189.29
    expect(lines[0]?.excise).toEqual({
      amount: '189.29',
      rate: '10% + 0.50 USD/LTR (excise on 2204, wine)',
      basis: '1,392.85 USD; 100 LTR',
      formula: '10% × (1,250.00 + 142.85) USD + 0.50 USD/LTR × 100 LTR',
    });
    // VAT 5% × (1,250.00 + 142.85 + 189.29) = 5% × 1,582.14 = 79.107 → 79.11
    expect(lines[0]?.vat.amount).toBe('79.11');
    // 142.85 + 189.29 + 79.11 = 411.25
    expect({ excise, vat, total }).toEqual({ excise: '189.29', vat: '79.11', total: '411.25' });
  });

  it('excise on the customs value alone when the administration says so', () => {
    // 10% × 1,250.00 = 125.00 (the duty of 106.25 is not in the basis)
    const settings: DutySettingsInput = { exciseBasis: 'CUSTOMS_VALUE', excise: [{ hsPrefix: '99', adValorem: '0.1' }] };
    expect(assess([line('8.5%')], { settings }).lines[0]?.excise).toMatchObject({ amount: '125.00', formula: '10% × 1,250.00 USD' });
  });

  it('no excise when no prefix matches', () => {
    expect(assess([line('8.5%')]).lines[0]?.excise).toEqual({ amount: '0.00', rate: 'none', basis: '-', formula: 'no excise on 99999999' });
  });
});

describe('exchange rates', () => {
  it('converts a declared value at the rate valid on the assessment date, then applies the rates', () => {
    // 1,000.00 EUR × 1.0842 = 1,084.20 USD; 6.8% × 1,084.20 = 73.7256 → 73.73
    const assessment = assess([line('6.8%', { customsValue: '1000.00' })], {
      declaredCurrency: 'EUR',
      exchangeRates: rates({ currency: 'EUR', validFrom: '2026-11-01', rateToNational: '1.0842' }),
    });
    expect(assessment.lines[0]?.customsValue).toEqual({ declared: '1000.00', declaredCurrency: 'EUR', amount: '1084.20', formula: '1,000.00 EUR × 1.0842 USD/EUR = 1,084.20 USD' });
    expect(assessment.lines[0]?.duty.amount).toBe('73.73');
    expect(assessment.exchangeRates).toEqual([{ currency: 'EUR', validFrom: '2026-11-01', rateToNational: '1.0842' }]);
  });

  it('converts the specific rates of a tariff in another currency', () => {
    // National EUR, tariff in USD at 0.92: 5.5¢/kg × 100.000 kg × 0.92 = 5.06
    const assessment = assess([line('5.5¢/kg', { netMass: '100' })], {
      currency: 'EUR',
      declaredCurrency: 'EUR',
      exchangeRates: rates({ currency: 'USD', validFrom: '2026-01-01', rateToNational: '0.92' }),
    });
    expect(assessment.lines[0]?.duty).toMatchObject({ amount: '5.06', formula: '5.5¢/kg × 100.000 kg × 0.92 EUR/USD' });
  });

  it('refuses when there is no rate for the declared currency on the date', () => {
    expect(computeDuties(input([line('6.8%'), line('5%', { lineNo: 2 })], { declaredCurrency: 'EUR' }))).toEqual({
      ok: false,
      errors: [{ path: '/currency', message: 'no exchange rate for EUR on 2026-11-26' }],
    });
  });
});

describe('what is not computed', () => {
  it('names the line and the reason: a rate in words, a unit the line does not carry', () => {
    const result = computeDuties(
      input([
        line('The duty provided in the applicable subheading + 25%', { tariffCode: '99030101' }),
        line('3.2¢/liter', { lineNo: 2, tariffCode: '04014002', unit: 'KGM' }),
        line('6.8%', { lineNo: 3 }),
      ]),
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: '/lines/0/tariffCode',
          message:
            'the rate of tariff line 99030101 is not computed by Cordon ("The duty provided in the applicable subheading + 25%": the rate is not an ad valorem, specific or compound rate); customs assesses it by hand',
        },
        { path: '/lines/1/unit', message: 'the rate 3.2¢/liter of tariff line 04014002 is charged per liter; declare the quantity in LTR, MLT, MTQ' },
      ],
    });
  });

  it('asks for the unit of a specific excise rate', () => {
    const settings: DutySettingsInput = { exciseBasis: 'DUTY_PAID_VALUE', excise: [{ hsPrefix: '99', specific: { amount: '1', per: 'LPA' } }] };
    expect(computeDuties(input([line('Free')], { settings }))).toEqual({
      ok: false,
      errors: [{ path: '/lines/0/unit', message: 'the excise on 99 is charged per LPA; declare the quantity in LPA' }],
    });
  });
});

describe('totals', () => {
  it('are the sums of the rounded line amounts, and never lose a cent', () => {
    const money = fc.integer({ min: 0, max: 10_000_000_00 }).map((cents) => new Decimal(cents).dividedBy(100).toFixed(2));
    const percent = fc.integer({ min: 0, max: 500 }).map((tenths) => `${new Decimal(tenths).dividedBy(10).toFixed()}%`);
    fc.assert(
      fc.property(fc.array(fc.tuple(money, percent), { minLength: 1, maxLength: 8 }), (pairs) => {
        const assessment = assess(
          pairs.map(([value, rate], index) => line(rate, { lineNo: index + 1, customsValue: value })),
          { vatRate: '0.175' },
        );
        const sum = (pick: (l: (typeof assessment.lines)[number]) => string) =>
          assessment.lines.reduce((total, l) => total.plus(pick(l)), new Decimal(0)).toFixed(2);
        expect(assessment.duty).toBe(sum((l) => l.duty.amount));
        expect(assessment.vat).toBe(sum((l) => l.vat.amount));
        expect(assessment.total).toBe(new Decimal(assessment.duty).plus(assessment.excise).plus(assessment.vat).toFixed(2));
        for (const l of assessment.lines) expect(l.duty.amount).toMatch(/^\d+\.\d{2}$/);
      }),
      { numRuns: 200 },
    );
  });
});
