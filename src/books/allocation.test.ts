import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { allocate, type Need, type Supply } from './allocation.ts';

const BOOK = { id: 'book-1', code: 'ST1' };

function lot(id: string, available: number, overrides: Partial<Supply> = {}): Supply {
  return {
    id,
    bookId: BOOK.id,
    lotNumber: `ST1-${id}`,
    itemId: null,
    partNumber: 'P1',
    hsCode: '851713',
    unit: 'H87',
    receiptDate: '2025-01-01',
    available: new Decimal(available),
    ...overrides,
  };
}

function need(index: number, quantity: number, overrides: Partial<Need> = {}): Need {
  return { index, lineNo: index + 1, quantity: new Decimal(quantity), unit: 'H87', lotId: null, itemId: null, partNumber: 'P1', hsCode: '851713', ...overrides };
}

const taken = (result: ReturnType<typeof allocate>) => result.allocations.map((a) => [a.lineNo, a.lotId, a.quantity.toNumber()]);

describe('allocation of lines to lots', () => {
  it('takes the oldest receipt first, then lots received the same day in creation order', () => {
    const lots = [lot('c', 10, { receiptDate: '2025-01-03' }), lot('b', 10, { receiptDate: '2025-01-01' }), lot('a', 10, { receiptDate: '2025-01-01' })];
    expect(taken(allocate([need(0, 25)], lots, BOOK))).toEqual([
      [1, 'a', 10],
      [1, 'b', 10],
      [1, 'c', 5],
    ]);
  });

  it('matches by item when the line has one, else by part number and HS code, and always by unit', () => {
    const lots = [
      lot('a', 5, { itemId: 'item-1' }),
      lot('b', 5, { partNumber: 'OTHER' }),
      lot('c', 5, { hsCode: '620342' }),
      lot('d', 5, { unit: 'KGM' }),
      lot('e', 5, { partNumber: null }),
    ];
    expect(taken(allocate([need(0, 5, { itemId: 'item-1', partNumber: 'P9' })], lots, BOOK))).toEqual([[1, 'a', 5]]);
    expect(taken(allocate([need(0, 10)], lots, BOOK))).toEqual([[1, 'a', 5]]);
    expect(allocate([need(0, 10)], lots, BOOK).errors).toEqual([{ path: '/lines/0/quantity', message: 'only 5 H87 available in book ST1' }]);
    expect(taken(allocate([need(0, 5, { partNumber: null })], lots, BOOK))).toEqual([[1, 'e', 5]]);
  });

  it('serves named lots before FIFO lines, and sums the lines of the same goods', () => {
    const lots = [lot('a', 10), lot('b', 10)];
    const result = allocate([need(0, 12), need(1, 8, { lotId: 'a' }), need(2, 2)], lots, BOOK);
    expect(result.errors).toEqual([{ path: '/lines/2/quantity', message: 'only 0 H87 available in book ST1' }]);
    expect(taken(result)).toEqual([
      [2, 'a', 8],
      [1, 'a', 2],
      [1, 'b', 10],
    ]);
  });

  it('names the lot that is missing, in another book or kept in another unit', () => {
    const lots = [lot('a', 10), lot('x', 10, { bookId: 'book-2' })];
    expect(allocate([need(0, 1, { lotId: 'zzz' }), need(1, 1, { lotId: 'x' }), need(2, 1, { lotId: 'a', unit: 'KGM' }), need(3, 11, { lotId: 'a' })], lots, BOOK).errors).toEqual([
      { path: '/lines/0/lotId', message: 'no such lot in book ST1' },
      { path: '/lines/1/lotId', message: 'no such lot in book ST1' },
      { path: '/lines/2/lotId', message: 'lot ST1-a is kept in H87, not KGM' },
      { path: '/lines/3/quantity', message: 'only 10 H87 available in lot ST1-a' },
    ]);
  });

  it('never takes more than a lot has, and covers every line exactly when it reports no error', () => {
    const supplies = fc.array(fc.record({ available: fc.integer({ min: 0, max: 50 }), day: fc.integer({ min: 1, max: 9 }) }), { maxLength: 6 });
    const needs = fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 60 }), named: fc.option(fc.nat(5), { nil: null }) }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(supplies, needs, (s, n) => {
        const lots = s.map((x, i) => lot(`l${i}`, x.available, { receiptDate: `2025-01-0${x.day}` }));
        const lines = n.map((x, i) => need(i, x.quantity, { lotId: x.named !== null && x.named < lots.length ? `l${x.named}` : null }));
        const result = allocate(lines, lots, BOOK);
        for (const l of lots) {
          const out = result.allocations.filter((a) => a.lotId === l.id).reduce((sum, a) => sum.plus(a.quantity), new Decimal(0));
          expect(out.lte(l.available)).toBe(true);
        }
        for (const a of result.allocations) expect(a.quantity.gt(0)).toBe(true);
        if (result.errors.length === 0) {
          for (const l of lines) {
            const got = result.allocations.filter((a) => a.lineNo === l.lineNo).reduce((sum, a) => sum.plus(a.quantity), new Decimal(0));
            expect(got.eq(l.quantity)).toBe(true);
          }
        }
        const total = lots.reduce((sum, l) => sum + l.available.toNumber(), 0);
        const asked = lines.reduce((sum, l) => sum + l.quantity.toNumber(), 0);
        if (asked <= total && lines.every((l) => l.lotId === null)) expect(result.errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
