// SQL for items: an enterprise's catalogue of goods (part number, HS code, unit).
import type { Db } from '../platform/db/db.ts';
import type { RegistryScope } from './registry.scope.ts';
import type { Item } from './registry.schemas.ts';

export interface ItemRow extends Record<string, unknown> {
  id: string;
  enterprise_id: string;
  part_number: string;
  hs_code: string;
  description: string;
  unit: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type ItemValues = Pick<Item, 'enterpriseId' | 'partNumber' | 'hsCode' | 'description' | 'unit' | 'active'>;

export interface ItemFilter {
  enterpriseId: string | null;
  /** LIKE pattern matched against part number and description. */
  contains: string | null;
  /** Digits matched as a prefix of the HS code. */
  hsPrefix: string | null;
  active: boolean | null;
}

const COLUMNS = 'id, enterprise_id, part_number, hs_code, description, unit, active, version, created_at, updated_at';

export const itemsRepository = {
  async find(db: Db, id: string, forUpdate = false): Promise<ItemRow | undefined> {
    const [row] = await db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findByPartNumber(db: Db, enterpriseId: string, partNumber: string): Promise<ItemRow | undefined> {
    const [row] = await db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE enterprise_id = $1 AND part_number = $2`, [
      enterpriseId,
      partNumber,
    ]);
    return row;
  },

  async insert(db: Db, values: ItemValues, at: Date): Promise<ItemRow> {
    const [row] = await db.query<ItemRow>(
      `INSERT INTO items (enterprise_id, part_number, hs_code, description, unit, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
      [values.enterpriseId, values.partNumber, values.hsCode, values.description, values.unit, values.active, at],
    );
    return row as ItemRow;
  },

  async update(db: Db, id: string, values: ItemValues, at: Date): Promise<ItemRow> {
    const [row] = await db.query<ItemRow>(
      `UPDATE items SET part_number = $2, hs_code = $3, description = $4, unit = $5, active = $6,
         version = version + 1, updated_at = $7
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, values.partNumber, values.hsCode, values.description, values.unit, values.active, at],
    );
    return row as ItemRow;
  },

  /**
   * Items in (part number, id) order after the cursor: enterprise users see their own, zone-scoped
   * staff those of enterprises registered in one of their zones.
   */
  async list(db: Db, scope: RegistryScope, filter: ItemFilter, after: [string, string] | null, limit: number): Promise<ItemRow[]> {
    return db.query<ItemRow>(
      `SELECT ${COLUMNS} FROM items i
       WHERE ($1::uuid IS NULL OR i.enterprise_id = $1::uuid)
         AND ($2::uuid[] IS NULL OR EXISTS (
           SELECT 1 FROM enterprises e WHERE e.id = i.enterprise_id AND e.zone_ids && $2::uuid[]))
         AND ($3::uuid IS NULL OR i.enterprise_id = $3::uuid)
         AND ($4::text IS NULL OR i.part_number ILIKE $4::text OR i.description ILIKE $4::text OR i.hs_code LIKE $5::text || '%')
         AND ($6::boolean IS NULL OR i.active = $6::boolean)
         AND ($7::text IS NULL OR (i.part_number, i.id) > ($7::text, $8::uuid))
       ORDER BY i.part_number, i.id
       LIMIT $9`,
      [
        scope.enterpriseId,
        scope.zoneIds,
        filter.enterpriseId,
        filter.contains,
        filter.hsPrefix,
        filter.active,
        after?.[0] ?? null,
        after?.[1] ?? null,
        limit,
      ],
    );
  },
};
