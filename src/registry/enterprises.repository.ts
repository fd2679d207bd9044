// SQL for enterprises: the companies licensed to operate in the zones.
import type { Db } from '../platform/db/db.ts';
import type { RegistryScope } from './registry.scope.ts';
import type { Enterprise } from './registry.schemas.ts';

export interface EnterpriseRow extends Record<string, unknown> {
  id: string;
  identifier: string;
  name: string;
  country: string;
  roles: Enterprise['roles'];
  zone_ids: string[];
  licence_number: string | null;
  /** YYYY-MM-DD: dates are read as text so that no time zone shifts them. */
  licence_valid_from: string | null;
  licence_valid_to: string | null;
  aeo_status: Enterprise['aeoStatus'];
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type EnterpriseValues = Omit<Enterprise, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

export interface EnterpriseFilter {
  q: string | null;
  zoneId: string | null;
  active: boolean | null;
}

const COLUMNS = `id, identifier, name, country, roles, zone_ids, licence_number,
  licence_valid_from::text AS licence_valid_from, licence_valid_to::text AS licence_valid_to,
  aeo_status, active, version, created_at, updated_at`;

function params(values: EnterpriseValues): unknown[] {
  return [
    values.identifier,
    values.name,
    values.country,
    values.roles,
    values.zoneIds,
    values.licenceNumber,
    values.licenceValidFrom,
    values.licenceValidTo,
    values.aeoStatus,
    values.active,
  ];
}

export const enterprisesRepository = {
  async find(db: Db, id: string, forUpdate = false): Promise<EnterpriseRow | undefined> {
    const [row] = await db.query<EnterpriseRow>(`SELECT ${COLUMNS} FROM enterprises WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findByIdentifier(db: Db, identifier: string): Promise<EnterpriseRow | undefined> {
    const [row] = await db.query<EnterpriseRow>(`SELECT ${COLUMNS} FROM enterprises WHERE identifier = $1`, [identifier]);
    return row;
  },

  async insert(db: Db, values: EnterpriseValues, at: Date): Promise<EnterpriseRow> {
    const [row] = await db.query<EnterpriseRow>(
      `INSERT INTO enterprises (identifier, name, country, roles, zone_ids, licence_number, licence_valid_from, licence_valid_to,
         aeo_status, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4::text[], $5::uuid[], $6, $7::date, $8::date, $9, $10, $11, $11) RETURNING ${COLUMNS}`,
      [...params(values), at],
    );
    return row as EnterpriseRow;
  },

  async update(db: Db, id: string, values: EnterpriseValues, at: Date): Promise<EnterpriseRow> {
    const [row] = await db.query<EnterpriseRow>(
      `UPDATE enterprises SET identifier = $1, name = $2, country = $3, roles = $4::text[], zone_ids = $5::uuid[],
         licence_number = $6, licence_valid_from = $7::date, licence_valid_to = $8::date, aeo_status = $9, active = $10,
         version = version + 1, updated_at = $11
       WHERE id = $12 RETURNING ${COLUMNS}`,
      [...params(values), at, id],
    );
    return row as EnterpriseRow;
  },

  /** Enterprises in (name, id) order after the cursor, within the scope and filter. */
  async list(db: Db, scope: RegistryScope, filter: EnterpriseFilter, after: [string, string] | null, limit: number): Promise<EnterpriseRow[]> {
    return db.query<EnterpriseRow>(
      `SELECT ${COLUMNS} FROM enterprises
       WHERE ($1::uuid IS NULL OR id = $1::uuid)
         AND ($2::uuid[] IS NULL OR zone_ids && $2::uuid[])
         AND ($3::uuid IS NULL OR $3::uuid = ANY(zone_ids))
         AND ($4::text IS NULL OR name ILIKE $4::text OR identifier ILIKE $4::text)
         AND ($5::boolean IS NULL OR active = $5::boolean)
         AND ($6::text IS NULL OR (name, id) > ($6::text, $7::uuid))
       ORDER BY name, id
       LIMIT $8`,
      [scope.enterpriseId, scope.zoneIds, filter.zoneId, filter.q, filter.active, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
  },

  /** Zones, among `zoneIds`, in which the enterprise keeps an active book. */
  async zonesWithActiveBooks(db: Db, enterpriseId: string, zoneIds: readonly string[]): Promise<string[]> {
    if (zoneIds.length === 0) return [];
    const rows = await db.query<{ zone_id: string }>(
      'SELECT DISTINCT zone_id FROM books WHERE enterprise_id = $1 AND active AND zone_id = ANY($2::uuid[])',
      [enterpriseId, zoneIds],
    );
    return rows.map((row) => row.zone_id);
  },
};
