// SQL for registry_history: every version of every registry record, with who changed it and when.
import type { Db } from '../platform/db/db.ts';
import type { EntityType, HistoryAction } from './registry.schemas.ts';

export interface HistoryRow extends Record<string, unknown> {
  id: number;
  version: number;
  action: HistoryAction;
  changed_by: string | null;
  changed_by_name: string | null;
  changed_at: Date;
  data: unknown;
}

export interface NewHistoryEntry {
  entityType: EntityType;
  entityId: string;
  version: number;
  action: HistoryAction;
  changedBy: string | null;
  changedAt: Date;
  data: unknown;
}

export const historyRepository = {
  async insert(db: Db, entry: NewHistoryEntry): Promise<void> {
    await db.query(
      `INSERT INTO registry_history (entity_type, entity_id, version, action, changed_by, changed_at, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [entry.entityType, entry.entityId, entry.version, entry.action, entry.changedBy, entry.changedAt, JSON.stringify(entry.data)],
    );
  },

  /** Newest first; `beforeId` is the keyset cursor. */
  async list(db: Db, entityType: EntityType, entityId: string, beforeId: number | null, limit: number): Promise<HistoryRow[]> {
    const rows = await db.query<HistoryRow>(
      `SELECT h.id, h.version, h.action, h.changed_by, h.changed_at, h.data,
              COALESCE(u.username, k.name) AS changed_by_name
       FROM registry_history h
       LEFT JOIN users u ON u.id = h.changed_by
       LEFT JOIN api_keys k ON k.id = h.changed_by
       WHERE h.entity_type = $1 AND h.entity_id = $2 AND ($3::bigint IS NULL OR h.id < $3::bigint)
       ORDER BY h.id DESC
       LIMIT $4`,
      [entityType, entityId, beforeId, limit],
    );
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  },
};
