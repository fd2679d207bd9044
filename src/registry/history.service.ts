// The versions of a registry record, shown to whoever may read the record itself.
import type { Principal } from '../platform/auth/principal.ts';
import { notFound } from '../platform/errors.ts';
import { decodeCursor, toPage } from '../platform/http/pagination.ts';
import { ADMINISTRATION_ID, hideTargeting } from './administration.service.ts';
import { historyRepository as repo, type HistoryRow } from './history.repository.ts';
import type { RegistryDeps } from './registry.deps.ts';
import type { EntityType, HistoryEntry } from './registry.schemas.ts';

export function presentHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    version: row.version,
    action: row.action,
    changedBy: row.changed_by === null ? null : { id: row.changed_by, name: row.changed_by_name },
    changedAt: row.changed_at.toISOString(),
    data: row.data,
  };
}

/** Reads a record as `principal`, throwing NOT_FOUND when it does not exist or is out of sight. */
export type ReadCheck = (principal: Principal, id: string) => Promise<unknown>;

export interface HistoryQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export function createHistoryService(deps: RegistryDeps, readers: Record<Exclude<EntityType, 'administration'>, ReadCheck>) {
  const { db } = deps;

  return {
    /** Versions of one record, newest first. */
    async history(principal: Principal, entityType: EntityType, id: string, query: HistoryQuery = {}) {
      if (entityType === 'administration') {
        if (id !== ADMINISTRATION_ID) throw notFound('Administration');
      } else {
        await readers[entityType](principal, id);
      }
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 1, ([id]) => /^[0-9]{1,15}$/.test(id ?? ''))?.[0];
      const rows = await repo.list(db, entityType, id, before === undefined ? null : Number(before), limit + 1);
      return toPage(rows, limit, (row) => [String(row.id)], (row) => {
        const entry = presentHistoryEntry(row);
        if (entityType !== 'administration') return entry;
        return { ...entry, data: hideTargeting(principal, entry.data as Record<string, unknown>) };
      });
    },
  };
}
