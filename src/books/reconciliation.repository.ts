// SQL for reconciliations: the thresholds, the book's stock as of a date computed from its
// movements, the stored comparisons and their discrepancies.
import type { Db } from '../platform/db/db.ts';
import type { BookGroup, Discrepancy, FlagReason, ReportGroup } from './reconciliation.rules.ts';

export interface SettingsRow extends Record<string, unknown> {
  share_threshold: string;
  value_threshold: string;
  version: number;
  updated_by: string | null;
  updated_at: Date;
}

export interface ReconciliationRow extends Record<string, unknown> {
  id: string;
  stock_report_id: string;
  book_id: string;
  enterprise_id: string;
  zone_id: string;
  as_of: string;
  share_threshold: string;
  value_threshold: string;
  currency: string;
  matched_count: number;
  shortage_count: number;
  overage_count: number;
  flagged_count: number;
  shortage_value: string | null;
  overage_value: string | null;
  created_by: string | null;
  created_at: Date;
}

export interface DiscrepancyRow extends Record<string, unknown> {
  line_no: number;
  kind: Discrepancy['kind'];
  item_id: string | null;
  part_number: string | null;
  hs_code: string;
  customs_status: string;
  unit: string;
  description: string | null;
  book_quantity: string;
  reported_quantity: string;
  quantity: string;
  share: string | null;
  unit_value: string | null;
  value: string | null;
  currency: string | null;
  flagged: boolean;
  flag_reasons: FlagReason[];
}

export interface NewReconciliation {
  id: string;
  stockReportId: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  asOf: string;
  shareThreshold: string;
  valueThreshold: string;
  currency: string;
  matchedCount: number;
  createdBy: string | null;
  at: Date;
  discrepancies: Discrepancy[];
}

const SETTINGS_COLUMNS = 'share_threshold::text AS share_threshold, value_threshold::text AS value_threshold, version, updated_by, updated_at';

/** Totals of the discrepancies are computed, not stored, so they always agree with the lines. */
const SELECT_RECONCILIATION = `
  SELECT r.id, r.stock_report_id, r.book_id, r.enterprise_id, r.zone_id, r.as_of::text AS as_of,
         r.share_threshold::text AS share_threshold, r.value_threshold::text AS value_threshold, r.currency,
         r.matched_count, r.shortage_count, r.overage_count, r.flagged_count, r.created_by, r.created_at,
         (SELECT sum(d.value)::text FROM reconciliation_discrepancies d
           WHERE d.reconciliation_id = r.id AND d.kind = 'SHORTAGE' AND d.currency = r.currency) AS shortage_value,
         (SELECT sum(d.value)::text FROM reconciliation_discrepancies d
           WHERE d.reconciliation_id = r.id AND d.kind = 'OVERAGE' AND d.currency = r.currency) AS overage_value
  FROM reconciliations r`;

export const reconciliationRepository = {
  async settings(db: Db, forUpdate = false): Promise<SettingsRow | undefined> {
    const [row] = await db.query<SettingsRow>(
      `SELECT ${SETTINGS_COLUMNS} FROM reconciliation_settings WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    return row;
  },

  async updateSettings(db: Db, values: { shareThreshold: string; valueThreshold: string }, by: string | null, at: Date): Promise<SettingsRow> {
    const [row] = await db.query<SettingsRow>(
      `UPDATE reconciliation_settings SET share_threshold = $1::numeric, value_threshold = $2::numeric,
         version = version + 1, updated_by = $3, updated_at = $4
       WHERE id = 1 RETURNING ${SETTINGS_COLUMNS}`,
      [values.shareThreshold, values.valueThreshold, by, at],
    );
    return row as SettingsRow;
  },

  /**
   * The book's stock at the end of `asOf` (UTC): each lot's balance is the sum of its movements
   * before the next day, and lots are grouped by part number, HS code, customs status and unit.
   * The unit value is the average of the lots' unit values weighted by their balances, or by the
   * quantities received when nothing is left; it is null when the lots are kept in several currencies.
   */
  async bookStockAsOf(db: Db, bookId: string, asOf: string): Promise<BookGroup[]> {
    const rows = await db.query<{
      part_number: string | null;
      hs_code: string;
      customs_status: string;
      unit: string;
      quantity: string;
      unit_value: string | null;
      currency: string | null;
      item_id: string | null;
      description: string | null;
    }>(
      `WITH balances AS (
         SELECT m.lot_id, sum(m.quantity) AS quantity
         FROM movements m
         WHERE m.book_id = $1 AND m.at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
         GROUP BY m.lot_id
       ), stock AS (
         SELECT COALESCE(l.part_number, i.part_number) AS part_number, l.hs_code, l.customs_status, l.unit,
                b.quantity, GREATEST(b.quantity, 0) AS held, l.received_quantity, l.unit_value, l.currency,
                l.item_id, l.description
         FROM balances b JOIN lots l ON l.id = b.lot_id LEFT JOIN items i ON i.id = l.item_id
       )
       SELECT part_number, hs_code, customs_status, unit, sum(quantity)::text AS quantity,
              CASE WHEN count(DISTINCT currency) > 1 THEN NULL
                   WHEN sum(held) > 0 THEN (sum(held * unit_value) / sum(held))::text
                   ELSE (sum(received_quantity * unit_value) / NULLIF(sum(received_quantity), 0))::text END AS unit_value,
              CASE WHEN count(DISTINCT currency) > 1 THEN NULL ELSE min(currency) END AS currency,
              (array_agg(item_id ORDER BY item_id) FILTER (WHERE item_id IS NOT NULL))[1] AS item_id,
              min(description) AS description
       FROM stock
       GROUP BY part_number, hs_code, customs_status, unit`,
      [bookId, asOf],
    );
    return rows.map((row) => ({
      partNumber: row.part_number,
      hsCode: row.hs_code,
      customsStatus: row.customs_status,
      unit: row.unit,
      quantity: row.quantity,
      unitValue: row.unit_value,
      currency: row.currency,
      itemId: row.item_id,
      description: row.description,
    }));
  },

  /** The report's lines summed by goods, with the enterprise's item of each part number. */
  async reportGroups(db: Db, stockReportId: string, enterpriseId: string): Promise<ReportGroup[]> {
    const rows = await db.query<{
      part_number: string;
      hs_code: string;
      customs_status: string;
      unit: string;
      quantity: string;
      value: string | null;
      item_id: string | null;
      description: string | null;
    }>(
      `SELECT s.part_number, s.hs_code, s.customs_status, s.unit, s.quantity::text AS quantity, s.value::text AS value,
              i.id AS item_id, i.description
       FROM (SELECT part_number, hs_code, customs_status, unit, sum(quantity) AS quantity,
                    CASE WHEN bool_and(value IS NOT NULL) THEN sum(value) END AS value
             FROM stock_report_lines WHERE stock_report_id = $1
             GROUP BY part_number, hs_code, customs_status, unit) s
       LEFT JOIN items i ON i.enterprise_id = $2 AND i.part_number = s.part_number`,
      [stockReportId, enterpriseId],
    );
    return rows.map((row) => ({
      partNumber: row.part_number,
      hsCode: row.hs_code,
      customsStatus: row.customs_status,
      unit: row.unit,
      quantity: row.quantity,
      value: row.value,
      itemId: row.item_id,
      description: row.description,
    }));
  },

  async insert(db: Db, r: NewReconciliation): Promise<void> {
    const shortages = r.discrepancies.filter((d) => d.kind === 'SHORTAGE').length;
    await db.query(
      `INSERT INTO reconciliations (id, stock_report_id, book_id, enterprise_id, zone_id, as_of, share_threshold, value_threshold,
         currency, matched_count, shortage_count, overage_count, flagged_count, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7::numeric, $8::numeric, $9, $10, $11, $12, $13, $14, $15)`,
      [
        r.id,
        r.stockReportId,
        r.bookId,
        r.enterpriseId,
        r.zoneId,
        r.asOf,
        r.shareThreshold,
        r.valueThreshold,
        r.currency,
        r.matchedCount,
        shortages,
        r.discrepancies.length - shortages,
        r.discrepancies.filter((d) => d.flagged).length,
        r.createdBy,
        r.at,
      ],
    );
    if (r.discrepancies.length === 0) return;
    const ds = r.discrepancies;
    await db.query(
      `INSERT INTO reconciliation_discrepancies (reconciliation_id, line_no, kind, item_id, part_number, hs_code, customs_status, unit,
         description, book_quantity, reported_quantity, quantity, share, unit_value, value, currency, flagged, flag_reasons)
       SELECT $1, t.line_no, t.kind, t.item_id, t.part_number, t.hs_code, t.customs_status, t.unit, t.description,
              t.book_quantity, t.reported_quantity, t.quantity, t.share, t.unit_value, t.value, t.currency, t.flagged,
              CASE WHEN t.flag_reasons = '' THEN '{}'::text[] ELSE string_to_array(t.flag_reasons, ',') END
       FROM unnest($2::int[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::text[],
                   $17::boolean[], $18::text[])
         AS t(line_no, kind, item_id, part_number, hs_code, customs_status, unit, description, book_quantity, reported_quantity,
              quantity, share, unit_value, value, currency, flagged, flag_reasons)`,
      [
        r.id,
        ds.map((_, index) => index + 1),
        ds.map((d) => d.kind),
        ds.map((d) => d.itemId),
        ds.map((d) => d.partNumber),
        ds.map((d) => d.hsCode),
        ds.map((d) => d.customsStatus),
        ds.map((d) => d.unit),
        ds.map((d) => d.description),
        ds.map((d) => d.bookQuantity),
        ds.map((d) => d.reportedQuantity),
        ds.map((d) => d.quantity),
        ds.map((d) => d.share),
        ds.map((d) => d.unitValue),
        ds.map((d) => d.value),
        ds.map((d) => d.currency),
        ds.map((d) => d.flagged),
        ds.map((d) => d.flagReasons.join(',')),
      ],
    );
  },

  async find(db: Db, id: string): Promise<ReconciliationRow | undefined> {
    const [row] = await db.query<ReconciliationRow>(`${SELECT_RECONCILIATION} WHERE r.id = $1`, [id]);
    return row;
  },

  async discrepancies(db: Db, reconciliationId: string): Promise<DiscrepancyRow[]> {
    return db.query<DiscrepancyRow>(
      `SELECT line_no, kind, item_id, part_number, hs_code, customs_status, unit, description,
              book_quantity::text AS book_quantity, reported_quantity::text AS reported_quantity, quantity::text AS quantity,
              share::text AS share, unit_value::text AS unit_value, value::text AS value, currency, flagged, flag_reasons
       FROM reconciliation_discrepancies WHERE reconciliation_id = $1 ORDER BY line_no`,
      [reconciliationId],
    );
  },

  /** Newest first, of a book or of one stock report. */
  async list(db: Db, filter: { bookId?: string; stockReportId?: string }, beforeId: string | null, limit: number): Promise<ReconciliationRow[]> {
    return db.query<ReconciliationRow>(
      `${SELECT_RECONCILIATION}
       WHERE ($1::uuid IS NULL OR r.book_id = $1::uuid) AND ($2::uuid IS NULL OR r.stock_report_id = $2::uuid)
         AND ($3::uuid IS NULL OR r.id < $3::uuid)
       ORDER BY r.id DESC LIMIT $4`,
      [filter.bookId ?? null, filter.stockReportId ?? null, beforeId, limit],
    );
  },
};
