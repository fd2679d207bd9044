// The annual reconciliation report of a book, as customs audits it: for every lot, the opening
// balance, the year's receipts, removals and adjustments, and the closing balance, in quantity and
// value, with totals. opening + receipts − removals + adjustments = closing holds for every lot.
import type { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import { annualReportRepository as repo, type AnnualLotRow } from './annual-report.repository.ts';
import type { AnnualReport } from './annual-report.schemas.ts';
import { dec, moneyText, quantityText } from './reconciliation.rules.ts';
import { writeCsv, type CsvValue } from './stock-reports.csv.ts';

export interface AnnualReportDeps {
  db: Db;
  clock: Clock;
  registry: RegistryService;
}

const PARTS = ['opening', 'receipts', 'removals', 'adjustments', 'closing'] as const;
type Part = (typeof PARTS)[number];
type Sums = Record<Part, { quantity: Decimal; value: Decimal }>;

function sumsOf(row: AnnualLotRow): Sums {
  return {
    opening: { quantity: dec(row.opening_quantity), value: dec(row.opening_value) },
    receipts: { quantity: dec(row.receipts_quantity), value: dec(row.receipts_value) },
    removals: { quantity: dec(row.removals_quantity), value: dec(row.removals_value) },
    adjustments: { quantity: dec(row.adjustments_quantity), value: dec(row.adjustments_value) },
    closing: { quantity: dec(row.closing_quantity), value: dec(row.closing_value) },
  };
}

/** opening + receipts − removals + adjustments = closing, for quantity and value. */
export function isBalanced(sums: Sums): boolean {
  return (['quantity', 'value'] as const).every((measure) =>
    sums.opening[measure].plus(sums.receipts[measure]).minus(sums.removals[measure]).plus(sums.adjustments[measure]).equals(sums.closing[measure]),
  );
}

function present(sums: Sums) {
  const out = {} as Record<Part, { quantity: string; value: string }>;
  for (const part of PARTS) out[part] = { quantity: quantityText(sums[part].quantity), value: moneyText(sums[part].value) };
  return out;
}

const CSV_HEADER = [
  'lotNumber',
  'kind',
  'partNumber',
  'hsCode',
  'description',
  'customsStatus',
  'originCountry',
  'receiptDate',
  'unit',
  'currency',
  ...PARTS.flatMap((part) => [`${part}Quantity`, `${part}Value`]),
];

export function createAnnualReportService(deps: AnnualReportDeps) {
  const { db, clock, registry } = deps;

  async function build(principal: Principal, bookId: string, year: number): Promise<AnnualReport> {
    const book = await registry.getBook(principal, bookId);
    const now = clock.now();
    if (year > now.getUTCFullYear()) {
      throw new AppError('VALIDATION_FAILED', 'The year has not begun', [{ path: '/querystring/year', message: `must not be after ${now.getUTCFullYear()}` }]);
    }
    const rows = await repo.lots(db, book.id, year);
    const totals = new Map<string, { unit: string; currency: string; lotCount: number; sums: Sums }>();
    const lots = rows.map((row) => {
      const sums = sumsOf(row);
      const key = JSON.stringify([row.unit, row.currency]);
      const total = totals.get(key) ?? {
        unit: row.unit,
        currency: row.currency,
        lotCount: 0,
        sums: Object.fromEntries(PARTS.map((part) => [part, { quantity: dec(0), value: dec(0) }])) as Sums,
      };
      total.lotCount += 1;
      for (const part of PARTS) {
        total.sums[part] = { quantity: total.sums[part].quantity.plus(sums[part].quantity), value: total.sums[part].value.plus(sums[part].value) };
      }
      totals.set(key, total);
      return {
        lotId: row.lot_id,
        lotNumber: row.lot_number,
        kind: row.kind,
        itemId: row.item_id,
        partNumber: row.part_number,
        hsCode: row.hs_code,
        description: row.description,
        customsStatus: row.customs_status,
        originCountry: row.origin_country,
        unit: row.unit,
        currency: row.currency,
        receiptDate: row.receipt_date,
        ...present(sums),
        balanced: isBalanced(sums),
      };
    });
    return {
      bookId: book.id,
      year,
      from: `${year}-01-01`,
      to: `${year}-12-31`,
      generatedAt: now.toISOString(),
      lots,
      totals: [...totals.values()]
        .sort((a, b) => a.unit.localeCompare(b.unit) || a.currency.localeCompare(b.currency))
        .map((total) => ({ unit: total.unit, currency: total.currency, lotCount: total.lotCount, ...present(total.sums) })),
    };
  }

  return {
    build,

    /** The report as CSV: one row per lot, then one TOTAL row per unit and currency. */
    async buildCsv(principal: Principal, bookId: string, year: number): Promise<{ filename: string; csv: string }> {
      const report = await build(principal, bookId, year);
      const amounts = (row: Record<Part, { quantity: string; value: string }>): CsvValue[] =>
        PARTS.flatMap((part) => [row[part].quantity, row[part].value]);
      const rows: CsvValue[][] = [
        ...report.lots.map((lot) => [
          lot.lotNumber,
          lot.kind,
          lot.partNumber,
          lot.hsCode,
          lot.description,
          lot.customsStatus,
          lot.originCountry,
          lot.receiptDate,
          lot.unit,
          lot.currency,
          ...amounts(lot),
        ]),
        ...report.totals.map((total) => ['TOTAL', null, null, null, `${total.lotCount} lots`, null, null, null, total.unit, total.currency, ...amounts(total)]),
      ];
      return { filename: `annual-report-${year}-${bookId}.csv`, csv: writeCsv(CSV_HEADER, rows) };
    },
  };
}

export type AnnualReportService = ReturnType<typeof createAnnualReportService>;
