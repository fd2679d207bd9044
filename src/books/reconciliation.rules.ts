// The rules of book control, free of I/O: decimal arithmetic and formatting, the tolerance test,
// and the comparison of a stock report with the book (shortages, overages, their value and flags).
import { Decimal } from 'decimal.js';

/**
 * Decimal arithmetic for quantities and money. Quantities carry up to 12 integer and 6 fraction
 * digits and products of them more, so the default 20 significant digits would round.
 */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
export type Dec = Decimal;

const ZERO = new Dec(0);

export const dec = (value: Decimal.Value): Decimal => new Dec(value);

/** A quantity or share as text: at most 6 decimals, no padding, never an exponent ("12.5", "0"). */
export function quantityText(value: Decimal): string {
  const rounded = value.toDecimalPlaces(6);
  return rounded.isZero() ? '0' : rounded.toFixed();
}

/** Money as text with two decimals ("1250.00"). */
export function moneyText(value: Decimal): string {
  const rounded = value.toDecimalPlaces(2);
  return rounded.isZero() ? '0.00' : rounded.toFixed(2);
}

/** Largest quantity a lot or report line holds: NUMERIC(18, 6) leaves 12 integer digits. */
export const MAX_QUANTITY = new Dec('999999999999.999999');

export interface Thresholds {
  /** Share of the expected or book quantity above which a difference is flagged ("0.01" = 1 %). */
  shareThreshold: string;
  /** Value above which a difference is flagged, in `currency`. */
  valueThreshold: string;
  /** The administration's currency: values in another currency are not compared with valueThreshold. */
  currency: string;
}

export interface Comparison {
  expected: string;
  declared: string;
  /** declared − expected. */
  difference: string;
  /** difference ÷ expected; null when nothing was expected. */
  differenceShare: string | null;
  flagged: boolean;
}

/**
 * Declared against expected quantity: flagged when the difference, as a share of the expected
 * quantity, is above the threshold, or when something is declared where nothing was expected.
 */
export function compareQuantities(expected: Decimal, declared: Decimal, shareThreshold: string): Comparison {
  const difference = declared.minus(expected);
  const share = expected.isZero() ? null : difference.dividedBy(expected);
  const flagged = share === null ? !difference.isZero() : share.abs().greaterThan(shareThreshold);
  return {
    expected: quantityText(expected),
    declared: quantityText(declared),
    difference: quantityText(difference),
    differenceShare: share === null ? null : quantityText(share),
    flagged,
  };
}

// --- stock report against book ---------------------------------------------------------------------

export const CUSTOMS_STATUSES = ['FOREIGN', 'DOMESTIC', 'PRIVILEGED_FOREIGN', 'NON_PRIVILEGED_FOREIGN', 'ZONE_RESTRICTED'] as const;
export type CustomsStatus = (typeof CUSTOMS_STATUSES)[number];

/** What identifies goods when a report is set against a book. */
export interface StockKey {
  partNumber: string | null;
  hsCode: string;
  customsStatus: string;
  unit: string;
}

export interface BookGroup extends StockKey {
  /** Balance of the lots of these goods on the date. */
  quantity: string;
  /** Weighted average unit value of the lots; null when they are kept in several currencies. */
  unitValue: string | null;
  currency: string | null;
  itemId: string | null;
  description: string | null;
}

export interface ReportGroup extends StockKey {
  quantity: string;
  /** Total value reported, when every line of these goods gave one. */
  value: string | null;
  itemId: string | null;
  description: string | null;
}

export const FLAG_REASONS = ['SHARE', 'VALUE', 'NOT_IN_BOOK'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export interface Discrepancy extends StockKey {
  kind: 'SHORTAGE' | 'OVERAGE';
  itemId: string | null;
  description: string | null;
  bookQuantity: string;
  reportedQuantity: string;
  /** The absolute difference. */
  quantity: string;
  /** quantity ÷ book quantity; null when the book holds none. */
  share: string | null;
  unitValue: string | null;
  value: string | null;
  currency: string | null;
  flagged: boolean;
  flagReasons: FlagReason[];
}

export interface ReconciliationOutcome {
  /** Goods on which book and report agree. */
  matchedCount: number;
  discrepancies: Discrepancy[];
}

export function keyOf(key: StockKey): string {
  return JSON.stringify([key.partNumber, key.hsCode, key.customsStatus, key.unit]);
}

function compareKeys(a: StockKey, b: StockKey): number {
  const fields = [
    [a.partNumber ?? '', b.partNumber ?? ''],
    [a.hsCode, b.hsCode],
    [a.customsStatus, b.customsStatus],
    [a.unit, b.unit],
  ] as const;
  for (const [x, y] of fields) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

/**
 * Sets the report against the book, goods by goods. A shortage is goods the book holds and the
 * report does not (book > report), an overage the reverse. The value of a difference is its quantity
 * times the book's weighted average unit value for those goods (or, for goods the book never held,
 * the unit value the report gives). A difference is flagged when its share of the book quantity or
 * its value (in the administration's currency) is above the threshold, and always when the book
 * holds none of the goods.
 */
export function reconcileStock(book: readonly BookGroup[], report: readonly ReportGroup[], thresholds: Thresholds): ReconciliationOutcome {
  const books = new Map(book.map((group) => [keyOf(group), group]));
  const reports = new Map(report.map((group) => [keyOf(group), group]));
  const keys: StockKey[] = [...book, ...report.filter((group) => !books.has(keyOf(group)))];
  keys.sort(compareKeys);

  let matchedCount = 0;
  const discrepancies: Discrepancy[] = [];
  for (const key of keys) {
    const held = books.get(keyOf(key));
    const reported = reports.get(keyOf(key));
    const bookQuantity = held ? dec(held.quantity) : ZERO;
    const reportedQuantity = reported ? dec(reported.quantity) : ZERO;
    if (bookQuantity.equals(reportedQuantity)) {
      if (!bookQuantity.isZero()) matchedCount += 1;
      continue;
    }
    const difference = reportedQuantity.minus(bookQuantity);
    const quantity = difference.abs();

    let unitValue: Decimal | null = null;
    let currency: string | null = null;
    if (held?.unitValue != null && held.currency !== null) {
      unitValue = dec(held.unitValue);
      currency = held.currency;
    } else if (reported?.value != null && !reportedQuantity.isZero()) {
      // Goods the book never held: the report's own valuation is all there is, in the administration's currency.
      unitValue = dec(reported.value).dividedBy(reportedQuantity);
      currency = thresholds.currency;
    }
    const value = unitValue === null ? null : quantity.times(unitValue);
    const share = bookQuantity.isZero() ? null : quantity.dividedBy(bookQuantity);

    const flagReasons: FlagReason[] = [];
    if (share === null) flagReasons.push('NOT_IN_BOOK');
    else if (share.greaterThan(thresholds.shareThreshold)) flagReasons.push('SHARE');
    if (value !== null && currency === thresholds.currency && value.toDecimalPlaces(2).greaterThan(thresholds.valueThreshold)) {
      flagReasons.push('VALUE');
    }

    discrepancies.push({
      kind: difference.isNegative() ? 'SHORTAGE' : 'OVERAGE',
      partNumber: key.partNumber,
      hsCode: key.hsCode,
      customsStatus: key.customsStatus,
      unit: key.unit,
      itemId: held?.itemId ?? reported?.itemId ?? null,
      description: held?.description ?? reported?.description ?? null,
      bookQuantity: quantityText(bookQuantity),
      reportedQuantity: quantityText(reportedQuantity),
      quantity: quantityText(quantity),
      share: share === null ? null : quantityText(share),
      unitValue: unitValue === null ? null : quantityText(unitValue),
      value: value === null ? null : moneyText(value),
      currency,
      flagged: flagReasons.length > 0,
      flagReasons,
    });
  }
  return { matchedCount, discrepancies };
}
