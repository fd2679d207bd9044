// Items: the goods an enterprise declares and books, each with its part number, HS subheading (of
// the edition the administration has in force) and unit of measure. Enterprise users keep their
// own catalogue; admins and customs officers may correct any within their zones.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { FieldErrors, notFound } from '../platform/errors.ts';
import { decodeCursor, toPage, UUID_PATTERN } from '../platform/http/pagination.ts';
import { administrationRepository } from './administration.repository.ts';
import { enterprisesRepository } from './enterprises.repository.ts';
import { itemsRepository as repo, type ItemRow, type ItemValues } from './items.repository.ts';
import { changedKeys, containsPattern, guardUnique, invalid, recordChange } from './registry.common.ts';
import type { RegistryDeps } from './registry.deps.ts';
import { canSeeEnterprise, requireRole, scopeOf, WRITERS } from './registry.scope.ts';
import type { Item, ItemInput, ItemPatch } from './registry.schemas.ts';

export function presentItem(row: ItemRow): Item {
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    partNumber: row.part_number,
    hsCode: row.hs_code,
    description: row.description,
    unit: row.unit,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface ItemListQuery {
  limit: number;
  cursor?: string | undefined;
  enterpriseId?: string | undefined;
  q?: string | undefined;
  active?: boolean | undefined;
}

const PART_NUMBER_TAKEN = 'is already used by another item of this enterprise';

export function createItemsService(deps: RegistryDeps) {
  const { db, clock, reference } = deps;

  async function findItem(db: Db, id: string): Promise<Item | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    const row = await repo.find(db, id);
    return row ? presentItem(row) : undefined;
  }

  /** Items are visible to whoever may see their enterprise. */
  async function canSeeItemsOf(db: Db, principal: Principal, enterpriseId: string): Promise<boolean> {
    if (principal.role === 'enterprise_user') return principal.enterpriseId === enterpriseId;
    if (principal.zoneIds === null) return true;
    const enterprise = await enterprisesRepository.find(db, enterpriseId);
    return enterprise !== undefined && canSeeEnterprise(principal, { id: enterprise.id, zoneIds: enterprise.zone_ids });
  }

  async function checkHsCode(tx: Db, hsCode: string, errors: FieldErrors): Promise<void> {
    const edition = (await administrationRepository.get(tx))?.hs_edition ?? 'HS2022';
    if (!reference.hs(edition).isSubheading(hsCode)) errors.add('/hsCode', `is not a subheading of ${edition}`);
  }

  function checkUnit(unit: string, errors: FieldErrors): void {
    if (!reference.units.get(unit)) errors.add('/unit', 'is not a known UN/ECE Recommendation 20 unit code');
  }

  async function save(tx: Db, actor: Principal, action: 'CREATED' | 'UPDATED', write: () => Promise<ItemRow>) {
    const row = await guardUnique('/partNumber', PART_NUMBER_TAKEN, write);
    const item = presentItem(row);
    await recordChange(tx, {
      entityType: 'item',
      entityId: row.id,
      version: row.version,
      action,
      actor,
      at: row.updated_at,
      data: item,
      enterpriseId: row.enterprise_id,
    });
    return item;
  }

  return {
    findItem,

    async findItemByPartNumber(db: Db, enterpriseId: string, partNumber: string): Promise<Item | undefined> {
      if (!UUID_PATTERN.test(enterpriseId)) return undefined;
      const row = await repo.findByPartNumber(db, enterpriseId, partNumber);
      return row ? presentItem(row) : undefined;
    },

    async getItem(principal: Principal, id: string): Promise<Item> {
      const item = await findItem(db, id);
      if (!item || !(await canSeeItemsOf(db, principal, item.enterpriseId))) throw notFound('Item');
      return item;
    },

    async listItems(principal: Principal, query: ItemListQuery) {
      const after = decodeCursor(query.cursor, 2, ([, id]) => UUID_PATTERN.test(id ?? '')) as [string, string] | null;
      const filter = {
        enterpriseId: query.enterpriseId ?? null,
        contains: query.q ? containsPattern(query.q) : null,
        hsPrefix: query.q && /^[0-9]{1,6}$/.test(query.q) ? query.q : null,
        active: query.active ?? null,
      };
      const rows = await repo.list(db, scopeOf(principal), filter, after, query.limit + 1);
      return toPage(rows, query.limit, (row) => [row.part_number, row.id], presentItem);
    },

    async createItem(tx: Db, actor: Principal, input: ItemInput): Promise<Item> {
      requireRole(actor, WRITERS.item);
      const errors = new FieldErrors();
      let enterpriseId = input.enterpriseId;
      if (actor.role === 'enterprise_user') {
        enterpriseId ??= actor.enterpriseId ?? undefined;
        // Another enterprise's catalogue is not disclosed to an enterprise user.
        if (!enterpriseId || enterpriseId !== actor.enterpriseId) throw notFound('Enterprise');
      }
      if (enterpriseId === undefined) {
        errors.add('/enterpriseId', 'is required');
      } else {
        const enterprise = await enterprisesRepository.find(tx, enterpriseId);
        if (!enterprise || !canSeeEnterprise(actor, { id: enterprise.id, zoneIds: enterprise.zone_ids })) {
          errors.add('/enterpriseId', 'no such enterprise');
        } else if (!enterprise.active) {
          errors.add('/enterpriseId', 'the enterprise is not active');
        } else if (await repo.findByPartNumber(tx, enterpriseId, input.partNumber)) {
          errors.add('/partNumber', PART_NUMBER_TAKEN);
        }
      }
      await checkHsCode(tx, input.hsCode, errors);
      checkUnit(input.unit, errors);
      if (enterpriseId === undefined || !errors.empty) throw invalid(errors);
      const values: ItemValues = {
        enterpriseId,
        partNumber: input.partNumber,
        hsCode: input.hsCode,
        description: input.description,
        unit: input.unit,
        active: input.active ?? true,
      };
      return save(tx, actor, 'CREATED', () => repo.insert(tx, values, clock.now()));
    },

    async updateItem(tx: Db, actor: Principal, id: string, patch: ItemPatch): Promise<Item> {
      requireRole(actor, WRITERS.item);
      const current = UUID_PATTERN.test(id) ? await repo.find(tx, id, true) : undefined;
      if (!current || !(await canSeeItemsOf(tx, actor, current.enterprise_id))) throw notFound('Item');
      const before = presentItem(current);
      const changed = changedKeys(before, patch);
      if (changed.length === 0) return before;
      const errors = new FieldErrors();
      if (patch.partNumber !== undefined && changed.includes('partNumber')) {
        if (await repo.findByPartNumber(tx, before.enterpriseId, patch.partNumber)) errors.add('/partNumber', PART_NUMBER_TAKEN);
      }
      if (patch.hsCode !== undefined && changed.includes('hsCode')) await checkHsCode(tx, patch.hsCode, errors);
      if (patch.unit !== undefined && changed.includes('unit')) checkUnit(patch.unit, errors);
      errors.throwIfAny();
      const values: ItemValues = {
        enterpriseId: before.enterpriseId,
        partNumber: patch.partNumber ?? before.partNumber,
        hsCode: patch.hsCode ?? before.hsCode,
        description: patch.description ?? before.description,
        unit: patch.unit ?? before.unit,
        active: patch.active ?? before.active,
      };
      return save(tx, actor, 'UPDATED', () => repo.update(tx, id, values, clock.now()));
    },
  };
}
