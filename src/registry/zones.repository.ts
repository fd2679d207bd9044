// SQL for zones and their gates.
import type { Db } from '../platform/db/db.ts';
import type { RegistryScope } from './registry.scope.ts';
import type { Gate, Perimeter, Zone } from './registry.schemas.ts';

export interface ZoneRow extends Record<string, unknown> {
  id: string;
  code: string;
  name: string;
  locode: string;
  zone_type: Zone['zoneType'];
  territorial_pattern: number;
  perimeter: Perimeter;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface GateRow extends Record<string, unknown> {
  id: string;
  zone_id: string;
  code: string;
  name: string;
  kind: Gate['kind'];
  direction: Gate['direction'];
  latitude: number;
  longitude: number;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ZoneValues {
  code: string;
  name: string;
  locode: string;
  zoneType: Zone['zoneType'];
  territorialPattern: number;
  perimeter: Perimeter;
  active: boolean;
}

export interface GateValues {
  code: string;
  name: string;
  kind: Gate['kind'];
  direction: Gate['direction'];
  latitude: number;
  longitude: number;
  active: boolean;
}

const ZONE_COLUMNS = 'id, code, name, locode, zone_type, territorial_pattern, perimeter, active, version, created_at, updated_at';
const GATE_COLUMNS = 'id, zone_id, code, name, kind, direction, latitude, longitude, active, version, created_at, updated_at';

export const zonesRepository = {
  async find(db: Db, id: string, forUpdate = false): Promise<ZoneRow | undefined> {
    const [row] = await db.query<ZoneRow>(`SELECT ${ZONE_COLUMNS} FROM zones WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findByCode(db: Db, code: string): Promise<ZoneRow | undefined> {
    const [row] = await db.query<ZoneRow>(`SELECT ${ZONE_COLUMNS} FROM zones WHERE code = $1`, [code]);
    return row;
  },

  /** The ids among `ids` that name no zone. */
  async missing(db: Db, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db.query<{ id: string }>('SELECT id FROM zones WHERE id = ANY($1::uuid[])', [ids]);
    const found = new Set(rows.map((row) => row.id));
    return ids.filter((id) => !found.has(id));
  },

  async insert(db: Db, values: ZoneValues, at: Date): Promise<ZoneRow> {
    const [row] = await db.query<ZoneRow>(
      `INSERT INTO zones (code, name, locode, zone_type, territorial_pattern, perimeter, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $8) RETURNING ${ZONE_COLUMNS}`,
      [values.code, values.name, values.locode, values.zoneType, values.territorialPattern, JSON.stringify(values.perimeter), values.active, at],
    );
    return row as ZoneRow;
  },

  async update(db: Db, id: string, values: ZoneValues, at: Date): Promise<ZoneRow> {
    const [row] = await db.query<ZoneRow>(
      `UPDATE zones SET code = $2, name = $3, locode = $4, zone_type = $5, territorial_pattern = $6, perimeter = $7::jsonb,
         active = $8, version = version + 1, updated_at = $9
       WHERE id = $1 RETURNING ${ZONE_COLUMNS}`,
      [id, values.code, values.name, values.locode, values.zoneType, values.territorialPattern, JSON.stringify(values.perimeter), values.active, at],
    );
    return row as ZoneRow;
  },

  /** Zones in code order after `afterCode`: staff limited to their zones, enterprise users to their enterprise's. */
  async list(db: Db, scope: RegistryScope, filter: { active: boolean | null }, afterCode: string | null, limit: number): Promise<ZoneRow[]> {
    return db.query<ZoneRow>(
      `SELECT ${ZONE_COLUMNS} FROM zones
       WHERE ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
         AND ($2::uuid IS NULL OR id IN (SELECT unnest(zone_ids) FROM enterprises WHERE id = $2::uuid))
         AND ($3::boolean IS NULL OR active = $3::boolean)
         AND ($4::text IS NULL OR code > $4::text)
       ORDER BY code
       LIMIT $5`,
      [scope.zoneIds, scope.enterpriseId, filter.active, afterCode, limit],
    );
  },

  async gatesOf(db: Db, zoneIds: readonly string[]): Promise<GateRow[]> {
    if (zoneIds.length === 0) return [];
    return db.query<GateRow>(`SELECT ${GATE_COLUMNS} FROM gates WHERE zone_id = ANY($1::uuid[]) ORDER BY code`, [zoneIds]);
  },

  async findGate(db: Db, id: string, forUpdate = false): Promise<GateRow | undefined> {
    const [row] = await db.query<GateRow>(`SELECT ${GATE_COLUMNS} FROM gates WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  },

  async findGateByCode(db: Db, zoneId: string, code: string): Promise<GateRow | undefined> {
    const [row] = await db.query<GateRow>(`SELECT ${GATE_COLUMNS} FROM gates WHERE zone_id = $1 AND code = $2`, [zoneId, code]);
    return row;
  },

  async insertGate(db: Db, zoneId: string, values: GateValues, at: Date): Promise<GateRow> {
    const [row] = await db.query<GateRow>(
      `INSERT INTO gates (zone_id, code, name, kind, direction, latitude, longitude, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${GATE_COLUMNS}`,
      [zoneId, values.code, values.name, values.kind, values.direction, values.latitude, values.longitude, values.active, at],
    );
    return row as GateRow;
  },

  async updateGate(db: Db, id: string, values: GateValues, at: Date): Promise<GateRow> {
    const [row] = await db.query<GateRow>(
      `UPDATE gates SET code = $2, name = $3, kind = $4, direction = $5, latitude = $6, longitude = $7, active = $8,
         version = version + 1, updated_at = $9
       WHERE id = $1 RETURNING ${GATE_COLUMNS}`,
      [id, values.code, values.name, values.kind, values.direction, values.latitude, values.longitude, values.active, at],
    );
    return row as GateRow;
  },

  /** The zones an enterprise is registered in; undefined when there is no such enterprise. */
  async enterpriseZoneIds(db: Db, enterpriseId: string): Promise<string[] | undefined> {
    const [row] = await db.query<{ zone_ids: string[] }>('SELECT zone_ids FROM enterprises WHERE id = $1', [enterpriseId]);
    return row?.zone_ids;
  },
};
