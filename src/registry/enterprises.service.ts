// Enterprises: who they are (identifier, country, roles), the zones they are registered in, their
// licence and AEO status. Admins and customs officers register them; zone-scoped officers only in
// their own zones.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { FieldErrors, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { enterprisesRepository as repo, type EnterpriseRow, type EnterpriseValues } from './enterprises.repository.ts';
import { changedKeys, containsPattern, guardUnique, recordChange } from './registry.common.ts';
import type { RegistryDeps } from './registry.deps.ts';
import { canSeeEnterprise, requireRole, scopeOf, WRITERS } from './registry.scope.ts';
import type { Enterprise, EnterpriseInput, EnterprisePatch } from './registry.schemas.ts';
import { zonesRepository } from './zones.repository.ts';

export function presentEnterprise(row: EnterpriseRow): Enterprise {
  return {
    id: row.id,
    identifier: row.identifier,
    name: row.name,
    country: row.country,
    roles: row.roles,
    zoneIds: row.zone_ids,
    licenceNumber: row.licence_number,
    licenceValidFrom: row.licence_valid_from,
    licenceValidTo: row.licence_valid_to,
    aeoStatus: row.aeo_status,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface EnterpriseListQuery {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
  zoneId?: string | undefined;
  active?: boolean | undefined;
}

const IDENTIFIER_TAKEN = 'is already registered to another enterprise';

export function createEnterprisesService(deps: RegistryDeps) {
  const { db, clock, reference } = deps;

  async function findEnterprise(db: Db, id: string): Promise<Enterprise | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    const row = await repo.find(db, id);
    return row ? presentEnterprise(row) : undefined;
  }

  /**
   * Checks the fields that changed. `before` is the stored enterprise (null on creation), so that
   * zones are judged by what was added and removed.
   */
  async function check(tx: Db, actor: Principal, next: EnterpriseValues, before: Enterprise | null, changed: ReadonlySet<string>) {
    const errors = new FieldErrors();
    if (changed.has('country') && !reference.countries.get(next.country)) errors.add('/country', 'is not an ISO 3166 country code');
    if (changed.has('identifier')) {
      const holder = await repo.findByIdentifier(tx, next.identifier);
      if (holder && holder.id !== before?.id) errors.add('/identifier', IDENTIFIER_TAKEN);
    }
    if (changed.has('zoneIds')) {
      const previous = before?.zoneIds ?? [];
      const missing = new Set(await zonesRepository.missing(tx, next.zoneIds));
      const actorZones = actor.zoneIds;
      next.zoneIds.forEach((zoneId, i) => {
        if (missing.has(zoneId)) errors.add(`/zoneIds/${i}`, 'no such zone');
        else if (actorZones && !actorZones.includes(zoneId) && !previous.includes(zoneId)) {
          errors.add(`/zoneIds/${i}`, 'is not one of your zones');
        }
      });
      const removed = previous.filter((zoneId) => !next.zoneIds.includes(zoneId));
      for (const zoneId of removed) {
        if (actorZones && !actorZones.includes(zoneId)) errors.add('/zoneIds', `must keep zone ${zoneId}: it is not one of your zones`);
      }
      if (actorZones && !next.zoneIds.some((zoneId) => actorZones.includes(zoneId))) {
        errors.add('/zoneIds', 'must include one of your zones');
      }
      if (before) {
        for (const zoneId of await repo.zonesWithActiveBooks(tx, before.id, removed)) {
          errors.add('/zoneIds', `must keep zone ${zoneId}: the enterprise has active books there`);
        }
      }
    }
    if (
      (changed.has('licenceValidFrom') || changed.has('licenceValidTo')) &&
      next.licenceValidFrom !== null &&
      next.licenceValidTo !== null &&
      next.licenceValidFrom > next.licenceValidTo
    ) {
      errors.add('/licenceValidTo', 'must not be before licenceValidFrom');
    }
    errors.throwIfAny();
  }

  async function save(tx: Db, actor: Principal, action: 'CREATED' | 'UPDATED', write: () => Promise<EnterpriseRow>) {
    const row = await guardUnique('/identifier', IDENTIFIER_TAKEN, write);
    const enterprise = presentEnterprise(row);
    await recordChange(tx, {
      entityType: 'enterprise',
      entityId: row.id,
      version: row.version,
      action,
      actor,
      at: row.updated_at,
      data: enterprise,
      enterpriseId: row.id,
    });
    return enterprise;
  }

  return {
    findEnterprise,

    async getEnterprise(principal: Principal, id: string): Promise<Enterprise> {
      const enterprise = await findEnterprise(db, id);
      if (!enterprise || !canSeeEnterprise(principal, enterprise)) throw notFound('Enterprise');
      return enterprise;
    },

    async listEnterprises(principal: Principal, query: EnterpriseListQuery) {
      const after = decodeCursor(query.cursor, 2, ([, id]) => UUID_PATTERN.test(id ?? '')) as [string, string] | null;
      const filter = {
        q: query.q ? containsPattern(query.q) : null,
        zoneId: query.zoneId ?? null,
        active: query.active ?? null,
      };
      const rows = await repo.list(db, scopeOf(principal), filter, after, query.limit + 1);
      return toPage(rows, query.limit, (row) => [row.name, row.id], presentEnterprise);
    },

    async createEnterprise(tx: Db, actor: Principal, input: EnterpriseInput): Promise<Enterprise> {
      requireRole(actor, WRITERS.enterprise);
      const values: EnterpriseValues = {
        identifier: input.identifier,
        name: input.name,
        country: input.country,
        roles: input.roles,
        zoneIds: input.zoneIds ?? [],
        licenceNumber: input.licenceNumber ?? null,
        licenceValidFrom: input.licenceValidFrom ?? null,
        licenceValidTo: input.licenceValidTo ?? null,
        aeoStatus: input.aeoStatus ?? 'NONE',
        active: input.active ?? true,
      };
      await check(tx, actor, values, null, new Set(Object.keys(values)));
      return save(tx, actor, 'CREATED', () => repo.insert(tx, values, clock.now()));
    },

    async updateEnterprise(tx: Db, actor: Principal, id: string, patch: EnterprisePatch): Promise<Enterprise> {
      requireRole(actor, WRITERS.enterprise);
      const current = UUID_PATTERN.test(id) ? await repo.find(tx, id, true) : undefined;
      const before = current ? presentEnterprise(current) : undefined;
      if (!before || !canSeeEnterprise(actor, before)) throw notFound('Enterprise');
      const changed = changedKeys(before, patch);
      if (changed.length === 0) return before;
      const next: EnterpriseValues = {
        identifier: patch.identifier ?? before.identifier,
        name: patch.name ?? before.name,
        country: patch.country ?? before.country,
        roles: patch.roles ?? before.roles,
        zoneIds: patch.zoneIds ?? before.zoneIds,
        licenceNumber: patch.licenceNumber !== undefined ? patch.licenceNumber : before.licenceNumber,
        licenceValidFrom: patch.licenceValidFrom !== undefined ? patch.licenceValidFrom : before.licenceValidFrom,
        licenceValidTo: patch.licenceValidTo !== undefined ? patch.licenceValidTo : before.licenceValidTo,
        aeoStatus: patch.aeoStatus ?? before.aeoStatus,
        active: patch.active ?? before.active,
      };
      await check(tx, actor, next, before, new Set(changed));
      return save(tx, actor, 'UPDATED', () => repo.update(tx, id, next, clock.now()));
    },
  };
}
