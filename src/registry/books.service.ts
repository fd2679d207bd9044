// Account books: each enterprise keeps one or more electronic books per zone it is registered in,
// a STORAGE book for goods held as they are or a PROCESSING book that also records inputs turned
// into outputs. Admins and customs officers open them; movements are posted by the books module.
import type { Db } from '../platform/db/db.ts';
import { canSeeRecord, canSeeZone, type Principal } from '../platform/auth/principal.ts';
import { FieldErrors, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { booksRepository as repo, type BookRow, type BookValues } from './books.repository.ts';
import { enterprisesRepository } from './enterprises.repository.ts';
import { presentEnterprise } from './enterprises.service.ts';
import { changedKeys, guardUnique, recordChange, today } from './registry.common.ts';
import type { RegistryDeps } from './registry.deps.ts';
import { canSeeEnterprise, requireRole, scopeOf, WRITERS } from './registry.scope.ts';
import type { Book, BookInput, BookPatch } from './registry.schemas.ts';
import { zonesRepository } from './zones.repository.ts';

export function presentBook(row: BookRow): Book {
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    zoneId: row.zone_id,
    code: row.code,
    kind: row.kind,
    name: row.name,
    openedOn: row.opened_on,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface BookListQuery {
  limit: number;
  cursor?: string | undefined;
  enterpriseId?: string | undefined;
  zoneId?: string | undefined;
  active?: boolean | undefined;
}

const CODE_TAKEN = 'is already used by another book of this enterprise';

export function createBooksService(deps: RegistryDeps) {
  const { db, clock } = deps;

  async function findBook(db: Db, id: string): Promise<Book | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    const row = await repo.find(db, id);
    return row ? presentBook(row) : undefined;
  }

  async function save(tx: Db, actor: Principal, action: 'CREATED' | 'UPDATED', write: () => Promise<BookRow>) {
    const row = await guardUnique('/code', CODE_TAKEN, write);
    const book = presentBook(row);
    await recordChange(tx, {
      entityType: 'book',
      entityId: row.id,
      version: row.version,
      action,
      actor,
      at: row.updated_at,
      data: book,
      zoneId: row.zone_id,
      enterpriseId: row.enterprise_id,
    });
    return book;
  }

  return {
    findBook,

    /** The enterprise's open books in a zone, by code. */
    async openBooksOf(db: Db, enterpriseId: string, zoneId: string): Promise<Book[]> {
      const rows = await repo.list(db, { enterpriseId: null, zoneIds: null }, { enterpriseId, zoneId, active: true }, null, 50);
      return rows.map(presentBook);
    },

    async getBook(principal: Principal, id: string): Promise<Book> {
      const book = await findBook(db, id);
      if (!book || !canSeeRecord(principal, book)) throw notFound('Book');
      return book;
    },

    async listBooks(principal: Principal, query: BookListQuery) {
      const after = decodeCursor(query.cursor, 2, ([, id]) => UUID_PATTERN.test(id ?? '')) as [string, string] | null;
      const filter = { enterpriseId: query.enterpriseId ?? null, zoneId: query.zoneId ?? null, active: query.active ?? null };
      const rows = await repo.list(db, scopeOf(principal), filter, after, query.limit + 1);
      return toPage(rows, query.limit, (row) => [row.code, row.id], presentBook);
    },

    async createBook(tx: Db, actor: Principal, input: BookInput): Promise<Book> {
      requireRole(actor, WRITERS.book);
      const errors = new FieldErrors();
      const enterpriseRow = await enterprisesRepository.find(tx, input.enterpriseId);
      const enterprise = enterpriseRow ? presentEnterprise(enterpriseRow) : undefined;
      const zone = await zonesRepository.find(tx, input.zoneId);
      if (!enterprise || !canSeeEnterprise(actor, enterprise)) errors.add('/enterpriseId', 'no such enterprise');
      else if (!enterprise.active) errors.add('/enterpriseId', 'the enterprise is not active');
      if (!zone) errors.add('/zoneId', 'no such zone');
      else if (!canSeeZone(actor, zone.id)) errors.add('/zoneId', 'is not one of your zones');
      else if (!zone.active) errors.add('/zoneId', 'the zone is not active');
      else if (enterprise && !enterprise.zoneIds.includes(zone.id)) errors.add('/zoneId', 'the enterprise is not registered in this zone');
      if (await repo.findByCode(tx, input.enterpriseId, input.code)) errors.add('/code', CODE_TAKEN);
      errors.throwIfAny();
      const values: BookValues = {
        enterpriseId: input.enterpriseId,
        zoneId: input.zoneId,
        code: input.code,
        kind: input.kind,
        name: input.name,
        openedOn: input.openedOn ?? today(clock.now()),
        active: true,
      };
      return save(tx, actor, 'CREATED', () => repo.insert(tx, values, clock.now()));
    },

    async updateBook(tx: Db, actor: Principal, id: string, patch: BookPatch): Promise<Book> {
      requireRole(actor, WRITERS.book);
      const current = UUID_PATTERN.test(id) ? await repo.find(tx, id, true) : undefined;
      const before = current ? presentBook(current) : undefined;
      if (!before || !canSeeRecord(actor, before)) throw notFound('Book');
      const changed = changedKeys(before, patch);
      if (changed.length === 0) return before;
      const errors = new FieldErrors();
      if (patch.code !== undefined && changed.includes('code') && (await repo.findByCode(tx, before.enterpriseId, patch.code))) {
        errors.add('/code', CODE_TAKEN);
      }
      if (patch.active === true && changed.includes('active')) {
        const zoneIds = await zonesRepository.enterpriseZoneIds(tx, before.enterpriseId);
        if (!zoneIds?.includes(before.zoneId)) errors.add('/active', 'the enterprise is no longer registered in the zone of this book');
      }
      errors.throwIfAny();
      const values = { code: patch.code ?? before.code, name: patch.name ?? before.name, active: patch.active ?? before.active };
      return save(tx, actor, 'UPDATED', () => repo.update(tx, id, values, clock.now()));
    },
  };
}
