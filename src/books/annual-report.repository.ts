// SQL for the annual reconciliation report: each lot's movements of a book summed into the opening
// balance, the year's receipts, removals and adjustments, and the closing balance.
import type { Db } from '../platform/db/db.ts';

export interface AnnualLotRow extends Record<string, unknown> {
  lot_id: string;
  lot_number: string;
  kind: string;
  item_id: string | null;
  part_number: string | null;
  hs_code: string;
  description: string;
  customs_status: string;
  origin_country: string;
  unit: string;
  currency: string;
  receipt_date: string;
  opening_quantity: string;
  opening_value: string;
  receipts_quantity: string;
  receipts_value: string;
  removals_quantity: string;
  removals_value: string;
  adjustments_quantity: string;
  adjustments_value: string;
  closing_quantity: string;
  closing_value: string;
}

/** Movement kinds that bring goods into a lot, and those that take them out. */
export const RECEIPT_KINDS = ['RECEIPT', 'TRANSFER_IN', 'PRODUCTION'] as const;
export const REMOVAL_KINDS = ['REMOVAL', 'TRANSFER_OUT', 'CONSUMPTION'] as const;

export const annualReportRepository = {
  /**
   * Lots of the book with a balance at the start of the year or a movement during it. The year runs
   * in UTC. A movement's value carries the sign of its quantity, whichever sign it was stored with;
   * removals are reported as positive amounts, adjustments with their sign.
   */
  async lots(db: Db, bookId: string, year: number): Promise<AnnualLotRow[]> {
    return db.query<AnnualLotRow>(
      `WITH bounds AS (
         SELECT make_date($2::int, 1, 1)::timestamp AT TIME ZONE 'UTC' AS starts,
                make_date($2::int + 1, 1, 1)::timestamp AT TIME ZONE 'UTC' AS ends
       ), moves AS (
         SELECT m.lot_id, m.kind, m.quantity, CASE WHEN m.quantity < 0 THEN -abs(m.value) ELSE abs(m.value) END AS value,
                m.at < b.starts AS before_year
         FROM movements m, bounds b
         WHERE m.book_id = $1 AND m.at < b.ends
       ), per_lot AS (
         SELECT lot_id,
           COALESCE(sum(quantity) FILTER (WHERE before_year), 0) AS opening_quantity,
           COALESCE(sum(value) FILTER (WHERE before_year), 0) AS opening_value,
           COALESCE(sum(quantity) FILTER (WHERE NOT before_year AND kind = ANY($3::text[])), 0) AS receipts_quantity,
           COALESCE(sum(value) FILTER (WHERE NOT before_year AND kind = ANY($3::text[])), 0) AS receipts_value,
           COALESCE(-sum(quantity) FILTER (WHERE NOT before_year AND kind = ANY($4::text[])), 0) AS removals_quantity,
           COALESCE(-sum(value) FILTER (WHERE NOT before_year AND kind = ANY($4::text[])), 0) AS removals_value,
           COALESCE(sum(quantity) FILTER (WHERE NOT before_year AND kind = 'ADJUSTMENT'), 0) AS adjustments_quantity,
           COALESCE(sum(value) FILTER (WHERE NOT before_year AND kind = 'ADJUSTMENT'), 0) AS adjustments_value,
           sum(quantity) AS closing_quantity,
           sum(value) AS closing_value,
           count(*) FILTER (WHERE NOT before_year) AS moves_in_year
         FROM moves GROUP BY lot_id
       )
       SELECT l.id AS lot_id, l.lot_number, l.kind, l.item_id, COALESCE(l.part_number, i.part_number) AS part_number, l.hs_code,
              l.description, l.customs_status, l.origin_country, l.unit, l.currency, l.receipt_date::text AS receipt_date,
              p.opening_quantity::text AS opening_quantity, p.opening_value::text AS opening_value,
              p.receipts_quantity::text AS receipts_quantity, p.receipts_value::text AS receipts_value,
              p.removals_quantity::text AS removals_quantity, p.removals_value::text AS removals_value,
              p.adjustments_quantity::text AS adjustments_quantity, p.adjustments_value::text AS adjustments_value,
              p.closing_quantity::text AS closing_quantity, p.closing_value::text AS closing_value
       FROM per_lot p JOIN lots l ON l.id = p.lot_id LEFT JOIN items i ON i.id = l.item_id
       WHERE p.opening_quantity <> 0 OR p.moves_in_year > 0
       ORDER BY l.receipt_date, l.lot_number`,
      [bookId, year, RECEIPT_KINDS, REMOVAL_KINDS],
    );
  },
};
