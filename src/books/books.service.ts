// The electronic account books: each enterprise's lots with their customs status, origin and value,
// and the movements that change them. Postings come from declarations through `hooks` (see
// posting.ts) or from adjustments approved by a customs officer; reads give stock (now or as of a
// day), lots, a lot's trail back to its admission, movements and CSV exports, each to whoever may
// see the book (an enterprise its own; zone-scoped staff their zones').
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import type { Clock } from '../platform/clock.ts';
import { canSeeRecord, type Principal, type Role } from '../platform/auth/principal.ts';
import { FieldErrors, forbidden, notFound } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import { booksRepository as repo, type LotRow, type MovementRow, type StockFilter, type StockRow } from './books.repository.ts';
import type { AdjustmentInput, Lot, LotsQuery, Movement, MovementsQuery, StockQuery } from './books.schemas.ts';
import { csvLine } from './csv.ts';
import { createBookHooks } from './posting.ts';
import { movementValue } from './processing.ts';

export interface BooksServiceDeps {
  db: Db;
  clock: Clock;
  registry: RegistryService;
}

/** Who approves adjustments; routes declare the same list. */
export const ADJUSTERS: readonly Role[] = ['customs_officer', 'admin'];

/** How far back a trace follows source lots, and how many lots it shows at most. */
export const TRACE_MAX_DEPTH = 32;
export const TRACE_MAX_LOTS = 500;

const ADMISSION_TYPES = new Set(['ADMISSION', 'DOMESTIC_ADMISSION']);
const EXPORT_PAGE = 5000;

export function presentLot(row: LotRow): Lot {
  return {
    id: row.id,
    bookId: row.book_id,
    enterpriseId: row.enterprise_id,
    zoneId: row.zone_id,
    lotNumber: row.lot_number,
    kind: row.kind,
    itemId: row.item_id,
    partNumber: row.part_number,
    hsCode: row.hs_code,
    description: row.description,
    customsStatus: row.customs_status,
    originCountry: row.origin_country,
    unit: row.unit,
    receivedQuantity: row.received_quantity,
    quantity: row.quantity,
    reserved: row.reserved,
    available: row.available,
    unitValue: row.unit_value,
    currency: row.currency,
    value: row.value,
    location: row.location,
    receivingDeclaration:
      row.receiving_declaration_id && row.receiving_reference && row.receiving_type
        ? { id: row.receiving_declaration_id, reference: row.receiving_reference, type: row.receiving_type }
        : null,
    receivingLineNo: row.receiving_line_no,
    receiptDate: row.receipt_date,
    firstAdmission: {
      declarationId: row.first_admission_declaration_id,
      reference: row.first_admission_reference,
      date: row.first_admission_date,
    },
    sourceLotIds: row.source_lot_ids,
    createdAt: row.created_at.toISOString(),
  };
}

export function presentMovement(row: MovementRow): Movement {
  return {
    id: row.id,
    lotId: row.lot_id,
    lotNumber: row.lot_number,
    bookId: row.book_id,
    kind: row.kind,
    quantity: row.quantity,
    value: row.value,
    currency: row.currency,
    declaration:
      row.declaration_id && row.declaration_reference && row.declaration_type
        ? { id: row.declaration_id, reference: row.declaration_reference, type: row.declaration_type }
        : null,
    lineNo: row.line_no,
    reason: row.reason,
    approvedBy: row.approved_by,
    at: row.at.toISOString(),
  };
}

function presentStock(row: StockRow) {
  return {
    kind: row.kind,
    itemId: row.item_id,
    partNumber: row.part_number,
    hsCode: row.hs_code,
    description: row.description,
    customsStatus: row.customs_status,
    unit: row.unit,
    currency: row.currency,
    lots: row.lots,
    quantity: row.quantity,
    reserved: row.reserved,
    available: row.available,
    value: row.value,
  };
}

const canSeeLot = (principal: Principal, row: Pick<LotRow, 'enterprise_id' | 'zone_id'>) =>
  canSeeRecord(principal, { enterpriseId: row.enterprise_id, zoneId: row.zone_id });

const AT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

export function createBooksService(deps: BooksServiceDeps) {
  const { db, clock, registry } = deps;
  const hooks = createBookHooks({ registry });

  async function visibleLot(principal: Principal, id: string): Promise<LotRow> {
    const row = UUID_PATTERN.test(id) ? await repo.findLot(db, id) : undefined;
    if (!row || !canSeeLot(principal, row)) throw notFound('Lot');
    return row;
  }

  function stockFilter(query: Pick<StockQuery, 'itemId' | 'status' | 'hsCode'>): StockFilter {
    return { itemId: query.itemId ?? null, status: query.status ?? null, hsPrefix: query.hsCode ?? null };
  }

  async function* exportRows(bookId: string, what: 'stock' | 'movements' | 'lots'): AsyncGenerator<string> {
    switch (what) {
      case 'stock': {
        yield csvLine(['hs_code', 'part_number', 'item_id', 'description', 'kind', 'customs_status', 'unit', 'lots', 'quantity', 'reserved', 'available', 'value', 'currency']);
        for (const r of await repo.stock(db, bookId, stockFilter({}))) {
          yield csvLine([r.hs_code, r.part_number, r.item_id, r.description, r.kind, r.customs_status, r.unit, r.lots, r.quantity, r.reserved, r.available, r.value, r.currency]);
        }
        return;
      }
      case 'lots': {
        yield csvLine([
          'lot_number', 'kind', 'item_id', 'part_number', 'hs_code', 'description', 'customs_status', 'origin_country', 'unit',
          'received_quantity', 'quantity', 'reserved', 'unit_value', 'value', 'currency', 'location', 'receipt_date',
          'receiving_declaration', 'receiving_line_no', 'first_admission_declaration', 'first_admission_date', 'source_lot_ids', 'lot_id',
        ]);
        for (let after: string | null = null; ; ) {
          const rows = await repo.listLots(db, bookId, { itemId: null, status: null, open: null }, after, EXPORT_PAGE);
          for (const r of rows) {
            yield csvLine([
              r.lot_number, r.kind, r.item_id, r.part_number, r.hs_code, r.description, r.customs_status, r.origin_country, r.unit,
              r.received_quantity, r.quantity, r.reserved, r.unit_value, r.value, r.currency, r.location, r.receipt_date,
              r.receiving_reference, r.receiving_line_no, r.first_admission_reference, r.first_admission_date, r.source_lot_ids.join(' '), r.id,
            ]);
          }
          if (rows.length < EXPORT_PAGE) return;
          after = rows[rows.length - 1]?.id ?? null;
        }
      }
      case 'movements': {
        yield csvLine(['movement_id', 'at', 'lot_number', 'kind', 'quantity', 'value', 'currency', 'declaration', 'declaration_type', 'line_no', 'reason', 'approved_by']);
        for (let after: string | null = null; ; ) {
          const rows = await repo.movementsInOrder(db, bookId, after, EXPORT_PAGE);
          for (const r of rows) {
            yield csvLine([r.id, r.at.toISOString(), r.lot_number, r.kind, r.quantity, r.value, r.currency, r.declaration_reference, r.declaration_type, r.line_no, r.reason, r.approved_by]);
          }
          if (rows.length < EXPORT_PAGE) return;
          after = rows[rows.length - 1]?.id ?? null;
        }
      }
    }
  }

  return {
    /** What the books do at each step of a declaration; pass to createDeclarationService. */
    hooks,

    async stock(principal: Principal, bookId: string, query: StockQuery) {
      const book = await registry.getBook(principal, bookId);
      const filter = stockFilter(query);
      const rows = query.asOf ? await repo.stockAsOf(db, book.id, query.asOf, filter) : await repo.stock(db, book.id, filter);
      return { bookId: book.id, asOf: query.asOf ?? null, items: rows.map(presentStock) };
    },

    async listLots(principal: Principal, bookId: string, query: LotsQuery) {
      const book = await registry.getBook(principal, bookId);
      const limit = query.limit ?? 50;
      const after = decodeCursor(query.cursor, 1, ([id]) => UUID_PATTERN.test(id ?? ''))?.[0] ?? null;
      const filter = { itemId: query.itemId ?? null, status: query.status ?? null, open: query.open ?? null };
      const rows = await repo.listLots(db, book.id, filter, after, limit + 1);
      return toPage(rows, limit, (row) => [row.id], presentLot);
    },

    async getLot(principal: Principal, id: string) {
      const row = await visibleLot(principal, id);
      const [movements, reservations] = await Promise.all([repo.movementsOfLots(db, [row.id]), repo.reservationsOfLot(db, row.id)]);
      return {
        ...presentLot(row),
        movements: movements.map(presentMovement),
        reservations: reservations.map((r) => ({
          declaration: { id: r.declaration_id, reference: r.reference, type: r.type },
          lineNo: r.line_no,
          quantity: r.quantity,
        })),
      };
    },

    /**
     * The lot's trail back to the admissions its goods came in by: the lot, its source lots, theirs,
     * and so on, each with its movements. Lots the caller may not see are shown by id only and not
     * followed; the trace is complete when every branch ends at an admission lot it could see.
     */
    async traceLot(principal: Principal, id: string) {
      const root = await visibleLot(principal, id);
      const nodes = [];
      const seen = new Set<string>([root.id]);
      let frontier = [root.id];
      let complete = true;
      for (let depth = 0; frontier.length > 0; depth++) {
        if (depth > TRACE_MAX_DEPTH || nodes.length + frontier.length > TRACE_MAX_LOTS) {
          complete = false;
          break;
        }
        const rows = new Map((await repo.findLots(db, frontier)).map((row) => [row.id, row]));
        const shown = frontier.filter((lotId) => {
          const row = rows.get(lotId);
          return row !== undefined && canSeeLot(principal, row);
        });
        const movements = await repo.movementsOfLots(db, shown);
        const next: string[] = [];
        for (const lotId of frontier) {
          const row = rows.get(lotId);
          const visible = row !== undefined && shown.includes(lotId);
          if (!row || !visible) {
            complete = false;
            nodes.push({ depth, lotId, visible: false, lot: null, movements: [], sourceLotIds: [], admission: false });
            continue;
          }
          const admission = row.source_lot_ids.length === 0 && row.receiving_type !== null && ADMISSION_TYPES.has(row.receiving_type);
          if (row.source_lot_ids.length === 0 && !admission) complete = false;
          nodes.push({
            depth,
            lotId,
            visible: true,
            lot: presentLot(row),
            movements: movements.filter((m) => m.lot_id === lotId).map(presentMovement),
            sourceLotIds: row.source_lot_ids,
            admission,
          });
          for (const source of row.source_lot_ids) {
            if (!seen.has(source)) {
              seen.add(source);
              next.push(source);
            }
          }
        }
        frontier = next;
      }
      return { lotId: root.id, complete, maxDepth: TRACE_MAX_DEPTH, nodes };
    },

    async listMovements(principal: Principal, bookId: string, query: MovementsQuery) {
      const book = await registry.getBook(principal, bookId);
      const limit = query.limit ?? 50;
      const after = decodeCursor(query.cursor, 2, ([at, id]) => AT_KEY.test(at ?? '') && /^[0-9]{1,18}$/.test(id ?? '')) as [string, string] | null;
      const rows = await repo.listMovements(db, book.id, { from: query.from ?? null, to: query.to ?? null }, after, limit + 1);
      return toPage(rows, limit, (row) => [row.at_key, row.id], presentMovement);
    },

    /** A CSV export of the book, produced page by page as it is sent. */
    async exportCsv(principal: Principal, bookId: string, what: 'stock' | 'movements' | 'lots') {
      const book = await registry.getBook(principal, bookId);
      const filename = `${book.code}-${what}-${clock.now().toISOString().slice(0, 10)}.csv`;
      return { filename, rows: exportRows(book.id, what) };
    },

    /**
     * Corrects a lot's balance (stocktaking differences, breakage, evaporation) with a reason; the
     * customs officer posting it is its approver. Refused if the lot would go negative or below
     * what released declarations hold.
     */
    async adjust(tx: Db, principal: Principal, bookId: string, input: AdjustmentInput) {
      if (!ADJUSTERS.includes(principal.role)) throw forbidden();
      if (principal.kind !== 'user') throw forbidden('An adjustment is approved by a signed-in customs officer, not by an API key');
      const book = await registry.findBook(tx, bookId);
      if (!book || !canSeeRecord(principal, book)) throw notFound('Book');
      const delta = new Decimal(input.quantity);
      const errors = new FieldErrors();
      if (delta.isZero()) errors.add('/quantity', 'must not be zero');
      const lot = await repo.lockLotForAdjustment(tx, input.lotId);
      if (!lot || lot.book_id !== book.id) {
        errors.add('/lotId', `no such lot in book ${book.code}`);
      } else if (!delta.isZero()) {
        const after = new Decimal(lot.quantity).plus(delta);
        if (after.lt(0)) {
          errors.add('/quantity', `would make lot ${lot.lot_number} negative: it holds ${new Decimal(lot.quantity).toFixed()} ${lot.unit}`);
        } else if (after.lt(lot.reserved)) {
          errors.add('/quantity', `would leave lot ${lot.lot_number} below the ${new Decimal(lot.reserved).toFixed()} ${lot.unit} reserved for released declarations`);
        }
      }
      errors.throwIfAny('The adjustment cannot be posted');
      const locked = lot as NonNullable<typeof lot>;
      const at = clock.now();
      const reason = input.reason.trim();
      const [movementId] = await repo.insertMovements(tx, [
        {
          lotId: locked.id,
          bookId: book.id,
          enterpriseId: book.enterpriseId,
          kind: 'ADJUSTMENT',
          quantity: delta.toFixed(),
          value: movementValue(delta, locked.unit_value),
          declarationId: null,
          lineNo: null,
          reason,
          approvedBy: principal.id,
          at,
        },
      ]);
      await repo.applyDeltas(tx, [{ lotId: locked.id, quantity: delta.toFixed(), reserved: '0' }]);
      await appendEvent(tx, {
        type: 'book.movements_posted',
        aggregateType: 'book',
        aggregateId: book.id,
        zoneId: book.zoneId,
        enterpriseId: book.enterpriseId,
        actorId: principal.id,
        payload: { declarationId: null, movements: 1, byKind: { ADJUSTMENT: 1 }, lotsCreated: 0, adjustment: { lotId: locked.id, quantity: delta.toFixed(), reason } },
      });
      const updated = await repo.findLot(tx, locked.id);
      const movement = await repo.findMovement(tx, movementId as string);
      return { lot: presentLot(updated as LotRow), movement: presentMovement(movement as MovementRow) };
    },
  };
}

export type BooksService = ReturnType<typeof createBooksService>;
