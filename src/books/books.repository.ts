// SQL for the electronic account books: lots, their movements and reservations, lot numbers, and
// the stock read models. Lot rows carry their balance (`quantity`) and what is held (`reserved`);
// every change to them is made here, by the transaction that inserts the matching movements or
// reservations, after the lots were locked in id order.
import type { Db } from '../platform/db/db.ts';
import { recordLeaves } from '../proof/leaves.ts';
import type { DeclarationType } from '../declarations/selectivity.schema.ts';
import type { CustomsStatus, LotKind, MovementKind } from './books.schemas.ts';

/** A lot's own columns, as locked for a posting. */
export interface LockedLot extends Record<string, unknown> {
  id: string;
  book_id: string;
  enterprise_id: string;
  zone_id: string;
  lot_number: string;
  kind: LotKind;
  item_id: string | null;
  part_number: string | null;
  hs_code: string;
  description: string;
  customs_status: CustomsStatus;
  origin_country: string;
  unit: string;
  received_quantity: string;
  quantity: string;
  reserved: string;
  available: string;
  unit_value: string;
  currency: string;
  value: string;
  location: string | null;
  receiving_declaration_id: string | null;
  receiving_line_no: number | null;
  receipt_date: string;
  first_admission_declaration_id: string | null;
  first_admission_date: string | null;
  source_lot_ids: string[];
}

/** A lot as read: with the references of the declarations that received and first admitted it. */
export interface LotRow extends LockedLot {
  receiving_reference: string | null;
  receiving_type: DeclarationType | null;
  first_admission_reference: string | null;
  created_at: Date;
}

export interface MovementRow extends Record<string, unknown> {
  id: string;
  lot_id: string;
  lot_number: string;
  book_id: string;
  kind: MovementKind;
  quantity: string;
  value: string;
  currency: string;
  declaration_id: string | null;
  declaration_reference: string | null;
  declaration_type: DeclarationType | null;
  line_no: number | null;
  reason: string | null;
  approved_by: string | null;
  at: Date;
  /** `at` as exact UTC text (microseconds), the keyset of the movement list. */
  at_key: string;
}

export interface ReservationRow extends Record<string, unknown> {
  declaration_id: string;
  line_no: number;
  lot_id: string;
  quantity: string;
}

export interface LotReservationRow extends ReservationRow {
  reference: string;
  type: DeclarationType;
}

export interface NewLot {
  id: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  lotNumber: string;
  kind: LotKind;
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  description: string;
  customsStatus: CustomsStatus;
  originCountry: string;
  unit: string;
  quantity: string;
  unitValue: string;
  currency: string;
  location: string | null;
  receivingDeclarationId: string | null;
  receivingLineNo: number | null;
  receiptDate: string;
  firstAdmissionDeclarationId: string | null;
  firstAdmissionDate: string | null;
  sourceLotIds: string[];
  at: Date;
}

export interface NewMovement {
  lotId: string;
  bookId: string;
  enterpriseId: string;
  kind: MovementKind;
  quantity: string;
  value: string;
  declarationId: string | null;
  lineNo: number | null;
  reason: string | null;
  approvedBy: string | null;
  at: Date;
}

/** What a posting changes on a lot: signed amounts added to its balance and to what it holds. */
export interface LotDelta {
  lotId: string;
  quantity: string;
  reserved: string;
}

export interface StockFilter {
  itemId: string | null;
  status: CustomsStatus | null;
  hsPrefix: string | null;
}

export interface StockRow extends Record<string, unknown> {
  kind: LotKind;
  item_id: string | null;
  part_number: string | null;
  hs_code: string;
  description: string;
  customs_status: CustomsStatus;
  unit: string;
  currency: string;
  lots: number;
  quantity: string;
  reserved: string | null;
  available: string | null;
  value: string;
}

const LOCKED_COLUMNS = `id, book_id, enterprise_id, zone_id, lot_number, kind, item_id, part_number, hs_code, description,
  customs_status, origin_country, unit, received_quantity, quantity, reserved, quantity - reserved AS available,
  unit_value, currency, round(quantity * unit_value, 2) AS value, location, receiving_declaration_id, receiving_line_no,
  receipt_date::text AS receipt_date, first_admission_declaration_id, first_admission_date::text AS first_admission_date,
  source_lot_ids`;

const SELECT_LOT = `
  SELECT l.id, l.book_id, l.enterprise_id, l.zone_id, l.lot_number, l.kind, l.item_id, l.part_number, l.hs_code, l.description,
         l.customs_status, l.origin_country, l.unit, l.received_quantity, l.quantity, l.reserved, l.quantity - l.reserved AS available,
         l.unit_value, l.currency, round(l.quantity * l.unit_value, 2) AS value, l.location,
         l.receiving_declaration_id, rd.reference AS receiving_reference, rd.type AS receiving_type, l.receiving_line_no,
         l.receipt_date::text AS receipt_date, l.first_admission_declaration_id, fd.reference AS first_admission_reference,
         l.first_admission_date::text AS first_admission_date, l.source_lot_ids, l.created_at
  FROM lots l
  LEFT JOIN declarations rd ON rd.id = l.receiving_declaration_id
  LEFT JOIN declarations fd ON fd.id = l.first_admission_declaration_id`;

const SELECT_MOVEMENT = `
  SELECT m.id::text AS id, m.lot_id, l.lot_number, m.book_id, m.kind, m.quantity, m.value, l.currency,
         m.declaration_id, d.reference AS declaration_reference, d.type AS declaration_type, m.line_no, m.reason, m.approved_by,
         m.at, to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at_key
  FROM movements m
  JOIN lots l ON l.id = m.lot_id
  LEFT JOIN declarations d ON d.id = m.declaration_id`;

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;

async function insertRows<R extends Record<string, unknown>>(db: Db, head: string, rows: unknown[][], tail = ''): Promise<R[]> {
  const returned: R[] = [];
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    returned.push(...(await db.query<R>(`${head} VALUES ${tuples.join(', ')}${tail}`, values)));
  }
  return returned;
}

/** The UTC instant that ends the day `date` (YYYY-MM-DD): movements before it are in the stock of that day. */
const END_OF_DAY = `(($2::date + 1)::timestamp AT TIME ZONE 'UTC')`;

export const booksRepository = {
  /** Reserves `count` consecutive lot numbers of the book and returns the first. */
  async nextLotNumbers(db: Db, bookId: string, count: number): Promise<number> {
    const [row] = await db.query<{ last_number: number }>(
      `INSERT INTO book_counters (book_id, last_number) VALUES ($1, $2)
       ON CONFLICT (book_id) DO UPDATE SET last_number = book_counters.last_number + $2
       RETURNING last_number`,
      [bookId, count],
    );
    return (row?.last_number ?? count) - count + 1;
  },

  async insertLots(db: Db, lots: NewLot[]): Promise<void> {
    await insertRows(
      db,
      `INSERT INTO lots (id, book_id, enterprise_id, zone_id, lot_number, kind, item_id, part_number, hs_code, description,
         customs_status, origin_country, unit, received_quantity, quantity, reserved, unit_value, currency, location,
         receiving_declaration_id, receiving_line_no, receipt_date, first_admission_declaration_id, first_admission_date,
         source_lot_ids, created_at)`,
      lots.map((lot) => [
        lot.id,
        lot.bookId,
        lot.enterpriseId,
        lot.zoneId,
        lot.lotNumber,
        lot.kind,
        lot.itemId,
        lot.partNumber,
        lot.hsCode,
        lot.description,
        lot.customsStatus,
        lot.originCountry,
        lot.unit,
        lot.quantity,
        // A new lot holds what its receiving movement brings in (inserted beside it by the caller).
        lot.quantity,
        '0',
        lot.unitValue,
        lot.currency,
        lot.location,
        lot.receivingDeclarationId,
        lot.receivingLineNo,
        lot.receiptDate,
        lot.firstAdmissionDeclarationId,
        lot.firstAdmissionDate,
        lot.sourceLotIds,
        lot.at,
      ]),
    );
  },

  /** Inserts the movements and returns their ids, in order. */
  async insertMovements(db: Db, movements: NewMovement[]): Promise<string[]> {
    const rows = await insertRows<{ id: string }>(
      db,
      'INSERT INTO movements (lot_id, book_id, enterprise_id, kind, quantity, value, declaration_id, line_no, reason, approved_by, at)',
      movements.map((m) => [m.lotId, m.bookId, m.enterpriseId, m.kind, m.quantity, m.value, m.declarationId, m.lineNo, m.reason, m.approvedBy, m.at]),
      ' RETURNING id::text AS id',
    );
    const ids = rows.map((row) => row.id);
    await recordLeaves(db, 'book.movement', ids);
    return ids;
  },

  /** Adds one delta per lot (the caller sums several for the same lot first: an UPDATE applies one). */
  async applyDeltas(db: Db, deltas: LotDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await db.query(
      `UPDATE lots l SET quantity = l.quantity + v.dq, reserved = l.reserved + v.dr
       FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS v(id, dq, dr)
       WHERE l.id = v.id`,
      [deltas.map((d) => d.lotId), deltas.map((d) => d.quantity), deltas.map((d) => d.reserved)],
    );
  },

  /**
   * Locks, in id order so that concurrent postings cannot deadlock, the lots named and the open lots
   * of the book holding the goods asked for: by item, or by HS code and part number ('' for none).
   * Read committed returns each locked row as the last committer left it.
   */
  async lockSupplies(
    db: Db,
    bookId: string,
    lotIds: readonly string[],
    itemIds: readonly string[],
    goods: readonly { hsCode: string; partNumber: string | null }[],
    lock = true,
  ): Promise<LockedLot[]> {
    if (lotIds.length === 0 && itemIds.length === 0 && goods.length === 0) return [];
    return db.query<LockedLot>(
      `SELECT ${LOCKED_COLUMNS} FROM lots
       WHERE id = ANY($1::uuid[])
          OR (book_id = $2 AND quantity > reserved AND (
                item_id = ANY($3::uuid[])
             OR (hs_code = ANY($4::text[]) AND EXISTS (
                  SELECT 1 FROM unnest($4::text[], $5::text[]) AS g(hs_code, part_number)
                  WHERE g.hs_code = lots.hs_code AND g.part_number = COALESCE(lots.part_number, '')))))
       ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
      [lotIds, bookId, itemIds, goods.map((g) => g.hsCode), goods.map((g) => g.partNumber ?? '')],
    );
  },

  async lockLots(db: Db, ids: readonly string[]): Promise<LockedLot[]> {
    if (ids.length === 0) return [];
    return db.query<LockedLot>(`SELECT ${LOCKED_COLUMNS} FROM lots WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  },

  async reservationsOf(db: Db, declarationId: string): Promise<ReservationRow[]> {
    return db.query<ReservationRow>(
      'SELECT declaration_id, line_no, lot_id, quantity FROM reservations WHERE declaration_id = $1 ORDER BY line_no, lot_id',
      [declarationId],
    );
  },

  async insertReservations(db: Db, declarationId: string, rows: { lineNo: number; lotId: string; quantity: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO reservations (declaration_id, line_no, lot_id, quantity)
       SELECT $1, r.line_no, r.lot_id, r.quantity FROM unnest($2::int[], $3::uuid[], $4::numeric[]) AS r(line_no, lot_id, quantity)`,
      [declarationId, rows.map((r) => r.lineNo), rows.map((r) => r.lotId), rows.map((r) => r.quantity)],
    );
  },

  async deleteReservations(db: Db, declarationId: string): Promise<void> {
    await db.query('DELETE FROM reservations WHERE declaration_id = $1', [declarationId]);
  },

  // --- reads ---------------------------------------------------------------------------------------

  async findLot(db: Db, id: string): Promise<LotRow | undefined> {
    const [row] = await db.query<LotRow>(`${SELECT_LOT} WHERE l.id = $1`, [id]);
    return row;
  },

  async findLots(db: Db, ids: readonly string[]): Promise<LotRow[]> {
    if (ids.length === 0) return [];
    return db.query<LotRow>(`${SELECT_LOT} WHERE l.id = ANY($1::uuid[]) ORDER BY l.id`, [ids]);
  },

  async lockLotForAdjustment(db: Db, id: string): Promise<LockedLot | undefined> {
    const [row] = await db.query<LockedLot>(`SELECT ${LOCKED_COLUMNS} FROM lots WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  },

  /** Lots of a book in creation order (time-ordered ids) after the cursor. */
  async listLots(
    db: Db,
    bookId: string,
    filter: { itemId: string | null; status: CustomsStatus | null; open: boolean | null },
    afterId: string | null,
    limit: number,
  ): Promise<LotRow[]> {
    return db.query<LotRow>(
      `${SELECT_LOT}
       WHERE l.book_id = $1
         AND ($2::uuid IS NULL OR l.item_id = $2::uuid)
         AND ($3::text IS NULL OR l.customs_status = $3::text)
         AND ($4::boolean IS NULL OR (l.quantity > 0) = $4::boolean)
         AND ($5::uuid IS NULL OR l.id > $5::uuid)
       ORDER BY l.id
       LIMIT $6`,
      [bookId, filter.itemId, filter.status, filter.open, afterId, limit],
    );
  },

  async findMovement(db: Db, id: string): Promise<MovementRow | undefined> {
    const [row] = await db.query<MovementRow>(`${SELECT_MOVEMENT} WHERE m.id = $1::bigint`, [id]);
    return row;
  },

  async movementsOfLots(db: Db, lotIds: readonly string[]): Promise<MovementRow[]> {
    if (lotIds.length === 0) return [];
    return db.query<MovementRow>(`${SELECT_MOVEMENT} WHERE m.lot_id = ANY($1::uuid[]) ORDER BY m.id`, [lotIds]);
  },

  async reservationsOfLot(db: Db, lotId: string): Promise<LotReservationRow[]> {
    return db.query<LotReservationRow>(
      `SELECT r.declaration_id, r.line_no, r.lot_id, r.quantity, d.reference, d.type
       FROM reservations r JOIN declarations d ON d.id = r.declaration_id
       WHERE r.lot_id = $1 ORDER BY r.declaration_id, r.line_no`,
      [lotId],
    );
  },

  /** Movements of a book, newest first, after the cursor (the `at_key` and id of the last one returned). */
  async listMovements(
    db: Db,
    bookId: string,
    filter: { from: string | null; to: string | null },
    after: [string, string] | null,
    limit: number,
  ): Promise<MovementRow[]> {
    return db.query<MovementRow>(
      `${SELECT_MOVEMENT}
       WHERE m.book_id = $1
         AND ($2::timestamptz IS NULL OR m.at >= $2::timestamptz)
         AND ($3::timestamptz IS NULL OR m.at < $3::timestamptz)
         AND ($4::text IS NULL OR (m.at, m.id) < ($4::text::timestamp AT TIME ZONE 'UTC', $5::bigint))
       ORDER BY m.at DESC, m.id DESC
       LIMIT $6`,
      [bookId, filter.from, filter.to, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
  },

  /** Movements of a book in the order they were posted, after the id: the CSV export reads it in pages. */
  async movementsInOrder(db: Db, bookId: string, afterId: string | null, limit: number): Promise<MovementRow[]> {
    return db.query<MovementRow>(
      `${SELECT_MOVEMENT} WHERE m.book_id = $1 AND ($2::bigint IS NULL OR m.id > $2::bigint) ORDER BY m.id LIMIT $3`,
      [bookId, afterId, limit],
    );
  },

  /**
   * The book's current stock, from the lot rows, per goods, status, unit and currency. Grouped by hash
   * first and sorted after (MATERIALIZED keeps the planner from sorting 100,000 lots to group them).
   */
  async stock(db: Db, bookId: string, filter: StockFilter): Promise<StockRow[]> {
    return db.query<StockRow>(
      `WITH stock AS MATERIALIZED (
         SELECT kind, item_id, part_number, hs_code, min(description) AS description, customs_status, unit, currency,
                count(*)::int AS lots, sum(quantity) AS quantity, sum(reserved) AS reserved,
                sum(quantity - reserved) AS available, sum(round(quantity * unit_value, 2)) AS value
         FROM lots
         WHERE book_id = $1 AND quantity > 0
           AND ($2::uuid IS NULL OR item_id = $2::uuid)
           AND ($3::text IS NULL OR customs_status = $3::text)
           AND ($4::text IS NULL OR hs_code LIKE $4::text || '%')
         GROUP BY kind, item_id, part_number, hs_code, customs_status, unit, currency
       )
       SELECT * FROM stock
       ORDER BY hs_code, part_number NULLS FIRST, item_id NULLS FIRST, customs_status, kind, unit, currency`,
      [bookId, filter.itemId, filter.status, filter.hsPrefix],
    );
  },

  /** The book's stock at the end of a day, summed from the movements posted before it. */
  async stockAsOf(db: Db, bookId: string, asOf: string, filter: StockFilter): Promise<StockRow[]> {
    return db.query<StockRow>(
      `WITH balances AS (
         SELECT lot_id, sum(quantity) AS quantity
         FROM movements
         WHERE book_id = $1 AND at < ${END_OF_DAY}
         GROUP BY lot_id
       ), stock AS MATERIALIZED (
         SELECT l.kind, l.item_id, l.part_number, l.hs_code, min(l.description) AS description, l.customs_status, l.unit, l.currency,
                count(*)::int AS lots, sum(b.quantity) AS quantity, NULL::numeric AS reserved, NULL::numeric AS available,
                sum(round(b.quantity * l.unit_value, 2)) AS value
         FROM balances b JOIN lots l ON l.id = b.lot_id
         WHERE b.quantity <> 0
           AND ($3::uuid IS NULL OR l.item_id = $3::uuid)
           AND ($4::text IS NULL OR l.customs_status = $4::text)
           AND ($5::text IS NULL OR l.hs_code LIKE $5::text || '%')
         GROUP BY l.kind, l.item_id, l.part_number, l.hs_code, l.customs_status, l.unit, l.currency
       )
       SELECT * FROM stock
       ORDER BY hs_code, part_number NULLS FIRST, item_id NULLS FIRST, customs_status, kind, unit, currency`,
      [bookId, asOf, filter.itemId, filter.status, filter.hsPrefix],
    );
  },
};
