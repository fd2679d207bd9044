import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareQuantities, dec, moneyText, quantityText, reconcileStock, type BookGroup, type ReportGroup } from './reconciliation.rules.ts';

const limits = { shareThreshold: '0.01', valueThreshold: '1000', currency: 'USD' };

const held = (partNumber: string, quantity: string, unitValue: string | null, extra: Partial<BookGroup> = {}): BookGroup => ({
  partNumber,
  hsCode: '851713',
  customsStatus: 'FOREIGN',
  unit: 'H87',
  quantity,
  unitValue,
  currency: unitValue === null ? null : 'USD',
  itemId: null,
  description: partNumber,
  ...extra,
});

const reported = (partNumber: string, quantity: string, value: string | null = null, extra: Partial<ReportGroup> = {}): ReportGroup => ({
  partNumber,
  hsCode: '851713',
  customsStatus: 'FOREIGN',
  unit: 'H87',
  quantity,
  value,
  itemId: null,
  description: null,
  ...extra,
});

describe('decimal text', () => {
  it('writes quantities without padding or exponent and money with two decimals', () => {
    expect(quantityText(dec('1.500000'))).toBe('1.5');
    expect(quantityText(dec('0.0000001'))).toBe('0');
    expect(quantityText(dec('-0'))).toBe('0');
    expect(quantityText(dec('123456789012.123456'))).toBe('123456789012.123456');
    expect(quantityText(dec(1).dividedBy(3))).toBe('0.333333');
    expect(moneyText(dec('1250.5'))).toBe('1250.50');
    expect(moneyText(dec('0.004'))).toBe('0.00');
  });
});

describe('compareQuantities', () => {
  it('flags a difference above the share threshold, and anything declared where nothing was expected', () => {
    expect(compareQuantities(dec(100), dec(101), '0.01')).toEqual({
      expected: '100',
      declared: '101',
      difference: '1',
      differenceShare: '0.01',
      flagged: false,
    });
    expect(compareQuantities(dec(100), dec('98.9'), '0.01')).toMatchObject({ difference: '-1.1', differenceShare: '-0.011', flagged: true });
    expect(compareQuantities(dec(0), dec(5), '0.01')).toMatchObject({ differenceShare: null, flagged: true });
    expect(compareQuantities(dec(0), dec(0), '0.01')).toMatchObject({ differenceShare: null, flagged: false });
    expect(compareQuantities(dec(10), dec(0), '0.01')).toMatchObject({ differenceShare: '-1', flagged: true });
  });
});

describe('reconcileStock', () => {
  it('lists shortages and overages valued at the book’s unit value, and counts what matches', () => {
    const outcome = reconcileStock(
      [held('A', '100', '10'), held('B', '50', '2.5'), held('C', '10', '7')],
      [reported('A', '90'), reported('B', '60'), reported('C', '10')],
      limits,
    );
    expect(outcome.matchedCount).toBe(1);
    expect(outcome.discrepancies).toEqual([
      expect.objectContaining({ kind: 'SHORTAGE', partNumber: 'A', bookQuantity: '100', reportedQuantity: '90', quantity: '10', share: '0.1', unitValue: '10', value: '100.00', flagged: true, flagReasons: ['SHARE'] }),
      expect.objectContaining({ kind: 'OVERAGE', partNumber: 'B', bookQuantity: '50', reportedQuantity: '60', quantity: '10', share: '0.2', value: '25.00', flagReasons: ['SHARE'] }),
    ]);
  });

  it('respects both thresholds: a share at the threshold passes, a value above it flags', () => {
    const outcome = reconcileStock(
      [held('SMALL', '1000', '1'), held('DEAR', '100000', '200'), held('EXACT', '100', '10')],
      [reported('SMALL', '990'), reported('DEAR', '99990'), reported('EXACT', '99')],
      { shareThreshold: '0.01', valueThreshold: '1000', currency: 'USD' },
    );
    const byPart = Object.fromEntries(outcome.discrepancies.map((d) => [d.partNumber, d]));
    // 10 of 1000 is exactly 1 %: not above the threshold, and worth 10.
    expect(byPart.SMALL).toMatchObject({ share: '0.01', value: '10.00', flagged: false, flagReasons: [] });
    // 10 of 100,000 is 0.01 %, but worth 2,000.
    expect(byPart.DEAR).toMatchObject({ share: '0.0001', value: '2000.00', flagged: true, flagReasons: ['VALUE'] });
    expect(byPart.EXACT).toMatchObject({ share: '0.01', value: '10.00', flagged: false });
  });

  it('always flags goods the book does not hold, valued as the report values them', () => {
    const outcome = reconcileStock([held('GONE', '0', '4')], [reported('NEW', '5', '50'), reported('GONE', '2')], limits);
    expect(outcome.discrepancies).toEqual([
      expect.objectContaining({ partNumber: 'GONE', kind: 'OVERAGE', bookQuantity: '0', share: null, unitValue: '4', value: '8.00', flagReasons: ['NOT_IN_BOOK'] }),
      expect.objectContaining({ partNumber: 'NEW', kind: 'OVERAGE', bookQuantity: '0', share: null, unitValue: '10', value: '50.00', currency: 'USD', flagReasons: ['NOT_IN_BOOK'] }),
    ]);
  });

  it('does not compare values in another currency with the threshold', () => {
    const outcome = reconcileStock([held('EUR', '1000', '100', { currency: 'EUR' })], [reported('EUR', '995')], limits);
    expect(outcome.discrepancies[0]).toMatchObject({ value: '500.00', currency: 'EUR', share: '0.005', flagged: false });
    const dear = reconcileStock([held('EUR', '1000', '1000', { currency: 'EUR' })], [reported('EUR', '995')], limits);
    expect(dear.discrepancies[0]).toMatchObject({ value: '5000.00', currency: 'EUR', flagged: false });
  });

  it('keeps goods apart by HS code, customs status and unit', () => {
    const outcome = reconcileStock(
      [held('A', '10', '1'), held('A', '5', '1', { customsStatus: 'DOMESTIC' })],
      [reported('A', '15')],
      limits,
    );
    // Five of the goods the book holds as DOMESTIC are reported as FOREIGN: a shortage and an overage, not a match.
    expect(outcome.discrepancies.map((d) => [d.customsStatus, d.kind, d.quantity])).toEqual([
      ['DOMESTIC', 'SHORTAGE', '5'],
      ['FOREIGN', 'OVERAGE', '5'],
    ]);
    expect(outcome.matchedCount).toBe(0);
  });

  it('gives each pair of quantities one discrepancy of their difference, or none when equal', () => {
    const amount = fc.integer({ min: 0, max: 10_000_000 }).map((n) => quantityText(dec(n).dividedBy(1000)));
    fc.assert(
      fc.property(amount, amount, fc.integer({ min: 0, max: 100_000 }), (book, report, cents) => {
        const unitValue = quantityText(dec(cents).dividedBy(100));
        const outcome = reconcileStock([held('X', book, unitValue)], [reported('X', report)], limits);
        const difference = dec(report).minus(book);
        if (difference.isZero()) return outcome.discrepancies.length === 0;
        const [d] = outcome.discrepancies;
        if (!d || outcome.discrepancies.length !== 1) return false;
        const share = dec(book).isZero() ? null : difference.abs().dividedBy(book);
        const value = difference.abs().times(unitValue).toDecimalPlaces(2);
        const flagged = share === null || share.greaterThan('0.01') || value.greaterThan(1000);
        return (
          d.kind === (difference.isNegative() ? 'SHORTAGE' : 'OVERAGE') &&
          dec(d.quantity).equals(difference.abs()) &&
          dec(d.value ?? -1).equals(value) &&
          d.flagged === flagged
        );
      }),
    );
  });
});
