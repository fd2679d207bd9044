// SQL of alerts: raise with deduplication on the open alert's key, list within a scope, acknowledge.
import type { Db } from '../platform/db/db.ts';
import { recordLeaves } from '../proof/leaves.ts';

export interface AlertRow extends Record<string, unknown> {
  id: string;
  kind: string;
  severity: string;
  status: string;
  zone_id: string | null;
  enterprise_id: string | null;
  declaration_id: string | null;
  subject_type: string;
  subject_id: string;
  message: string;
  details: Record<string, unknown>;
  occurrences: number;
  raised_at: Date;
  last_seen_at: Date;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  acknowledgement_note: string | null;
}

export interface NewAlertRow {
  id: string;
  kind: string;
  severity: string;
  zoneId: string | null;
  enterpriseId: string | null;
  declarationId: string | null;
  subjectType: string;
  subjectId: string;
  dedupKey: string;
  message: string;
  details: Record<string, unknown>;
  at: Date;
}

export interface AlertFilter {
  status?: string | undefined;
  kind?: string | undefined;
  zoneId?: string | undefined;
  declarationId?: string | undefined;
  /** Only these zones; null for all. */
  zoneIds: string[] | null;
  after: { raisedAt: string; id: string } | null;
  limit: number;
}

export const alertsRepository = {
  /**
   * Inserts the alert, or counts one more occurrence on the open alert with the same key.
   * `created` tells which: only a new alert is announced.
   */
  async raise(db: Db, alert: NewAlertRow): Promise<{ row: AlertRow; created: boolean }> {
    const rows = await db.query<AlertRow & { created: boolean }>(
      `INSERT INTO alerts (id, kind, severity, zone_id, enterprise_id, declaration_id, subject_type, subject_id, dedup_key,
                           message, details, status, raised_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, 'OPEN', $12, $12)
       ON CONFLICT (dedup_key) WHERE status = 'OPEN'
       DO UPDATE SET occurrences = alerts.occurrences + 1, last_seen_at = GREATEST(alerts.last_seen_at, EXCLUDED.last_seen_at)
       RETURNING *, (xmax = 0) AS created`,
      [
        alert.id,
        alert.kind,
        alert.severity,
        alert.zoneId,
        alert.enterpriseId,
        alert.declarationId,
        alert.subjectType,
        alert.subjectId,
        alert.dedupKey,
        alert.message,
        JSON.stringify(alert.details),
        alert.at,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('alert insert returned no row');
    // A new alert is a fact for the log; another occurrence of an open one is not.
    if (row.created) await recordLeaves(db, 'alert.raised', [row.id]);
    return { row, created: row.created };
  },

  async get(db: Db, id: string, forUpdate = false): Promise<AlertRow | null> {
    const rows = await db.query<AlertRow>(`SELECT * FROM alerts WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  },

  async findOpen(db: Db, dedupKey: string): Promise<AlertRow | null> {
    const rows = await db.query<AlertRow>(`SELECT * FROM alerts WHERE dedup_key = $1 AND status = 'OPEN' FOR UPDATE`, [dedupKey]);
    return rows[0] ?? null;
  },

  async list(db: Db, filter: AlertFilter): Promise<AlertRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.status) add('status = ?', filter.status);
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.zoneId) add('zone_id = ?', filter.zoneId);
    if (filter.declarationId) add('declaration_id = ?', filter.declarationId);
    if (filter.zoneIds) add('zone_id = ANY(?::uuid[])', filter.zoneIds);
    if (filter.after) {
      params.push(filter.after.raisedAt, filter.after.id);
      where.push(`(raised_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(filter.limit + 1);
    return db.query<AlertRow>(
      `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY raised_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  },

  async acknowledge(db: Db, id: string, by: string, note: string, at: Date): Promise<AlertRow> {
    const rows = await db.query<AlertRow>(
      `UPDATE alerts SET status = 'ACKNOWLEDGED', acknowledged_by = $2, acknowledgement_note = $3, acknowledged_at = $4
       WHERE id = $1 RETURNING *`,
      [id, by, note, at],
    );
    const row = rows[0];
    if (!row) throw new Error('alert vanished during acknowledgement');
    await recordLeaves(db, 'alert.acknowledged', [row.id]);
    return row;
  },

};
