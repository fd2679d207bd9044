// SQL for account books: an enterprise's electronic stock ledger in one zone.
import type { Db } from '../platform/db/db.ts';
import type { RegistryScope } from './registry.scope.ts';
import type { Book } from './registry.schemas.ts';

export interface BookRow extends Record<string, unknown> {
  id: string;
  enterprise_id: string;
  zone_id: string;
  code: string;
  kind: Book['kind'];
  name: string;
  opened_on: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type BookValues = Pick<Book, 'enterpriseId' | 'zoneId' | 'code' | 'kind' | 'name' | 'openedOn' | 'active'>;

export interface BookFilter {
  enterpriseId: string | null;
  zoneId: string | null;
  active: boolean | null;
}

const COLUMNS = 'id, enterprise_id, zone_id, code, kind, name, opened_on::text AS opened_on, active, version, created_at, updated_at';

export const booksRepository = {
  async find(db: Db, id: string, forUpdate = false): Promise<BookRow | undefined> {
    const [row] = await db.query<BookRow>(`SELECT ${COLUMNS} FROM books WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findByCode(db: Db, enterpriseId: string, code: string): Promise<BookRow | undefined> {
    const [row] = await db.query<BookRow>(`SELECT ${COLUMNS} FROM books WHERE enterprise_id = $1 AND code = $2`, [enterpriseId, code]);
    return row;
  },

  async insert(db: Db, values: BookValues, at: Date): Promise<BookRow> {
    const [row] = await db.query<BookRow>(
      `INSERT INTO books (enterprise_id, zone_id, code, kind, name, opened_on, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $8) RETURNING ${COLUMNS}`,
      [values.enterpriseId, values.zoneId, values.code, values.kind, values.name, values.openedOn, values.active, at],
    );
    return row as BookRow;
  },

  async update(db: Db, id: string, values: Pick<Book, 'code' | 'name' | 'active'>, at: Date): Promise<BookRow> {
    const [row] = await db.query<BookRow>(
      `UPDATE books SET code = $2, name = $3, active = $4, version = version + 1, updated_at = $5
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, values.code, values.name, values.active, at],
    );
    return row as BookRow;
  },

  /** Books in (code, id) order after the cursor: enterprise users see their own, zone-scoped staff their zones'. */
  async list(db: Db, scope: RegistryScope, filter: BookFilter, after: [string, string] | null, limit: number): Promise<BookRow[]> {
    return db.query<BookRow>(
      `SELECT ${COLUMNS} FROM books
       WHERE ($1::uuid IS NULL OR enterprise_id = $1::uuid)
         AND ($2::uuid[] IS NULL OR zone_id = ANY($2::uuid[]))
         AND ($3::uuid IS NULL OR enterprise_id = $3::uuid)
         AND ($4::uuid IS NULL OR zone_id = $4::uuid)
         AND ($5::boolean IS NULL OR active = $5::boolean)
         AND ($6::text IS NULL OR (code, id) > ($6::text, $7::uuid))
       ORDER BY code, id
       LIMIT $8`,
      [scope.enterpriseId, scope.zoneIds, filter.enterpriseId, filter.zoneId, filter.active, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
  },
};
