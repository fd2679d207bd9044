// Zones (with their WCO territorial pattern and GeoJSON perimeter) and the gates through which goods
// enter and leave them. Admins register zones; admins and the zone's operators register gates.
import type { Db } from '../platform/db/db.ts';
import { canSeeZone, type Principal } from '../platform/auth/principal.ts';
import { FieldErrors, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { checkPerimeter } from './geojson.ts';
import { changedKeys, guardUnique, invalid, recordChange } from './registry.common.ts';
import type { RegistryDeps } from './registry.deps.ts';
import { requireRole, scopeOf, WRITERS } from './registry.scope.ts';
import type { Gate, GateInput, GatePatch, Perimeter, Zone, ZoneInput, ZonePatch, ZoneRecord } from './registry.schemas.ts';
import { zonesRepository as repo, type GateRow, type GateValues, type ZoneRow, type ZoneValues } from './zones.repository.ts';

export function presentGate(row: GateRow): Gate {
  return {
    id: row.id,
    zoneId: row.zone_id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    direction: row.direction,
    latitude: row.latitude,
    longitude: row.longitude,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentZoneRecord(row: ZoneRow): ZoneRecord {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    locode: row.locode,
    zoneType: row.zone_type,
    territorialPattern: row.territorial_pattern,
    perimeter: row.perimeter,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentZone(row: ZoneRow, gates: GateRow[]): Zone {
  return { ...presentZoneRecord(row), gates: gates.filter((gate) => gate.zone_id === row.id).map(presentGate) };
}

export interface ZoneListQuery {
  limit: number;
  cursor?: string | undefined;
  active?: boolean | undefined;
}

export function createZonesService(deps: RegistryDeps) {
  const { db, clock, reference } = deps;

  /** Staff see the zones they work in; enterprise users the zones their enterprise is registered in. */
  async function canSee(principal: Principal, zoneId: string): Promise<boolean> {
    if (principal.role !== 'enterprise_user') return canSeeZone(principal, zoneId);
    if (!principal.enterpriseId) return false;
    return (await repo.enterpriseZoneIds(db, principal.enterpriseId))?.includes(zoneId) ?? false;
  }

  async function findZone(db: Db, id: string): Promise<Zone | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    const row = await repo.find(db, id);
    return row ? presentZone(row, await repo.gatesOf(db, [id])) : undefined;
  }

  async function findGate(db: Db, id: string): Promise<Gate | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    const row = await repo.findGate(db, id);
    return row ? presentGate(row) : undefined;
  }

  function checkLocode(locode: string, errors: FieldErrors): void {
    if (!reference.locodes.get(locode)) errors.add('/locode', 'is not a known UN/LOCODE');
  }

  async function checkZoneCode(tx: Db, code: string, errors: FieldErrors): Promise<void> {
    if (await repo.findByCode(tx, code)) errors.add('/code', 'is already used by another zone');
  }

  async function checkGateCode(tx: Db, zoneId: string, code: string, errors: FieldErrors): Promise<void> {
    if (await repo.findGateByCode(tx, zoneId, code)) errors.add('/code', 'is already used by another gate of this zone');
  }

  async function saveZone(tx: Db, actor: Principal, action: 'CREATED' | 'UPDATED', write: () => Promise<ZoneRow>): Promise<Zone> {
    const row = await guardUnique('/code', 'is already used by another zone', write);
    const record = presentZoneRecord(row);
    await recordChange(tx, { entityType: 'zone', entityId: row.id, version: row.version, action, actor, at: row.updated_at, data: record, zoneId: row.id });
    return presentZone(row, await repo.gatesOf(tx, [row.id]));
  }

  async function saveGate(tx: Db, actor: Principal, action: 'CREATED' | 'UPDATED', write: () => Promise<GateRow>): Promise<Gate> {
    const row = await guardUnique('/code', 'is already used by another gate of this zone', write);
    const gate = presentGate(row);
    await recordChange(tx, { entityType: 'gate', entityId: row.id, version: row.version, action, actor, at: row.updated_at, data: gate, zoneId: row.zone_id });
    return gate;
  }

  return {
    findZone,
    findGate,

    async getZone(principal: Principal, id: string): Promise<Zone> {
      const zone = await findZone(db, id);
      if (!zone || !(await canSee(principal, id))) throw notFound('Zone');
      return zone;
    },

    async listZones(principal: Principal, query: ZoneListQuery) {
      const after = decodeCursor(query.cursor, 1)?.[0] ?? null;
      const rows = await repo.list(db, scopeOf(principal), { active: query.active ?? null }, after, query.limit + 1);
      const gates = await repo.gatesOf(db, rows.slice(0, query.limit).map((row) => row.id));
      return toPage(rows, query.limit, (row) => [row.code], (row) => presentZone(row, gates));
    },

    async createZone(tx: Db, actor: Principal, input: ZoneInput): Promise<Zone> {
      requireRole(actor, WRITERS.zone);
      const errors = new FieldErrors();
      const { perimeter } = input;
      checkLocode(input.locode, errors);
      const perimeterOk = checkPerimeter(perimeter, '/perimeter', errors);
      await checkZoneCode(tx, input.code, errors);
      if (!perimeterOk || !errors.empty) throw invalid(errors);
      const values: ZoneValues = {
        code: input.code,
        name: input.name,
        locode: input.locode,
        zoneType: input.zoneType,
        territorialPattern: input.territorialPattern,
        perimeter,
        active: input.active ?? true,
      };
      return saveZone(tx, actor, 'CREATED', () => repo.insert(tx, values, clock.now()));
    },

    async updateZone(tx: Db, actor: Principal, id: string, patch: ZonePatch): Promise<Zone> {
      requireRole(actor, WRITERS.zone);
      const current = UUID_PATTERN.test(id) ? await repo.find(tx, id, true) : undefined;
      if (!current || !canSeeZone(actor, id)) throw notFound('Zone');
      const before = presentZoneRecord(current);
      const changed = changedKeys(before, patch);
      if (changed.length === 0) return presentZone(current, await repo.gatesOf(tx, [id]));
      const errors = new FieldErrors();
      if (patch.locode !== undefined && changed.includes('locode')) checkLocode(patch.locode, errors);
      let perimeter: Perimeter = before.perimeter;
      if (patch.perimeter !== undefined && changed.includes('perimeter')) {
        if (checkPerimeter(patch.perimeter, '/perimeter', errors)) perimeter = patch.perimeter;
      }
      if (patch.code !== undefined && changed.includes('code')) await checkZoneCode(tx, patch.code, errors);
      errors.throwIfAny();
      const values: ZoneValues = {
        code: patch.code ?? before.code,
        name: patch.name ?? before.name,
        locode: patch.locode ?? before.locode,
        zoneType: patch.zoneType ?? before.zoneType,
        territorialPattern: patch.territorialPattern ?? before.territorialPattern,
        perimeter,
        active: patch.active ?? before.active,
      };
      return saveZone(tx, actor, 'UPDATED', () => repo.update(tx, id, values, clock.now()));
    },

    async getGate(principal: Principal, id: string): Promise<Gate> {
      const gate = await findGate(db, id);
      if (!gate || !(await canSee(principal, gate.zoneId))) throw notFound('Gate');
      return gate;
    },

    async addGate(tx: Db, actor: Principal, zoneId: string, input: GateInput): Promise<Gate> {
      requireRole(actor, WRITERS.gate);
      const zone = UUID_PATTERN.test(zoneId) ? await repo.find(tx, zoneId) : undefined;
      if (!zone || !canSeeZone(actor, zoneId)) throw notFound('Zone');
      const errors = new FieldErrors();
      await checkGateCode(tx, zoneId, input.code, errors);
      errors.throwIfAny();
      const values: GateValues = { ...input, active: input.active ?? true };
      return saveGate(tx, actor, 'CREATED', () => repo.insertGate(tx, zoneId, values, clock.now()));
    },

    async updateGate(tx: Db, actor: Principal, id: string, patch: GatePatch): Promise<Gate> {
      requireRole(actor, WRITERS.gate);
      const current = UUID_PATTERN.test(id) ? await repo.findGate(tx, id, true) : undefined;
      if (!current || !canSeeZone(actor, current.zone_id)) throw notFound('Gate');
      const before = presentGate(current);
      const changed = changedKeys(before, patch);
      if (changed.length === 0) return before;
      const errors = new FieldErrors();
      if (patch.code !== undefined && changed.includes('code')) await checkGateCode(tx, current.zone_id, patch.code, errors);
      errors.throwIfAny();
      const values: GateValues = {
        code: patch.code ?? before.code,
        name: patch.name ?? before.name,
        kind: patch.kind ?? before.kind,
        direction: patch.direction ?? before.direction,
        latitude: patch.latitude ?? before.latitude,
        longitude: patch.longitude ?? before.longitude,
        active: patch.active ?? before.active,
      };
      return saveGate(tx, actor, 'UPDATED', () => repo.updateGate(tx, id, values, clock.now()));
    },
  };
}
