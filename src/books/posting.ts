// What the books do at the steps of a declaration's life (the DeclarationHooks contract): check that
// the stock is there at submission, hold it at release, post the movements when the goods pass the
// gate, give it back when the declaration is cancelled or rejected. Everything runs in the
// declaration's transaction; lots are locked in id order before they are read for a change, so
// concurrent releases on PostgreSQL queue on the same lots instead of both selling them.
import { Decimal } from 'decimal.js';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../platform/db/db.ts';
import { actorIdOf, type Principal } from '../platform/auth/principal.ts';
import { AppError, type ErrorDetail } from '../platform/errors.ts';
import { appendEvent } from '../platform/events/outbox.ts';
import { UUID_PATTERN } from '../platform/http/pagination.ts';
import type { DeclarationHooks, DeclarationSnapshot } from '../declarations/declaration.hooks.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import { allocate, type Allocation, type Need, type Supply } from './allocation.ts';
import { booksRepository as repo, type LockedLot, type LotDelta, type NewLot, type NewMovement, type ReservationRow } from './books.repository.ts';
import type { LotKind, MovementKind } from './books.schemas.ts';
import { admittedForeignStatus, dominantOrigin, earliestAdmission, movementValue, producedStatus, unitValueOf, type Admission } from './processing.ts';

type Line = DeclarationSnapshot['lines'][number];

interface BookRef {
  id: string;
  code: string;
  enterpriseId: string;
  zoneId: string;
}

/** A quantity taken from a lot by a line, with the lot as it was locked. */
interface Taken extends Allocation {
  lot: LockedLot;
  /** Whether it was held by a reservation (released declarations) or taken at completion. */
  reserved: boolean;
}

/** A lot to create: everything but what the book and the numbering give it. */
type LotSpec = Omit<NewLot, 'id' | 'bookId' | 'enterpriseId' | 'zoneId' | 'lotNumber' | 'at'>;

/** Whether a line takes goods out of the book (for PROCESSING, its INPUT lines). */
export function drawsDown(type: DeclarationSnapshot['type'], line: Pick<Line, 'processingRole'>): boolean {
  switch (type) {
    case 'EXPORT':
    case 'DOMESTIC_RELEASE':
    case 'DESTRUCTION':
    case 'TRANSFER':
      return true;
    case 'PROCESSING':
      return line.processingRole === 'INPUT';
    case 'ADMISSION':
    case 'DOMESTIC_ADMISSION':
      return false;
  }
}

function needsOf(d: DeclarationSnapshot): Need[] {
  const needs: Need[] = [];
  d.lines.forEach((line, index) => {
    if (!drawsDown(d.type, line)) return;
    needs.push({
      index,
      lineNo: line.lineNo,
      quantity: new Decimal(line.quantity),
      unit: line.unit,
      lotId: line.lotId,
      itemId: line.itemId,
      partNumber: line.partNumber,
      hsCode: line.hsCode,
    });
  });
  return needs;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const actorOf = (actor: Principal | null) => (actor ? actorIdOf(actor) : null);

/** Sums amounts per key: one UPDATE row or reservation per lot (and line). */
function sumBy<T>(entries: readonly T[], key: (entry: T) => string, amount: (entry: T) => Decimal.Value): Map<string, Decimal> {
  const sums = new Map<string, Decimal>();
  for (const entry of entries) sums.set(key(entry), (sums.get(key(entry)) ?? new Decimal(0)).plus(amount(entry)));
  return sums;
}

export function createBookHooks(deps: { registry: RegistryService }): DeclarationHooks {
  const { registry } = deps;

  async function bookOf(tx: Db, id: string): Promise<BookRef> {
    const book = await registry.findBook(tx, id);
    if (!book) throw new AppError('INTERNAL', `Book ${id} of a declaration does not exist`);
    return { id: book.id, code: book.code, enterpriseId: book.enterpriseId, zoneId: book.zoneId };
  }

  /**
   * The lots that could supply `needs`, with what each has free for this declaration: what is not
   * held, plus what this declaration itself holds there (it is being replaced or consumed).
   */
  async function suppliesFor(tx: Db, d: DeclarationSnapshot, needs: Need[], own: ReservationRow[], lock: boolean) {
    const named = needs.flatMap((n) => (n.lotId ? [n.lotId] : []));
    const fifo = needs.filter((n) => n.lotId === null);
    const lots = await repo.lockSupplies(
      tx,
      d.bookId,
      [...new Set([...named, ...own.map((r) => r.lot_id)])],
      [...new Set(fifo.flatMap((n) => (n.itemId ? [n.itemId] : [])))],
      fifo.filter((n) => n.itemId === null).map((n) => ({ hsCode: n.hsCode, partNumber: n.partNumber })),
      lock,
    );
    const ownByLot = sumBy(own, (r) => r.lot_id, (r) => r.quantity);
    const supplies: Supply[] = lots.map((lot) => ({
      id: lot.id,
      bookId: lot.book_id,
      lotNumber: lot.lot_number,
      itemId: lot.item_id,
      partNumber: lot.part_number,
      hsCode: lot.hs_code,
      unit: lot.unit,
      receiptDate: lot.receipt_date,
      available: new Decimal(lot.available).plus(ownByLot.get(lot.id) ?? 0),
    }));
    return { lots, supplies };
  }

  async function announce(tx: Db, book: BookRef, d: DeclarationSnapshot, movements: NewMovement[], lotsCreated: number, actor: Principal | null) {
    if (movements.length === 0) return;
    const byKind: Record<string, number> = {};
    for (const m of movements) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
    await appendEvent(tx, {
      type: 'book.movements_posted',
      aggregateType: 'book',
      aggregateId: book.id,
      zoneId: book.zoneId,
      enterpriseId: book.enterpriseId,
      actorId: actorOf(actor),
      payload: { declarationId: d.id, reference: d.reference, declarationType: d.type, movements: movements.length, byKind, lotsCreated },
    });
  }

  /** Creates lots in `book` with their receiving movements; returns the movements. */
  async function createLots(tx: Db, book: BookRef, specs: LotSpec[], kind: MovementKind, d: DeclarationSnapshot, at: Date): Promise<NewMovement[]> {
    if (specs.length === 0) return [];
    const first = await repo.nextLotNumbers(tx, book.id, specs.length);
    const lots: NewLot[] = specs.map((spec, i) => ({
      ...spec,
      id: uuidv7(),
      bookId: book.id,
      enterpriseId: book.enterpriseId,
      zoneId: book.zoneId,
      lotNumber: `${book.code}-${String(first + i).padStart(6, '0')}`,
      at,
    }));
    const movements: NewMovement[] = lots.map((lot) => ({
      lotId: lot.id,
      bookId: book.id,
      enterpriseId: book.enterpriseId,
      kind,
      quantity: lot.quantity,
      value: movementValue(lot.quantity, lot.unitValue),
      declarationId: d.id,
      lineNo: lot.receivingLineNo,
      reason: null,
      approvedBy: null,
      at,
    }));
    await repo.insertLots(tx, lots);
    await repo.insertMovements(tx, movements);
    return movements;
  }

  /**
   * Takes the drawing-down lines' goods out of the book: what was reserved at release, and for lines
   * without a reservation (released before the books held them) FIFO now, refused when short.
   */
  async function drawDown(tx: Db, d: DeclarationSnapshot, book: BookRef, at: Date, kind: MovementKind): Promise<{ taken: Taken[]; movements: NewMovement[] }> {
    const needs = needsOf(d);
    const own = await repo.reservationsOf(tx, d.id);
    const heldLines = new Set(own.map((r) => r.line_no));
    const unheld = needs.filter((n) => !heldLines.has(n.lineNo));
    // Lines with reservations consume them; the others compete with everyone else for what is free.
    const { lots, supplies } = await suppliesFor(tx, d, unheld, own, true);
    const lotById = new Map(lots.map((lot) => [lot.id, lot]));
    const taken: Taken[] = own.map((r) => ({
      lineNo: r.line_no,
      lotId: r.lot_id,
      quantity: new Decimal(r.quantity),
      lot: lotById.get(r.lot_id) as LockedLot,
      reserved: true,
    }));
    if (unheld.length > 0) {
      const freeOnly = supplies.map((s) => ({ ...s, available: new Decimal(lotById.get(s.id)?.available ?? 0) }));
      const result = allocate(unheld, freeOnly, book);
      if (result.errors.length > 0) throw new AppError('CONFLICT', `Not enough stock in book ${book.code} for ${d.reference}`, result.errors);
      taken.push(...result.allocations.map((a) => ({ ...a, lot: lotById.get(a.lotId) as LockedLot, reserved: false })));
    }
    const movements: NewMovement[] = taken.map((t) => ({
      lotId: t.lotId,
      bookId: t.lot.book_id,
      enterpriseId: t.lot.enterprise_id,
      kind,
      quantity: t.quantity.negated().toFixed(),
      value: movementValue(t.quantity.negated(), t.lot.unit_value),
      declarationId: d.id,
      lineNo: t.lineNo,
      reason: null,
      approvedBy: null,
      at,
    }));
    const out = sumBy(taken, (t) => t.lotId, (t) => t.quantity);
    const released = sumBy(taken.filter((t) => t.reserved), (t) => t.lotId, (t) => t.quantity);
    const deltas: LotDelta[] = [...out].map(([lotId, quantity]) => ({
      lotId,
      quantity: quantity.negated().toFixed(),
      reserved: (released.get(lotId) ?? new Decimal(0)).negated().toFixed(),
    }));
    if (own.length > 0) await repo.deleteReservations(tx, d.id);
    await repo.insertMovements(tx, movements);
    await repo.applyDeltas(tx, deltas);
    return { taken, movements };
  }

  /** A new lot for a declaration line received into the book at `at`. */
  function lotOfLine(
    d: DeclarationSnapshot,
    line: DeclarationSnapshot['lines'][number],
    at: Date,
    of: Pick<LotSpec, 'kind' | 'customsStatus' | 'originCountry' | 'sourceLotIds'> & { admission: Admission },
  ): LotSpec {
    return {
      kind: of.kind,
      itemId: line.itemId,
      partNumber: line.partNumber,
      hsCode: line.hsCode,
      description: line.description,
      customsStatus: of.customsStatus,
      originCountry: of.originCountry,
      unit: line.unit,
      quantity: line.quantity,
      unitValue: unitValueOf(line.customsValue, line.quantity),
      currency: d.currency,
      location: null,
      receivingDeclarationId: d.id,
      receivingLineNo: line.lineNo,
      receiptDate: dayOf(at),
      firstAdmissionDeclarationId: of.admission.declarationId,
      firstAdmissionDate: of.admission.date,
      sourceLotIds: of.sourceLotIds,
    };
  }

  async function receive(tx: Db, d: DeclarationSnapshot, at: Date, actor: Principal | null) {
    const book = await bookOf(tx, d.bookId);
    const { statusModel } = await registry.getAdministration(tx);
    const customsStatus = d.type === 'DOMESTIC_ADMISSION' ? 'DOMESTIC' : admittedForeignStatus(statusModel);
    const specs = d.lines.map((line) =>
      lotOfLine(d, line, at, { kind: 'GOODS', customsStatus, originCountry: line.originCountry, admission: { declarationId: d.id, date: dayOf(at) }, sourceLotIds: [] }),
    );
    const movements = await createLots(tx, book, specs, 'RECEIPT', d, at);
    await announce(tx, book, d, movements, specs.length, actor);
  }

  async function remove(tx: Db, d: DeclarationSnapshot, at: Date, actor: Principal | null) {
    const book = await bookOf(tx, d.bookId);
    const { movements } = await drawDown(tx, d, book, at, 'REMOVAL');
    await announce(tx, book, d, movements, 0, actor);
  }

  /** Out of the origin book, into new lots of the destination book that keep the goods' history. */
  async function transfer(tx: Db, d: DeclarationSnapshot, at: Date, actor: Principal | null) {
    if (!d.destination) throw new AppError('CONFLICT', `The transfer ${d.reference} names no destination book`);
    const origin = await bookOf(tx, d.bookId);
    const destination = await bookOf(tx, d.destination.bookId);
    const { taken, movements } = await drawDown(tx, d, origin, at, 'TRANSFER_OUT');
    // Items and part numbers belong to an enterprise's catalogue: they travel only within the enterprise.
    const sameEnterprise = destination.enterpriseId === origin.enterpriseId;
    const specs: LotSpec[] = taken.map(({ lot, quantity, lineNo }) => ({
      kind: lot.kind,
      itemId: sameEnterprise ? lot.item_id : null,
      partNumber: sameEnterprise ? lot.part_number : null,
      hsCode: lot.hs_code,
      description: lot.description,
      customsStatus: lot.customs_status,
      originCountry: lot.origin_country,
      unit: lot.unit,
      quantity: quantity.toFixed(),
      unitValue: lot.unit_value,
      currency: lot.currency,
      location: null,
      receivingDeclarationId: d.id,
      receivingLineNo: lineNo,
      receiptDate: dayOf(at),
      firstAdmissionDeclarationId: lot.first_admission_declaration_id,
      firstAdmissionDate: lot.first_admission_date,
      sourceLotIds: [lot.id],
    }));
    const received = await createLots(tx, destination, specs, 'TRANSFER_IN', d, at);
    await announce(tx, origin, d, movements, 0, actor);
    await announce(tx, destination, d, received, specs.length, actor);
  }

  /** Inputs consumed; outputs, waste and scrap booked as new lots whose trail leads to the inputs. */
  async function transform(tx: Db, d: DeclarationSnapshot, at: Date, actor: Principal | null) {
    const book = await bookOf(tx, d.bookId);
    const { taken, movements } = await drawDown(tx, d, book, at, 'CONSUMPTION');
    const { statusModel } = await registry.getAdministration(tx);
    const customsStatus = producedStatus(taken.map((t) => t.lot.customs_status), statusModel);
    const origin = dominantOrigin(taken.map((t) => ({ originCountry: t.lot.origin_country, value: t.quantity.times(t.lot.unit_value) })));
    const admission = earliestAdmission(taken.map((t) => ({ declarationId: t.lot.first_admission_declaration_id, date: t.lot.first_admission_date })));
    const sourceLotIds = [...new Set(taken.map((t) => t.lotId))];
    const kindOf: Record<'OUTPUT' | 'WASTE' | 'SCRAP', LotKind> = { OUTPUT: 'GOODS', WASTE: 'WASTE', SCRAP: 'SCRAP' };
    const specs: LotSpec[] = [];
    for (const line of d.lines) {
      if (line.processingRole === null || line.processingRole === 'INPUT') continue;
      specs.push(lotOfLine(d, line, at, { kind: kindOf[line.processingRole], customsStatus, originCountry: origin ?? line.originCountry, admission, sourceLotIds }));
    }
    const produced = await createLots(tx, book, specs, 'PRODUCTION', d, at);
    await announce(tx, book, d, [...movements, ...produced], specs.length, actor);
  }

  return {
    async checked(tx, d): Promise<ErrorDetail[]> {
      const needs = needsOf(d);
      if (needs.length === 0) return [];
      const book = await bookOf(tx, d.bookId);
      const own = UUID_PATTERN.test(d.id) ? await repo.reservationsOf(tx, d.id) : [];
      const { supplies } = await suppliesFor(tx, d, needs, own, false);
      return allocate(needs, supplies, book).errors;
    },

    assessed: () => Promise.resolve(),

    releaseBlocker: () => Promise.resolve(null),

    async released(tx, d) {
      const needs = needsOf(d);
      if (needs.length === 0) return;
      const book = await bookOf(tx, d.bookId);
      const own = await repo.reservationsOf(tx, d.id);
      const { supplies } = await suppliesFor(tx, d, needs, own, true);
      const { allocations, errors } = allocate(needs, supplies, book);
      // Refused before anything is written, so that an automatic release can simply be skipped.
      if (errors.length > 0) throw new AppError('CONFLICT', `Not enough stock in book ${book.code} to release ${d.reference}`, errors);
      const held = sumBy(allocations, (a) => `${a.lineNo}|${a.lotId}`, (a) => a.quantity);
      const rows = [...held].map(([key, quantity]) => {
        const [lineNo, lotId] = key.split('|') as [string, string];
        return { lineNo: Number(lineNo), lotId, quantity: quantity.toFixed() };
      });
      const before = sumBy(own, (r) => r.lot_id, (r) => r.quantity);
      const after = sumBy(allocations, (a) => a.lotId, (a) => a.quantity);
      const deltas: LotDelta[] = [...new Set([...before.keys(), ...after.keys()])].map((lotId) => ({
        lotId,
        quantity: '0',
        reserved: (after.get(lotId) ?? new Decimal(0)).minus(before.get(lotId) ?? 0).toFixed(),
      }));
      if (own.length > 0) await repo.deleteReservations(tx, d.id);
      await repo.insertReservations(tx, d.id, rows);
      await repo.applyDeltas(tx, deltas);
    },

    async completed(tx, d, at, actor) {
      switch (d.type) {
        case 'ADMISSION':
        case 'DOMESTIC_ADMISSION':
          return receive(tx, d, at, actor);
        case 'EXPORT':
        case 'DOMESTIC_RELEASE':
        case 'DESTRUCTION':
          return remove(tx, d, at, actor);
        case 'TRANSFER':
          return transfer(tx, d, at, actor);
        case 'PROCESSING':
          return transform(tx, d, at, actor);
      }
    },

    async withdrawn(tx, d) {
      const own = await repo.reservationsOf(tx, d.id);
      if (own.length === 0) return;
      const held = sumBy(own, (r) => r.lot_id, (r) => r.quantity);
      await repo.lockLots(tx, [...held.keys()]);
      await repo.deleteReservations(tx, d.id);
      await repo.applyDeltas(
        tx,
        [...held].map(([lotId, quantity]) => ({ lotId, quantity: '0', reserved: quantity.negated().toFixed() })),
      );
    },
  };
}
