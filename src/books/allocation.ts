// Which lots a declaration's lines draw from. Pure: given the lines that take goods out of a book
// and the lots that could supply them, it answers how much each line takes from each lot, or names
// the lines that cannot be covered. Lines naming a lot take from it first; the others take from
// the lots of the same goods and unit, oldest receipt first (FIFO), so several lines for the same
// goods share what is there instead of each counting it in full.
import { Decimal } from 'decimal.js';
import type { ErrorDetail } from '../platform/errors.ts';

/** A line that takes goods out of the book. */
export interface Need {
  /** Position of the line in the declaration (0-based), for error paths. */
  index: number;
  lineNo: number;
  quantity: Decimal;
  unit: string;
  /** The lot the line names, or null for FIFO. */
  lotId: string | null;
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
}

/** A lot that may supply the lines, with what it still has free for them. */
export interface Supply {
  id: string;
  bookId: string;
  lotNumber: string;
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  unit: string;
  receiptDate: string;
  available: Decimal;
}

export interface Allocation {
  lineNo: number;
  lotId: string;
  quantity: Decimal;
}

export interface AllocationResult {
  allocations: Allocation[];
  errors: ErrorDetail[];
}

/** Goods of a FIFO line: the same item when the line names one, else the same part number and HS code. */
export function sameGoods(need: Pick<Need, 'itemId' | 'partNumber' | 'hsCode'>, lot: Pick<Supply, 'itemId' | 'partNumber' | 'hsCode'>): boolean {
  if (need.itemId !== null) return lot.itemId === need.itemId;
  return lot.hsCode === need.hsCode && (lot.partNumber ?? null) === (need.partNumber ?? null);
}

/** Oldest receipt first; lots received the same day in the order they were created (time-ordered ids). */
export function fifoOrder(a: Pick<Supply, 'receiptDate' | 'id'>, b: Pick<Supply, 'receiptDate' | 'id'>): number {
  if (a.receiptDate !== b.receiptDate) return a.receiptDate < b.receiptDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const show = (quantity: Decimal) => quantity.toString();

export function allocate(needs: readonly Need[], supplies: readonly Supply[], book: { id: string; code: string }): AllocationResult {
  const free = new Map(supplies.map((lot) => [lot.id, lot.available]));
  const byId = new Map(supplies.map((lot) => [lot.id, lot]));
  const fifo = supplies.filter((lot) => lot.bookId === book.id).sort(fifoOrder);
  const allocations: Allocation[] = [];
  const errors: ErrorDetail[] = [];
  const take = (need: Need, lot: Supply, quantity: Decimal) => {
    if (quantity.lte(0)) return;
    allocations.push({ lineNo: need.lineNo, lotId: lot.id, quantity });
    free.set(lot.id, (free.get(lot.id) ?? new Decimal(0)).minus(quantity));
  };

  // Named lots first: those lines have no other source, FIFO lines do.
  for (const need of needs.filter((n) => n.lotId !== null)) {
    const path = `/lines/${need.index}`;
    const lot = byId.get(need.lotId as string);
    if (!lot || lot.bookId !== book.id) {
      errors.push({ path: `${path}/lotId`, message: `no such lot in book ${book.code}` });
      continue;
    }
    if (lot.unit !== need.unit) {
      errors.push({ path: `${path}/lotId`, message: `lot ${lot.lotNumber} is kept in ${lot.unit}, not ${need.unit}` });
      continue;
    }
    const available = Decimal.max(free.get(lot.id) ?? 0, 0);
    if (available.lt(need.quantity)) {
      errors.push({ path: `${path}/quantity`, message: `only ${show(available)} ${need.unit} available in lot ${lot.lotNumber}` });
    }
    take(need, lot, Decimal.min(available, need.quantity));
  }

  for (const need of needs.filter((n) => n.lotId === null)) {
    const lots = fifo.filter((lot) => lot.unit === need.unit && sameGoods(need, lot));
    const available = lots.reduce((sum, lot) => sum.plus(Decimal.max(free.get(lot.id) ?? 0, 0)), new Decimal(0));
    if (available.lt(need.quantity)) {
      errors.push({ path: `/lines/${need.index}/quantity`, message: `only ${show(available)} ${need.unit} available in book ${book.code}` });
    }
    let missing = need.quantity;
    for (const lot of lots) {
      if (missing.lte(0)) break;
      const quantity = Decimal.min(Decimal.max(free.get(lot.id) ?? 0, 0), missing);
      take(need, lot, quantity);
      missing = missing.minus(quantity);
    }
  }
  return { allocations, errors };
}
