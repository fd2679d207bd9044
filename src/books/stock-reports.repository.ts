// SQL for stock reports and their lines, and the look-ups that complete a line (HS code and customs
// status from the catalogue and the book).
import type { Db } from '../platform/db/db.ts';

export interface StockReportRow extends Record<string, unknown> {
  id: string;
  book_id: string;
  enterprise_id: string;
  zone_id: string;
  as_of: string;
  source: string | null;
  format: 'JSON' | 'CSV';
  line_count: number;
  uploaded_by: string | null;
  uploaded_at: Date;
  latest_reconciliation_id: string | null;
}

export interface StockReportLineRow extends Record<string, unknown> {
  line_no: number;
  part_number: string;
  hs_code: string;
  customs_status: string;
  quantity: string;
  unit: string;
  value: string | null;
}

export interface NewStockReport {
  id: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  asOf: string;
  source: string | null;
  format: 'JSON' | 'CSV';
  uploadedBy: string | null;
  at: Date;
  lines: Array<{ partNumber: string; hsCode: string; customsStatus: string; quantity: string; unit: string; value: string | null }>;
}

const SELECT_REPORT = `
  SELECT s.id, s.book_id, s.enterprise_id, s.zone_id, s.as_of::text AS as_of, s.source, s.format, s.line_count, s.uploaded_by,
         s.uploaded_at,
         (SELECT r.id FROM reconciliations r WHERE r.stock_report_id = s.id ORDER BY r.id DESC LIMIT 1) AS latest_reconciliation_id
  FROM stock_reports s`;

export const stockReportRepository = {
  async insert(db: Db, r: NewStockReport): Promise<void> {
    await db.query(
      `INSERT INTO stock_reports (id, book_id, enterprise_id, zone_id, as_of, source, format, line_count, uploaded_by, uploaded_at)
       VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10)`,
      [r.id, r.bookId, r.enterpriseId, r.zoneId, r.asOf, r.source, r.format, r.lines.length, r.uploadedBy, r.at],
    );
    if (r.lines.length === 0) return;
    // One statement for up to 10,000 lines: arrays keep it within the protocol's parameter limit.
    await db.query(
      `INSERT INTO stock_report_lines (stock_report_id, line_no, part_number, hs_code, customs_status, quantity, unit, value)
       SELECT $1, t.line_no, t.part_number, t.hs_code, t.customs_status, t.quantity, t.unit, t.value
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[])
         AS t(line_no, part_number, hs_code, customs_status, quantity, unit, value)`,
      [
        r.id,
        r.lines.map((_, index) => index + 1),
        r.lines.map((line) => line.partNumber),
        r.lines.map((line) => line.hsCode),
        r.lines.map((line) => line.customsStatus),
        r.lines.map((line) => line.quantity),
        r.lines.map((line) => line.unit),
        r.lines.map((line) => line.value),
      ],
    );
  },

  async find(db: Db, id: string): Promise<StockReportRow | undefined> {
    const [row] = await db.query<StockReportRow>(`${SELECT_REPORT} WHERE s.id = $1`, [id]);
    return row;
  },

  async lines(db: Db, id: string): Promise<StockReportLineRow[]> {
    return db.query<StockReportLineRow>(
      `SELECT line_no, part_number, hs_code, customs_status, quantity::text AS quantity, unit, value::text AS value
       FROM stock_report_lines WHERE stock_report_id = $1 ORDER BY line_no`,
      [id],
    );
  },

  async list(db: Db, bookId: string, beforeId: string | null, limit: number): Promise<StockReportRow[]> {
    return db.query<StockReportRow>(
      `${SELECT_REPORT} WHERE s.book_id = $1 AND ($2::uuid IS NULL OR s.id < $2::uuid) ORDER BY s.id DESC LIMIT $3`,
      [bookId, beforeId, limit],
    );
  },

  /** HS codes of the enterprise's catalogue items with these part numbers. */
  async catalogueHsCodes(db: Db, enterpriseId: string, partNumbers: readonly string[]): Promise<Map<string, string>> {
    if (partNumbers.length === 0) return new Map();
    const rows = await db.query<{ part_number: string; hs_code: string }>(
      'SELECT part_number, hs_code FROM items WHERE enterprise_id = $1 AND part_number = ANY($2::text[])',
      [enterpriseId, partNumbers],
    );
    return new Map(rows.map((row) => [row.part_number, row.hs_code]));
  },

  /** The HS codes and customs statuses the book's lots hold each of these part numbers in. */
  async bookVariants(db: Db, bookId: string, partNumbers: readonly string[]): Promise<Array<{ partNumber: string; hsCode: string; customsStatus: string }>> {
    if (partNumbers.length === 0) return [];
    const rows = await db.query<{ part_number: string; hs_code: string; customs_status: string }>(
      `SELECT DISTINCT COALESCE(l.part_number, i.part_number) AS part_number, l.hs_code, l.customs_status
       FROM lots l LEFT JOIN items i ON i.id = l.item_id
       WHERE l.book_id = $1 AND COALESCE(l.part_number, i.part_number) = ANY($2::text[])`,
      [bookId, partNumbers],
    );
    return rows.map((row) => ({ partNumber: row.part_number, hsCode: row.hs_code, customsStatus: row.customs_status }));
  },
};
